import Yams

/// The sources a scenario's comments cite beside its figures: `power: 6 W  # at most 6 W [MsbG]`
/// makes `[MsbG]` the source of `fleets[smart-meter-gateways].power`, and `(U)` marks an
/// assumption. Kept through decoding so that the assumptions a run lists carry them.
enum Citations {
    /// The citations of the grid's keys and of each fleet's keys in the composed document `root`,
    /// by path (`grid.carbon_intensity`, `fleets[parking].radio`): the comment on the key's line,
    /// else on the line where its value starts. `texts` are the files' texts, in `files` order.
    static func collect(_ root: Node, texts: [String], origins: Composition.Origins?) -> [String: String] {
        let lines = texts.map { $0.split(separator: "\n", omittingEmptySubsequences: false) }
        func marks(_ key: Node, _ value: Node, file: Int) -> String? {
            guard lines.indices.contains(file) else { return nil }
            for mark in [key.mark, value.mark] {
                guard let line = mark?.line, lines[file].indices.contains(line - 1),
                      let comment = comment(of: lines[file][line - 1]), let found = Self.marks(in: comment) else { continue }
                return found
            }
            return nil
        }
        guard case .mapping(let top) = root else { return [:] }
        var out: [String: String] = [:]
        if let grid = top["grid"], case .mapping(let g) = grid {
            let file = origins?.file(of: "grid") ?? 0
            for (k, v) in g { if let key = k.scalar?.string, let m = marks(k, v, file: file) { out["grid.\(key)"] = m } }
        }
        if let fleets = top["fleets"], case .sequence(let list) = fleets {
            for fleet in list {
                guard case .mapping(let f) = fleet, let name = f["name"]?.scalar?.string else { continue }
                for (k, v) in f {
                    guard let key = k.scalar?.string else { continue }
                    let path = "fleets[\(name)].\(key)"
                    if let m = marks(k, v, file: origins?.file(of: path) ?? 0) { out[path] = m }
                }
            }
        }
        return out
    }

    /// The text after the first `#` outside quotes that begins a comment, or nil.
    static func comment(of line: Substring) -> Substring? {
        var quote: Character?
        var previous: Character = " "
        for i in line.indices {
            let c = line[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "#" && (previous == " " || previous == "\t" || i == line.startIndex) {
                return line[line.index(after: i)...]
            }
            previous = c
        }
        return nil
    }

    /// The `[KEY]`s and `(U)` of `comment`, in order, or nil when it has neither.
    static func marks(in comment: Substring) -> String? {
        let found = comment.matches(of: /\[[A-Za-z][A-Za-z0-9.-]*[0-9A-Za-z]\]|\(U\)/).map { String($0.output) }
        var seen = Set<String>()
        let unique = found.filter { seen.insert($0).inserted }
        return unique.isEmpty ? nil : unique.joined(separator: " ")
    }
}
