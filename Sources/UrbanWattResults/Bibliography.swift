import Foundation

/// The project's bibliography (docs/sources.md, embedded by scripts/embed-scenarios), so that a
/// report quotes each source its assumptions cite.
enum Bibliography {
    /// Each entry's text by its key: `- **[KEY]** text`, with its continuation lines.
    static let entries: [String: String] = {
        var out: [String: String] = [:]
        var key: String?
        var body: [Substring] = []
        func close() { if let key { out[key] = body.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") } }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("- **["), let end = line.range(of: "]**") {
                close()
                key = String(line[line.index(line.startIndex, offsetBy: 5)..<end.lowerBound])
                body = [line[end.upperBound...]]
            } else if key != nil, line.hasPrefix("  "), !line.trimmingCharacters(in: .whitespaces).isEmpty {
                body.append(line)
            } else {
                close()
                key = nil
            }
        }
        close()
        return out
    }()

    /// An entry as HTML: escaped, with its Markdown `*titles*` and `` `code` `` marked up.
    static func html(_ entry: String) -> String {
        ReportText.e(entry).replacing(/\*([^*]+)\*/) { "<em>\($0.output.1)</em>" }.replacing(/`([^`]+)`/) { "<code>\($0.output.1)</code>" }
    }

    /// The keys `text` cites (`[MsbG]`, `[UBA-fuel]`) that the bibliography holds, in order of appearance.
    static func cited(in text: String) -> [String] {
        var seen = Set<String>()
        return text.matches(of: /\[([A-Za-z][A-Za-z0-9.-]*[0-9A-Za-z])\]/).map { String($0.output.1) }
            .filter { entries[$0] != nil && seen.insert($0).inserted }
    }
}
