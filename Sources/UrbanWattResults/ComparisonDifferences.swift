import UrbanWattCore

/// What `compare` says makes two results not like for like.
extension Comparison {
    /// What makes `a` and `b` not like for like, and (apart) the differences in the `expected`
    /// fleets: added, removed, or changed with the keys that changed.
    static func differences(_ a: RunSummary, _ b: RunSummary, labels: (String, String), expected: Set<String>) -> (warnings: [String], expected: [String]) {
        var out: [String] = []
        var intended: [String] = []
        func period(_ s: RunSummary) -> String { "\(s.period.start) to \(s.period.end)" }
        let fields: [(String, String, String)] = [
            ("periods", period(a), period(b)),
            ("steps", "\(a.period.stepSeconds) s", "\(b.period.stepSeconds) s"),
            ("seeds", String(a.seed), String(b.seed)),
        ]
        for (what, x, y) in fields where x != y {
            out.append("the \(what) differ: \(labels.0) \(x), \(labels.1) \(y)")
        }
        for (label, s) in [(labels.0, a), (labels.1, b)] where !s.complete {
            out.append("\(label) is incomplete (interrupted)")
        }
        // Other fleets: the totals hold other equipment, not the same equipment run otherwise.
        let fleets = (Set(a.byFleet.map(\.name)), Set(b.byFleet.map(\.name)))
        func some(_ names: [String]) -> String {
            names.prefix(5).joined(separator: ", ") + (names.count > 5 ? " and \(names.count - 5) more" : "")
        }
        for wanted in [false, true] {
            let only = [(labels.0, fleets.0.subtracting(fleets.1)), (labels.1, fleets.1.subtracting(fleets.0))]
                .map { ($0.0, $0.1.filter { expected.contains($0) == wanted }.sorted()) }.filter { !$0.1.isEmpty }
            guard !only.isEmpty else { continue }
            let text = "the fleets differ: " + only.map { "only \($0.0) has \(some($0.1))" }.joined(separator: "; ")
            if wanted { intended.append(text) } else { out.append(text) }
        }
        for name in a.byFleet.map(\.name) where fleets.1.contains(name) {
            let changes = fleetChanges(name, a, b)
            guard !changes.isEmpty else { continue }
            let text = "fleet `\(name)` changed: " + some(changes)
            if expected.contains(name) { intended.append(text) } else { out.append(text) }
        }
        // Another grid: the same energy is other carbon and cost.
        func grid(_ s: RunSummary, _ key: String) -> Double? { s.assumptions.first { $0.name == "grid" }?.value.first { $0.key == key }?.value }
        for (key, what, unit) in [("carbon_intensity", "carbon intensity", "g/kWh"), ("price", "price", "/kWh")] {
            let x = grid(a, key), y = grid(b, key)
            guard x != nil || y != nil, !Comparison.same(x, y) else { continue }
            func text(_ v: Double?, _ s: RunSummary) -> String {
                v.map { FixedDecimal.format($0, digits: unit == "g/kWh" ? 1 : 4) + " " + (unit == "g/kWh" ? unit : (s.totals.currency ?? "") + unit) } ?? "none"
            }
            out.append("the grids differ: mean \(what) \(labels.0) \(text(x, a)), \(labels.1) \(text(y, b))")
        }
        if let x = a.totals.currency, let y = b.totals.currency, x != y { out.append("the currencies differ: \(labels.0) \(x), \(labels.1) \(y)") }
        return (out, intended)
    }

    /// What differs in fleet `name` between `a` and `b`: its kind, layer, district, nodes at the
    /// end, and each coefficient of its model ("standby 0 → 5 W").
    static func fleetChanges(_ name: String, _ a: RunSummary, _ b: RunSummary) -> [String] {
        guard let x = a.byFleet.first(where: { $0.name == name }), let y = b.byFleet.first(where: { $0.name == name }) else { return [] }
        var changes: [String] = []
        for (key, u, v) in [("kind", x.kind, y.kind), ("layer", x.layer, y.layer), ("district", x.district, y.district)] where u != v {
            changes.append("\(key) \(u) → \(v)")
        }
        if x.nodes != y.nodes { changes.append("nodes \(FixedDecimal.grouped(x.nodes)) → \(FixedDecimal.grouped(y.nodes))") }
        let coefficients = (a.assumptions.first { $0.name == name }?.value ?? [], b.assumptions.first { $0.name == name }?.value ?? [])
        for key in Comparison.keys(coefficients.0, coefficients.1) {
            let u = coefficients.0.first { $0.key == key }, v = coefficients.1.first { $0.key == key }
            guard !same(u?.value, v?.value) else { continue }
            func text(_ c: Assumption?) -> String {
                c.map { FixedDecimal.format($0.value, digits: 6).trimmingZeros + ($0.unit.isEmpty ? "" : " \($0.unit)") } ?? "none"
            }
            changes.append("\(key) \(text(u)) → \(text(v))")
        }
        return changes
    }

    /// The coefficient keys of both lists, those of `a` first.
    static func keys(_ a: [Assumption], _ b: [Assumption]) -> [String] {
        var seen = Set<String>()
        return (a + b).map(\.key).filter { seen.insert($0).inserted }
    }

    /// Equal to a relative 1e-9 (the grid's mean is a sum over steps), or both absent.
    static func same(_ x: Double?, _ y: Double?) -> Bool {
        guard let x, let y else { return x == nil && y == nil }
        return abs(x - y) <= 1e-9 * max(abs(x), abs(y))
    }

}

extension String {
    /// "1.500000" as "1.5", "2.000000" as "2".
    var trimmingZeros: String {
        guard contains(".") else { return self }
        var s = self
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
