import Foundation
import UrbanWattCore

/// The terminal summary of a run: totals, layers, years, fleets and the balance.
public enum SummaryTable {
    public static func render(_ b: Breakdown) -> String {
        let r = b.result
        let all = b.all
        let totalKWh = b.kWh(b.total, all)
        var lines: [String] = []
        let title = "UrbanWatt — \(r.scenario.name), \(r.scenario.start) to \(r.scenario.end)" + (r.complete ? "" : " (interrupted)")
        lines.append(title)
        lines.append(String(repeating: "=", count: title.count))
        var head = "Energy \(number(totalKWh)) kWh · peak \(number(b.peak(b.total, all).kW)) kW"
        if let c = b.co2(b.total, all) { head += " · \(number(c / 1000)) t CO2" }
        if let c = b.cost(b.total, all) { head += " · \(number(c)) \(r.scenario.grid.currency ?? "")" }
        lines.append(head)
        lines.append("")
        // Carbon and cost columns where the grid gives an intensity and a price.
        let currency = r.scenario.grid.currency ?? "cost"
        let moneyHeads = (b.carbon != nil ? ["t CO2"] : []) + (b.price != nil ? [currency] : [])
        func money(_ series: [Double], _ range: Range<Int>) -> [String] {
            (b.co2(series, range).map { [number($0 / 1000)] } ?? []) + (b.cost(series, range).map { [number($0)] } ?? [])
        }
        var rows: [[String]] = [["layer", "energy kWh", "share", "peak kW"] + moneyHeads]
        for l in Layer.allCases {
            let e = b.kWh(b.byLayer[l]!, all)
            rows.append([l.rawValue, number(e), percent(e, of: totalKWh), number(b.peak(b.byLayer[l]!, all).kW)] + money(b.byLayer[l]!, all))
        }
        lines += table(rows)
        if b.years.count > 1 {
            lines.append("")
            rows = [["year", "energy kWh", "peak kW"] + moneyHeads]
            for (y, range) in b.years {
                rows.append([String(y), number(b.kWh(b.total, range)), number(b.peak(b.total, range).kW)] + money(b.total, range))
            }
            lines += table(rows)
        }
        lines.append("")
        rows = [["fleet", "kind", "nodes", "energy kWh", "share"] + moneyHeads + ["messages"]]
        for (f, s) in zip(r.scenario.fleets, r.fleets) {
            let e = b.kWh(s.energy, all)
            rows.append([f.name, f.kind.rawValue, String(b.steps > 0 ? Int(s.nodes[b.steps - 1]) : 0), number(e),
                         percent(e, of: totalKWh)] + money(s.energy, all) + [String(s.messages[all].reduce(0, +))])
        }
        lines += table(rows)
        let bal = b.balance
        lines.append("")
        lines.append("ICT overhead \(number(bal.ict)) kWh · savings \(number(bal.savings)) kWh (baseline \(number(bal.baseline)) kWh) · net \(number(bal.net)) kWh")
        var netMoney: [String] = []
        if let c = b.balanceCO2 { netMoney.append("ICT \(number(c.ict / 1000)) t CO2 · savings \(number(c.savings / 1000)) t · net \(number(c.net / 1000)) t") }
        if let c = b.balanceCost { netMoney.append("ICT \(number(c.ict)) \(currency) · savings \(number(c.savings)) · net \(number(c.net)) \(currency)") }
        if !netMoney.isEmpty { lines.append(netMoney.joined(separator: "  |  ")) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Columns padded to their widest cell; numbers right-aligned.
    public static func table(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max()! }
        return rows.enumerated().flatMap { (k, row) -> [String] in
            let line = row.enumerated().map { c, cell in
                c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ")
            return k == 0 ? [line, String(repeating: "-", count: line.count)] : [line]
        }
    }

    /// Thousands separators; one decimal below 100.
    public static func number(_ x: Double) -> String {
        if abs(x) < 0.05 { return "0.0" }
        if abs(x) < 100 { return String(format: "%.1f", x) }
        guard x.isFinite, abs(x) < 1e18 else { return x.isFinite ? String(format: "%.3e", x) : "n/a" }
        let n = Int(x.rounded())
        let digits = String(abs(n))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func percent(_ x: Double, of total: Double) -> String {
        total > 0 ? String(format: "%.1f%%", 100 * x / total) : "-"
    }
}
