import UrbanWattCore

/// The terminal view of a `--runs` result: p5 / p50 / p95 of the totals, of each year and of the net balance.
public enum UncertaintyTable {
    public static func render(_ u: JSONValue) -> String {
        var rows = [["Monte Carlo (\(Int(u["runs"]?.doubleValue ?? 0)) runs)", "p5", "p50", "p95"]]
        func add(_ name: String, _ v: JSONValue?) {
            rows.append([name] + ["p5", "p50", "p95"].map { v?[$0]?.doubleValue.map(SummaryTable.number) ?? "-" })
        }
        if case .object(let totals)? = u["totals"] { for (k, v) in totals { add(k, v) } }
        if case .object(let years)? = u["by_year"] { for (y, v) in years { add("\(y) energy_kwh", v["energy_kwh"]) } }
        if case .object(let balance)? = u["balance"] { for (k, v) in balance where k.hasPrefix("net_") { add("balance \(k)", v) } }
        return "\n" + SummaryTable.table(rows).joined(separator: "\n") + "\n"
    }
}
