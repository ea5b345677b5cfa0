/// One coefficient a run used: its value in a stated unit and where it came from — a source key
/// of docs/sources.md, a definition, or "scenario" when the scenario gave it.
public struct Assumption: Sendable, Equatable {
    public var key: String
    public var value: Double
    public var unit: String
    public var source: String

    public init(_ key: String, _ value: Double, _ unit: String, _ source: String) {
        self.key = key
        self.value = value
        self.unit = unit
        self.source = source
    }

    /// "scenario" when the scenario gave `key` (or any key under it), else `source`.
    /// `a` with the scenario's citation beside it (`scenario [MsbG]`, `scenario (U)`), when the
    /// scenario gave it and its comment cites something.
    public static func cited(_ a: Assumption, _ citation: String?) -> Assumption {
        guard a.source == "scenario", let citation else { return a }
        return Assumption(a.key, a.value, a.unit, "scenario \(citation)")
    }

    public static func source(_ key: String, given: Set<String>, otherwise source: String) -> String {
        given.contains(key) ? "scenario" : source
    }
}

extension NodeKind {
    public func assumptions(given: Set<String>) -> [Assumption] { [] }
}
