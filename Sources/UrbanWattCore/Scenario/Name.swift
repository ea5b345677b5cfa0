/// The one rule for the names of scenarios, districts and fleets (docs/scenario-limits.md).
///
/// Names become MQTT topic levels, file and folder names, CSV cells, JSON strings, UltraLight
/// fields and node ids (`{fleet}-{index}`), so they hold only ASCII letters, digits, `-`, `_` and
/// `.`, start with a letter or digit, and have at most 64 characters: no control characters, no
/// separator of any of our formats (`/ + # | , " \\ =` or white space) and no `..` path step.
/// Writers still escape what they write.
public enum Name {
    public static let maximumLength = 64

    public static func isValid(_ s: String) -> Bool {
        guard let first = s.utf8.first, s.utf8.count <= maximumLength, isLetterOrDigit(first) else { return false }
        return s.utf8.allSatisfy { isLetterOrDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    /// Why `s` is not a valid name, for a diagnostic.
    public static func problem(_ s: String, what: String) -> String {
        let quoted = s.count > 80 ? String(s.prefix(80)) + "…" : s
        return "expected \(what) of 1 to \(maximumLength) ASCII letters, digits, `-`, `_` or `.`, starting with a letter or digit "
            + "(it becomes a topic level, a file name and a CSV cell), got \"\(quoted)\""
    }

    private static func isLetterOrDigit(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }
}
