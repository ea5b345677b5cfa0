import UrbanWattCore

/// The report's first page: the answer. A box with the ICT overhead, the savings it makes possible
/// and the net, in energy and CO₂, with the net's sign said in words; the balance chart; and for a
/// run of several years, the net year by year.
extension Report {
    static func headline(_ b: Breakdown, summary: RunSummary) -> String {
        let name = ReportText.e(b.result.scenario.name)
        let bal = summary.balance, k = bal.kWh, c = bal.co2Kg
        let u = summary.reportUnit
        func mwh(_ kWh: Double) -> String { u.text(abs(kWh)) }
        func t(_ kg: Double) -> String { SummaryTable.number(abs(kg) / 1000) + " t CO₂" }
        var sentences = [
            k.net > 0
                ? "\(name)'s ICT uses <strong>\(mwh(k.net)) more electricity than it saves</strong>"
                : "\(name)'s ICT <strong>saves \(mwh(k.net)) more electricity than it uses</strong>"
        ]
        if let c {
            sentences.append(
                c.net > 0
                    ? "in CO₂, counting every carrier, it <strong>emits \(t(c.net)) more than it saves</strong>"
                    : "in CO₂, counting every carrier, it <strong>saves \(t(c.net)) more than it emits</strong>")
        }
        let answer = "<p class=\"answer\">" + sentences.joined(separator: "; ") + ".</p>"
        let head = ["", u.energy] + (c != nil ? ["t CO₂"] : [])
        func row(_ label: String, _ kWh: Double, _ kg: Double?) -> [String] {
            [label, u.number(kWh)] + (c != nil ? [kg.map { SummaryTable.number($0 / 1000) } ?? ""] : [])
        }
        let rows = [
            row("ICT overhead (what the ICT uses)", k.ictOverhead, c?.ictOverhead),
            row("ICT-enabled savings, after rebound", k.savingsICT - k.reboundICT, c.map { $0.savingsICT - $0.reboundICT }),
            row("net = overhead − savings", k.net, c?.net),
            row("efficiency savings (newer equipment, no ICT needed)", k.savingsEfficiency, c?.savingsEfficiency),
            row("net with efficiency", k.netWithEfficiency, c?.netWithEfficiency),
        ]
        let chart = balance(k, unit: u)
        var html =
            "<div class=\"headline\">\(answer)" + ReportText.table(head, rows, text: [0])
            + "<figure>\n\(chart.svg)<figcaption>\(SVGPlot.escape(chart.caption))</figcaption></figure>"
        if let yearly = netByYear(summary) { html += "<figure>\n\(yearly.svg)<figcaption>\(SVGPlot.escape(yearly.caption))</figcaption></figure>" }
        return html + "</div>"
    }

    /// The net of each calendar year in the report's unit; nil for a run within one year.
    static func netByYear(_ summary: RunSummary) -> (svg: String, caption: String)? {
        let years = summary.byYear
        guard years.count > 1 else { return nil }
        let u = summary.reportUnit
        let nets = years.map { $0.balance.kWh.net / u.kWhPer }
        // Two years or more (the guard above): `nets` is not empty.
        let low = min(0, nets.min()!), high = max(0.001, nets.max()!)
        var plot = SVGPlot(title: "The net, year by year", xLabel: "", yLabel: "net (\(u.energy))", x: 0...Double(years.count), y: low...high)
        for (i, v) in nets.enumerated() {
            plot.rect(
                x0: Double(i) + 0.15, x1: Double(i) + 0.85, y0: min(0, v), y1: max(0, v), fill: v > 0 ? "#e15759" : "#59a14f",
                label: "\(years[i].year): \(SummaryTable.number(v)) \(u.energy)")
        }
        let caption =
            "ICT overhead less ICT-enabled savings in each calendar year (above zero: the ICT uses more than it saves). The table \"Balance by year\" gives the figures."
        return (plot.render(xTicks: years.enumerated().map { (Double($0.offset) + 0.5, String($0.element.year)) }, slanted: years.count > 12), caption)
    }
}
