import Foundation
import UrbanWattCore

/// The terminal summary of a run: totals, layers, years, fleets and the balance.
package enum SummaryTable {
    package static func render(_ b: Breakdown) -> String {
        let r = b.result
        let totalKWh = b.kWh(.total)
        var lines: [String] = []
        let title = "UrbanWatt — \(r.scenario.name), \(r.scenario.start) to \(r.scenario.end)" + (r.complete ? "" : " (interrupted)")
        lines.append(title)
        lines.append(String(repeating: "=", count: title.count))
        var head = "Energy \(number(totalKWh)) kWh · peak \(number(b.peak(.total).kW)) kW"
        if let c = b.co2(.total) { head += " · \(number(c / 1000)) t CO2" }
        if let c = b.cost(.total) { head += " · \(SummaryTable.money(c)) \(r.scenario.grid.currency ?? "")" }
        lines.append(head)
        lines.append("")
        // Carbon and cost columns where the grid gives an intensity and a price.
        let currency = r.scenario.grid.currency ?? "cost"
        let moneyHeads = (b.hasCarbon ? ["t CO2"] : []) + (b.hasPrice ? [currency] : [])
        func carbonAndCost(_ g: Breakdown.Group, _ span: Breakdown.Span = .all) -> [String] {
            (b.co2(g, span).map { [number($0 / 1000)] } ?? []) + (b.cost(g, span).map { [SummaryTable.money($0)] } ?? [])
        }
        var rows: [[String]] = [["layer", "energy kWh", "share", "peak kW"] + moneyHeads]
        for l in Layer.allCases {
            let e = b.kWh(.layer(l))
            rows.append([l.rawValue, number(e), percent(e, of: totalKWh), number(b.peak(.layer(l)).kW)] + carbonAndCost(.layer(l)))
        }
        lines += table(rows)
        if b.years.count > 1 {
            lines.append("")
            rows = [["year", "energy kWh", "peak kW"] + moneyHeads]
            for (y, span) in b.years {
                rows.append([String(y), number(b.kWh(.total, span)), number(b.peak(.total, span).kW)] + carbonAndCost(.total, span))
            }
            lines += table(rows)
        }
        lines.append("")
        rows = [["fleet", "kind", "nodes", "energy kWh", "share"] + moneyHeads + ["uplinks"]]
        for (i, f) in r.scenario.fleets.enumerated() {
            let e = b.kWh(.fleet(i))
            rows.append(
                [
                    f.name, f.kind.rawValue, String(b.nodes(fleet: i)), number(e),
                    percent(e, of: totalKWh),
                ] + carbonAndCost(.fleet(i)) + [String(b.uplinks(fleet: i))])
        }
        lines += table(rows)
        let balance = b.balance()
        let bal = balance.kWh
        lines.append("")
        let taken = bal.reboundICT != 0 ? " (rebound takes back \(number(bal.reboundICT)))" : ""
        lines.append("ICT overhead \(number(bal.ictOverhead)) kWh · ICT-enabled savings \(number(bal.savingsICT)) kWh\(taken) · net \(number(bal.net)) kWh")
        lines.append(
            "efficiency savings \(number(bal.savingsEfficiency)) kWh (baseline \(number(bal.baseline)) kWh) · net with efficiency \(number(bal.netWithEfficiency)) kWh"
        )
        var netMoney: [String] = []
        if let c = balance.co2Kg {
            netMoney.append(
                "ICT \(number(c.ictOverhead / 1000)) t CO2 · ICT-enabled savings \(number((c.savingsICT - c.reboundICT) / 1000)) t · net \(number(c.net / 1000)) t"
            )
        }
        if let c = balance.cost {
            netMoney.append(
                "ICT \(SummaryTable.money(c.ictOverhead)) \(currency) · ICT-enabled savings \(SummaryTable.money(c.savingsICT - c.reboundICT)) · net \(SummaryTable.money(c.net)) \(currency)"
            )
        }
        if !netMoney.isEmpty { lines.append(netMoney.joined(separator: "  |  ")) }
        if let life = RunSummary.LifeCycle(b) {
            let operational = b.co2(.total).map { "operational \(number($0 / 1000)) t CO2 · " } ?? ""
            lines.append(
                "life cycle: \(operational)embodied \(number(life.total.incurredCO2eKg / 1000)) t CO2e as incurred, "
                    + "\(number(life.total.amortisedCO2eKg / 1000)) t amortised · \(number(life.total.installed)) installed, "
                    + "\(number(life.total.replaced)) replaced, \(number(life.total.retired)) retired")
        }
        let payback = RunSummary.Payback.measures(b).filter { _ in b.hasCarbon }
        if !payback.isEmpty {
            lines.append(
                "payback in CO2e (all savings / ICT-enabled alone): "
                    + payback.map {
                        "\($0.name) \($0.value.co2eYear.map(String.init) ?? "not by \(b.years.last?.year ?? 0)") / \($0.value.co2eYearICT.map(String.init) ?? "not by \(b.years.last?.year ?? 0)")"
                    }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Columns padded to their widest cell; numbers right-aligned.
    package static func table(_ rows: [[String]]) -> [String] {
        // Every table has its header row, so `rows` is not empty.
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max()! }
        return rows.enumerated().flatMap { (k, row) -> [String] in
            let line = row.enumerated().map { c, cell in
                c == 0
                    ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ")
            return k == 0 ? [line, String(repeating: "-", count: line.count)] : [line]
        }
    }

    /// Thousands separators; one decimal below 100.
    package static func number(_ x: Double) -> String {
        if abs(x) < 0.05 { return "0.0" }
        if abs(x) < 100 { return FixedDecimal.format(x, digits: 1) }
        guard x.isFinite, abs(x) < 1e18 else { return x.isFinite ? String(format: "%.3e", x) : "n/a" }
        return FixedDecimal.grouped(Int(x.rounded()))
    }

    /// Money as a price known to a few per cent means it: three significant figures, never below
    /// whole units (263,912.55 → 264,000; 1,234.56 → 1,230; 12.34 → 12).
    package static func money(_ x: Double) -> String {
        guard x.isFinite, abs(x) < 1e18 else { return number(x) }
        let digits = abs(x) < 1 ? 1 : Int(log10(abs(x)).rounded(.down)) + 1
        let scale = digits > 3 ? pow(10, Double(digits - 3)) : 1
        return FixedDecimal.grouped(Int((x / scale).rounded()) * Int(scale))
    }

    static func percent(_ x: Double, of total: Double) -> String {
        total > 0 ? FixedDecimal.format(100 * x / total, digits: 1) + "%" : "-"
    }
}
