import Foundation
import UrbanWattCore

/// Two results side by side (`urbanwatt compare`): totals, layers, years and fleets, with absolute
/// and relative deltas, as a table, Markdown, JSON or CSV.
public struct Comparison: Sendable {
    public struct Row: Sendable {
        public var section: String
        public var name: String
        public var a: Double?
        public var b: Double?
        public var delta: Double? { a.flatMap { a in b.map { $0 - a } } }
        public var relative: Double? { a.flatMap { a in delta.map { a == 0 ? ($0 == 0 ? 0 : .infinity) : $0 / abs(a) } } }
    }

    public var labels: (String, String)
    public var rows: [Row]

    public init(_ a: JSONValue, _ b: JSONValue, labels: (String, String)) {
        self.labels = labels
        var rows: [Row] = []
        for key in ["energy_kwh", "peak_kw", "co2_kg", "cost"] {
            rows.append(Row(section: "totals", name: key, a: a["totals"]?[key]?.doubleValue, b: b["totals"]?[key]?.doubleValue))
        }
        for key in ["ict_overhead_kwh", "savings_kwh", "net_kwh"] {
            rows.append(Row(section: "balance", name: key, a: a["balance"]?[key]?.doubleValue, b: b["balance"]?[key]?.doubleValue))
        }
        for section in ["by_layer", "by_year", "by_fleet"] {
            for name in Comparison.names(a[section], b[section]) {
                rows.append(Row(section: section, name: name, a: a[section]?[name]?["energy_kwh"]?.doubleValue, b: b[section]?[name]?["energy_kwh"]?.doubleValue))
            }
        }
        self.rows = rows
    }

    /// Keys of both objects, those of `a` first.
    static func names(_ a: JSONValue?, _ b: JSONValue?) -> [String] {
        var out: [String] = []
        for v in [a, b] { if case .object(let p)? = v { for (k, _) in p where !out.contains(k) { out.append(k) } } }
        return out
    }

    public enum Format: String, CaseIterable, Sendable { case table, md, json, csv }

    public func render(_ format: Format) -> String {
        func n(_ x: Double?) -> String { x.map { SummaryTable.number($0) } ?? "-" }
        func pct(_ x: Double?) -> String { x.map { $0.isFinite ? String(format: "%+.1f%%", $0 * 100) : "new" } ?? "-" }
        func raw(_ x: Double?) -> String { x.map { JSONValue.format($0) } ?? "" }
        switch format {
        case .table, .md:
            let header = ["section", "item", labels.0, labels.1, "Δ", "Δ%"]
            let body = rows.map { [$0.section, $0.name, n($0.a), n($0.b), n($0.delta), pct($0.relative)] }
            if format == .table { return SummaryTable.table([header] + body).joined(separator: "\n") + "\n" }
            let line = { (cells: [String]) in "| " + cells.joined(separator: " | ") + " |" }
            return ([line(header), "|---|---|--:|--:|--:|--:|"] + body.map(line)).joined(separator: "\n") + "\n"
        case .csv:
            return "section,item,a,b,delta,relative\n" + rows.map {
                [$0.section, $0.name, raw($0.a), raw($0.b), raw($0.delta), raw($0.relative)].joined(separator: ",")
            }.joined(separator: "\n") + "\n"
        case .json:
            func num(_ x: Double?) -> JSONValue { x.map(JSONValue.number) ?? .null }
            return JSONValue.object([
                ("a", .string(labels.0)), ("b", .string(labels.1)),
                ("rows", .array(rows.map { .object([
                    ("section", .string($0.section)), ("item", .string($0.name)), ("a", num($0.a)), ("b", num($0.b)),
                    ("delta", num($0.delta)), ("relative", num($0.relative)),
                ]) })),
            ]).serialized()
        }
    }
}
