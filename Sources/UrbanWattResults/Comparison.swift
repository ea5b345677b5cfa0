import Foundation
import UrbanWattCore

/// Two results side by side (`urbanwatt compare`): totals, balance, layers, districts, years and
/// fleets in energy, CO2 and cost, with absolute and relative deltas, as a table, Markdown, JSON, CSV
/// or an HTML page.
public struct Comparison: Sendable {
    public struct Row: Sendable {
        public var section: String
        public var name: String
        /// energy_kwh, peak_kw, co2_kg, cost, …
        public var measure: String
        public var a: Double?
        public var b: Double?
        public var delta: Double? { a.flatMap { a in b.map { $0 - a } } }
        public var relative: Double? { a.flatMap { a in delta.map { a == 0 ? ($0 == 0 ? 0 : .infinity) : $0 / abs(a) } } }
    }

    public var labels: (String, String)
    public var rows: [Row]
    /// What each side ran: period, step, seed, completeness.
    public var runs: (String, String)
    /// Differences that make the figures not like for like (a day beside a year, another step or
    /// seed, other fleets, another grid), and those in the fleets named as `expected` (the change a
    /// variant is about), which `--strict` lets pass.
    public var warnings: [String]
    public var expected: [String]

    public init(_ a: RunSummary, _ b: RunSummary, labels: (String, String), expected intended: Set<String> = []) {
        self.labels = labels
        runs = (Comparison.run(a), Comparison.run(b))
        (warnings, expected) = Comparison.differences(a, b, labels: labels, expected: intended)
        func totals(_ s: RunSummary) -> [Double?] { [s.totals.energyKWh, s.totals.peakKW, s.totals.co2Kg, s.totals.cost] }
        var rows = zip(["energy_kwh", "peak_kw", "co2_kg", "cost"], zip(totals(a), totals(b))).map { key, v in
            Row(section: "totals", name: key, measure: key, a: v.0, b: v.1)
        }
        for key in ["ict_overhead", "savings", "net"] {
            for (unit, side) in [("kwh", { (b: RunSummary.Balance) in Optional(b.kWh) }), ("co2_kg", { $0.co2Kg }), ("cost", { $0.cost })] {
                let k = "\(key)_\(unit)"
                let x = side(a.balance)?.value(key), y = side(b.balance)?.value(key)
                if unit == "kwh" || x != nil || y != nil { rows.append(Row(section: "balance", name: k, measure: k, a: x, b: y)) }
            }
        }
        // The same electricity's CO2 in each view of the grid (average, upstream, marginal,
        // market-based) either side asks for: its total and the net of its balance.
        let views = [a, b].map { Dictionary($0.co2Views.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }) }
        for name in Comparison.names(a.co2Views, b.co2Views) {
            let x = views[0][name], y = views[1][name]
            rows.append(Row(section: "co2_views", name: name, measure: "co2_kg", a: x?.co2Kg, b: y?.co2Kg))
            rows.append(Row(section: "co2_views", name: name, measure: "net_co2_kg", a: x?.balance.net, b: y?.balance.net))
        }
        // Energy and peak of each layer, district, year and fleet, then its carbon and cost where
        // either side has them: a variant that moves load (smart charging) changes the peak, not the energy.
        func years(_ s: RunSummary) -> [RunSummary.Named<RunSummary.Figures>] { s.byYear.map { RunSummary.Named(name: String($0.year), value: $0.figures) } }
        func fleets(_ s: RunSummary) -> [RunSummary.Named<RunSummary.Figures>] { s.byFleet.map { RunSummary.Named(name: $0.name, value: $0.figures) } }
        let sections = [
            ("by_layer", a.byLayer, b.byLayer), ("by_district", a.byDistrict, b.byDistrict), ("by_year", years(a), years(b)),
            ("by_fleet", fleets(a), fleets(b)),
        ]
        for (section, x, y) in sections {
            let byName = [x, y].map { Dictionary($0.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }) }
            for name in Comparison.names(x, y) {
                let fx = byName[0][name], fy = byName[1][name]
                for (measure, value) in [
                    ("energy_kwh", { (f: RunSummary.Figures) in Optional(f.energyKWh) }), ("peak_kw", { Optional($0.peakKW) }),
                    ("co2_kg", { $0.co2Kg }), ("cost", { $0.cost }),
                ] {
                    let vx = fx.flatMap(value), vy = fy.flatMap(value)
                    if measure == "energy_kwh" || measure == "peak_kw" || vx != nil || vy != nil {
                        rows.append(Row(section: section, name: name, measure: measure, a: vx, b: vy))
                    }
                }
            }
        }
        self.rows = rows
    }

    /// "2025-01-01 to 2026-01-01, step 900 s, seed 42".
    static func run(_ s: RunSummary) -> String {
        "\(s.period.start) to \(s.period.end), step \(s.period.stepSeconds) s, seed \(s.seed)\(s.complete ? "" : ", incomplete")"
    }

    /// What a measure is, for people (the table, Markdown and the page; CSV and JSON keep the keys).
    static func measureName(_ key: String) -> String {
        let names = ["energy_kwh": "energy (kWh)", "peak_kw": "peak (kW)", "co2_kg": "CO₂ (kg)", "cost": "cost"]
        if let name = names[key] { return name }
        for (unit, text) in [("_kwh", " (kWh)"), ("_co2_kg", " CO₂ (kg)"), ("_cost", " cost")] where key.hasSuffix(unit) {
            return String(key.dropLast(unit.count)).replacingOccurrences(of: "_", with: " ") + text
        }
        return key.replacingOccurrences(of: "_", with: " ")
    }

    /// Names of both lists, those of `a` first.
    static func names<T>(_ a: [RunSummary.Named<T>], _ b: [RunSummary.Named<T>]) -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        for item in a + b where seen.insert(item.name).inserted { out.append(item.name) }
        return out
    }

    public enum Format: String, CaseIterable, Sendable { case table, md, json, csv, html }

    /// A figure for people: grouped digits, "-" where a side has none.
    static func figure(_ x: Double?) -> String { x.map { SummaryTable.number($0) } ?? "-" }
    /// A relative change: "+12.5%", "new" from zero, "-" where a side has none.
    static func change(_ x: Double?) -> String { x.map { $0.isFinite ? String(format: "%+.1f%%", $0 * 100) : "new" } ?? "-" }

    public func render(_ format: Format) -> String {
        let n = Comparison.figure, pct = Comparison.change
        func raw(_ x: Double?) -> String { x.map { JSONValue.format($0) } ?? "" }
        switch format {
        case .table, .md:
            let header = ["section", "item", "measure", labels.0, labels.1, "Δ", "Δ%"]
            let body =
                [["run", "period, step, seed", "", runs.0, runs.1, "", ""]]
                + rows.map {
                    [
                        $0.section.replacingOccurrences(of: "_", with: " "), $0.section == "totals" || $0.section == "balance" ? "" : $0.name,
                        Comparison.measureName($0.measure), n($0.a), n($0.b), n($0.delta), pct($0.relative),
                    ]
                }
            // The table goes to a terminal, where the warnings go to stderr; Markdown is a document.
            if format == .table { return SummaryTable.table([header] + body).joined(separator: "\n") + "\n" }
            let line = { (cells: [String]) in "| " + cells.joined(separator: " | ") + " |" }
            let notes = warnings.map { "\n> **Warning:** \($0)." } + expected.map { "\n> **Expected:** \($0)." }
            return ([line(header), "|---|---|---|--:|--:|--:|--:|"] + body.map(line) + notes).joined(separator: "\n") + "\n"
        case .csv:
            return "section,item,measure,a,b,delta,relative\n"
                + rows.map {
                    [$0.section, CSVWriters.field($0.name), $0.measure, raw($0.a), raw($0.b), raw($0.delta), raw($0.relative)].joined(separator: ",")
                }.joined(separator: "\n") + "\n"
        case .html:
            return ComparisonPage.html(self)
        case .json:
            func num(_ x: Double?) -> JSONValue { x.map(JSONValue.number) ?? .null }
            return JSONValue.object([
                ("a", .string(labels.0)), ("b", .string(labels.1)),
                ("runs", .object([("a", .string(runs.0)), ("b", .string(runs.1))])),
                ("warnings", .array(warnings.map(JSONValue.string))),
                ("expected", .array(expected.map(JSONValue.string))),
                (
                    "rows",
                    .array(
                        rows.map {
                            .object([
                                ("section", .string($0.section)), ("item", .string($0.name)), ("measure", .string($0.measure)), ("a", num($0.a)),
                                ("b", num($0.b)),
                                ("delta", num($0.delta)), ("relative", num($0.relative)),
                            ])
                        })
                ),
            ]).serialized()
        }
    }
}
