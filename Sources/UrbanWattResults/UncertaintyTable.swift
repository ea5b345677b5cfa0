import UrbanWattCore

/// The terminal view of a `--runs` result: p5 / p50 / p95 of the totals, of each year and of the net balance.
package enum UncertaintyTable {
    package static func render(_ u: RunSummary.Uncertainty) -> String {
        var rows = [["Monte Carlo (\(u.runs) runs)", "p5", "p50", "p95"]]
        func add(_ name: String, _ band: RunSummary.Band) {
            rows.append([name] + [band.p5, band.p50, band.p95].map(SummaryTable.number))
        }
        for t in u.totals { add(t.name, t.value) }
        for y in u.byYear { add("\(y.name) energy_kwh", y.value) }
        for b in u.balance where b.name.hasPrefix("net_") { add("balance \(b.name)", b.value) }
        return "\n" + SummaryTable.table(rows).joined(separator: "\n") + "\n"
    }
}
