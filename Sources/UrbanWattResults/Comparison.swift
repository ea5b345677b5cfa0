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
    /// Differences that make the figures not like for like (a day beside a year, another step or seed).
    public var warnings: [String]

    public init(_ a: JSONValue, _ b: JSONValue, labels: (String, String)) {
        self.labels = labels
        runs = (Comparison.run(a), Comparison.run(b))
        warnings = Comparison.differences(a, b, labels: labels)
        var rows: [Row] = []
        for key in ["energy_kwh", "peak_kw", "co2_kg", "cost"] {
            rows.append(Row(section: "totals", name: key, measure: key, a: a["totals"]?[key]?.doubleValue, b: b["totals"]?[key]?.doubleValue))
        }
        for key in ["ict_overhead", "savings", "net"] {
            for unit in ["kwh", "co2_kg", "cost"] {
                let k = "\(key)_\(unit)"
                let x = a["balance"]?[k]?.doubleValue, y = b["balance"]?[k]?.doubleValue
                if unit == "kwh" || x != nil || y != nil { rows.append(Row(section: "balance", name: k, measure: k, a: x, b: y)) }
            }
        }
        // Energy of each layer, district, year and fleet, then its carbon and cost where either side has them.
        for section in ["by_layer", "by_district", "by_year", "by_fleet"] {
            for name in Comparison.names(a[section], b[section]) {
                for measure in ["energy_kwh", "co2_kg", "cost"] {
                    let x = a[section]?[name]?[measure]?.doubleValue, y = b[section]?[name]?[measure]?.doubleValue
                    if measure == "energy_kwh" || x != nil || y != nil { rows.append(Row(section: section, name: name, measure: measure, a: x, b: y)) }
                }
            }
        }
        self.rows = rows
    }

    /// "2025-01-01 to 2026-01-01, step 900 s, seed 42".
    static func run(_ s: JSONValue) -> String {
        let p = s["period"]
        let step = p?["step_s"]?.compact() ?? "?"
        let incomplete = s["complete"] == .bool(false) ? ", incomplete" : ""
        return "\(p?["start"]?.stringValue ?? "?") to \(p?["end"]?.stringValue ?? "?"), step \(step) s, seed \(s["seed"]?.compact() ?? "?")\(incomplete)"
    }

    static func differences(_ a: JSONValue, _ b: JSONValue, labels: (String, String)) -> [String] {
        var out: [String] = []
        func period(_ s: JSONValue) -> String { "\(s["period"]?["start"]?.stringValue ?? "?") to \(s["period"]?["end"]?.stringValue ?? "?")" }
        let fields: [(String, String, String)] = [
            ("periods", period(a), period(b)),
            ("steps", (a["period"]?["step_s"]?.compact() ?? "?") + " s", (b["period"]?["step_s"]?.compact() ?? "?") + " s"),
            ("seeds", a["seed"]?.compact() ?? "?", b["seed"]?.compact() ?? "?"),
        ]
        for (what, x, y) in fields where x != y {
            out.append("the \(what) differ: \(labels.0) \(x), \(labels.1) \(y)")
        }
        for (label, s) in [(labels.0, a), (labels.1, b)] where s["complete"] == .bool(false) {
            out.append("\(label) is incomplete (interrupted)")
        }
        return out
    }

    /// Keys of both objects, those of `a` first.
    static func names(_ a: JSONValue?, _ b: JSONValue?) -> [String] {
        var out: [String] = []
        for v in [a, b] { if case .object(let p)? = v { for (k, _) in p where !out.contains(k) { out.append(k) } } }
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
            let body = [["run", "period, step, seed", "", runs.0, runs.1, "", ""]]
                + rows.map { [$0.section, $0.name, $0.measure, n($0.a), n($0.b), n($0.delta), pct($0.relative)] }
            // The table goes to a terminal, where the warnings go to stderr; Markdown is a document.
            if format == .table { return SummaryTable.table([header] + body).joined(separator: "\n") + "\n" }
            let line = { (cells: [String]) in "| " + cells.joined(separator: " | ") + " |" }
            let notes = warnings.map { "\n> **Warning:** \($0)." }
            return ([line(header), "|---|---|---|--:|--:|--:|--:|"] + body.map(line) + notes).joined(separator: "\n") + "\n"
        case .csv:
            return "section,item,measure,a,b,delta,relative\n" + rows.map {
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
                ("rows", .array(rows.map { .object([
                    ("section", .string($0.section)), ("item", .string($0.name)), ("measure", .string($0.measure)), ("a", num($0.a)), ("b", num($0.b)),
                    ("delta", num($0.delta)), ("relative", num($0.relative)),
                ]) })),
            ]).serialized()
        }
    }
}
