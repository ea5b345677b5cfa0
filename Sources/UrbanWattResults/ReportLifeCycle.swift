import UrbanWattCore

/// The report's "Life cycle" section: operational against embodied CO2e per year, the crossover
/// year, and the devices installed, replaced and retired with their waste.
extension Report {
    static func lifeCycle(_ b: Breakdown, summary: RunSummary) -> String {
        guard let life = summary.lifecycle else {
            return "<p>No fleet gives <code>embodied:</code>, so the run counts only the electricity the devices use (see the methodology).</p>"
        }
        let years = summary.byYear
        // Like for like: the electricity CO2 of the fleets whose embodied CO2e is counted.
        let counted = b.scenario.fleets.indices.filter { b.scenario.fleets[$0].embodied != nil }
        let operational = b.years.map { _, span in counted.reduce(0.0) { $0 + (b.co2(.fleet($1), span) ?? 0) } / 1000 }
        let amortised = years.map { y in (life.byYear.first { $0.name == String(y.year) }?.value.amortisedCO2eKg ?? 0) / 1000 }
        let incurred = years.map { y in (life.byYear.first { $0.name == String(y.year) }?.value.incurredCO2eKg ?? 0) / 1000 }
        // The first year whose amortised embodied CO2e reaches the operational: a cleaner grid moves it nearer.
        let crossover = b.hasCarbon ? years.indices.first { amortised[$0] >= operational[$0] && amortised[$0] > 0 }.map { years[$0].year } : nil
        var p: [String] = []
        let t = { (x: Double) in SummaryTable.number(x / 1000) }
        p.append(
            "<p>Making, shipping and disposing of the devices of the fleets that give <code>embodied:</code> emits \(t(life.total.incurredCO2eKg)) t CO₂e as incurred over the period, \(t(life.total.amortisedCO2eKg)) t amortised over the devices' lifetimes"
                + (b.hasCarbon ? ", against \(t(1000 * operational.reduce(0, +))) t CO₂ of the same fleets' electricity" : "") + ". "
                + (b.hasCarbon
                    ? (crossover.map { "From \($0), the amortised embodied CO₂e is as large as the operational or larger." }
                        ?? "In no year is the amortised embodied CO₂e as large as the operational.") : "") + "</p>")
        // Stacked bars: operational below, amortised embodied above.
        let top = zip(operational, amortised).map(+).max() ?? 1
        var plot = SVGPlot(
            title: "Operational and embodied CO₂e per year", xLabel: "calendar year", yLabel: "t CO₂e",
            x: 0...Double(max(1, years.count)), y: 0...max(1e-9, top))
        for (i, y) in years.enumerated() {
            plot.rect(
                x0: Double(i) + 0.15, x1: Double(i) + 0.85, y0: 0, y1: operational[i], fill: "#76b7b2",
                label: "\(y.year): \(SummaryTable.number(operational[i])) t CO₂ operational")
            plot.rect(
                x0: Double(i) + 0.15, x1: Double(i) + 0.85, y0: operational[i], y1: operational[i] + amortised[i], fill: "#9c755f",
                label: "\(y.year): \(SummaryTable.number(amortised[i])) t CO₂e embodied, amortised")
        }
        if let crossover, let i = years.firstIndex(where: { $0.year == crossover }) {
            plot.line([(Double(i), 0), (Double(i), top)], stroke: "#e15759", width: 1.5, dash: "4 3")
        }
        let every = max(1, years.count / 12)
        let ticks = years.enumerated().filter { $0.offset % every == 0 }.map { (Double($0.offset) + 0.5, String($0.element.year)) }
        p.append(
            "<figure>\n\(plot.render(xTicks: ticks, legend: [("operational", "#76b7b2"), ("embodied, amortised", "#9c755f")]))<figcaption>"
                + "Operational CO₂ (electricity × the grid's intensity) and embodied CO₂e amortised over each device's lifetime, per calendar year"
                + (crossover.map { "; the dashed line marks \($0), the first year embodied reaches operational" } ?? "") + ".</figcaption></figure>")
        let head = [
            "year", "operational t CO₂ (those fleets)", "embodied t CO₂e, amortised", "embodied t CO₂e, incurred", "installed", "replaced", "retired",
            "batteries", "waste kg",
        ]
        let rows = years.indices.map { i -> [String] in
            let f = life.byYear.first { $0.name == String(years[i].year) }?.value ?? RunSummary.LifeCycleFigures()
            return [
                String(years[i].year), SummaryTable.number(operational[i]), SummaryTable.number(amortised[i]), SummaryTable.number(incurred[i]),
                SummaryTable.number(f.installed), SummaryTable.number(f.replaced), SummaryTable.number(f.retired), SummaryTable.number(f.batteriesReplaced),
                f.wasteKg.map(SummaryTable.number) ?? "—",
            ]
        }
        return p.joined(separator: "\n") + ReportText.table(head, rows) + payback(summary)
    }

    /// When each measure pays back, or that it does not within the period.
    static func payback(_ summary: RunSummary) -> String {
        guard !summary.payback.isEmpty else { return "" }
        let currency = summary.totals.currency ?? "cost"
        func year(_ y: Int?, _ net: Double?) -> String { y.map(String.init) ?? (net == nil ? "—" : "not within the period") }
        let rows = summary.payback.map { m -> [String] in
            let v = m.value
            return [
                m.name, year(v.co2eYear, v.co2eNetKg), year(v.co2eYearICT, v.co2eNetICTKg), year(v.costYear, v.costNet),
                v.co2eNetKg.map { SummaryTable.number($0 / 1000) } ?? "—", v.costNet.map(SummaryTable.money) ?? "—",
            ]
        }
        return
            "<h3>Payback of each measure</h3><p>The first year from which a measure's cumulative savings, net of rebound, cover its ICT overhead and the embodied CO₂e it incurred (in money: its purchases, <code>capex</code> × nodes installed and replaced), less the renewals of the equipment it replaces that it avoids (<code>replaces: {embodied:, capex:}</code>), with all its savings and with the ICT-enabled savings alone; its nodes present at the start count as bought then.</p>"
            + ReportText.table(
                ["measure", "CO₂e, all savings", "CO₂e, ICT-enabled alone", "money, all savings", "net t CO₂e at the end", "net \(currency) at the end"], rows,
                text: [0])
    }
}
