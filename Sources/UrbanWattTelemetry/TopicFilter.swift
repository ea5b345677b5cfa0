/// MQTT topic filters (MQTT 5 §4.7): `+` fills a whole level, `#` only the last, no NUL or control
/// characters, at most 65,535 bytes; `$share/{group}/{filter}` for a shared subscription.
public enum TopicFilter {
    /// MQTT forbids NUL in topics and advises against the other control characters; brokers drop them.
    static func hasControlCharacter(_ s: some StringProtocol) -> Bool {
        s.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    /// Why `text` is not a topic filter a broker accepts; nil when it is one.
    public static func problem(_ text: String) -> String? {
        var filter = Substring(text)
        if text.hasPrefix("$share/") {
            let parts = text.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, !parts[1].isEmpty, !parts[1].contains(where: { "+#".contains($0) }) else {
                return "a shared subscription is $share/{group}/{filter}, with a group name without + or #"
            }
            filter = parts[2]
        }
        if filter.isEmpty { return "an empty filter" }
        if text.utf8.count > 65_535 { return "longer than 65,535 bytes" }
        if hasControlCharacter(filter) { return "a control character" }
        let levels = filter.split(separator: "/", omittingEmptySubsequences: false)
        for (k, level) in levels.enumerated() {
            if level.contains("#") && (level != "#" || k != levels.count - 1) { return "`#` must be a whole level, and the last" }
            if level.contains("+") && level != "+" { return "`+` must be a whole level" }
        }
        return nil
    }
}
