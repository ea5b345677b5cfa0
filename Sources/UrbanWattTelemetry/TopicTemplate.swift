import Foundation

/// A topic with placeholders `{scenario} {district} {kind} {layer} {fleet} {node}`, and
/// `{apikey}` for the FIWARE topics.
public struct TopicTemplate: Sendable, Equatable {
    public static let placeholders = ["scenario", "district", "kind", "layer", "fleet", "node", "apikey"]
    public static let standard = "urbanwatt/{scenario}/{district}/{kind}/{fleet}/{node}"
    public static let maximumLength = 1024
    public let text: String

    /// The topic level (from 0) that is the district alone, `{district}`; nil when none is.
    public var districtLevel: Int? { text.split(separator: "/", omittingEmptySubsequences: false).firstIndex { $0 == "{district}" } }

    /// Throws, with the reason, when the template names an unknown placeholder, has a wildcard or a
    /// control character, or is empty or longer than `maximumLength`.
    public init(_ text: String) throws(TemplateError) {
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { throw TemplateError(text: text, reason: "an unclosed `{`") }
            let name = String(rest[rest.index(after: open)..<close])
            if !TopicTemplate.placeholders.contains(name) {
                throw TemplateError(
                    text: text, reason: "unknown placeholder `{\(name)}` (known: " + TopicTemplate.placeholders.map { "{\($0)}" }.joined(separator: " ") + ")")
            }
            rest = rest[rest.index(after: close)...]
        }
        if text.contains("+") || text.contains("#") { throw TemplateError(text: text, reason: "a topic to publish to cannot contain the wildcards + or #") }
        if text.isEmpty { throw TemplateError(text: text, reason: "an empty topic") }
        if TopicFilter.hasControlCharacter(text) {
            throw TemplateError(text: text, reason: "a control character")
        }
        // Names are at most 64 bytes, so every topic stays far below MQTT's 65,535-byte limit.
        if text.utf8.count > TopicTemplate.maximumLength {
            throw TemplateError(text: String(text.prefix(40)) + "…", reason: "longer than \(TopicTemplate.maximumLength) bytes")
        }
        self.text = text
    }

    public struct TemplateError: Error, CustomStringConvertible {
        public var text: String
        public var reason: String
        public var description: String { "--topic \"\(text)\": \(reason)" }
    }

    /// The template with every placeholder but `{node}` filled in, split around `{node}`, so a node's
    /// topic is `parts.joined(separator: nodeID)`.
    public func parts(scenario: String, district: String, kind: String, layer: String, fleet: String, apikey: String) -> [String] {
        text.replacingOccurrences(of: "{apikey}", with: apikey).replacingOccurrences(of: "{scenario}", with: scenario).replacingOccurrences(
            of: "{district}", with: district
        )
        .replacingOccurrences(of: "{kind}", with: kind).replacingOccurrences(of: "{layer}", with: layer)
        .replacingOccurrences(of: "{fleet}", with: fleet).components(separatedBy: "{node}")
    }
}
