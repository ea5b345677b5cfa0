public import Foundation
import UrbanWattCore

/// `report.html`: one self-contained page with inline SVG charts — a typical day by layer,
/// annual energy by layer, the load-duration curve, the balance and the top fleets — readable on a
/// narrow screen and on paper. No script, font or image is fetched.
public enum Report {
    /// Each layer's colour in every chart.
    static func color(_ l: Layer) -> String {
        switch l {
        case .sensing: "#4e79a7"
        case .network: "#f28e2b"
        case .compute: "#e15759"
        case .lighting: "#edc948"
        case .mobility: "#59a14f"
        case .buildings: "#b07aa1"
        }
    }

    /// The pages' one stylesheet (the report and `compare --format html`): readable on a screen,
    /// A4 on paper, no heading left at a page's foot.
    static let stylesheet = """
        body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 780px; padding: 0 1rem; color: #222; line-height: 1.4; }
        h1 { font-size: 1.5rem; margin-bottom: 0.2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
        h3 { font-size: 1rem; margin-bottom: 0.3rem; } .facts { color: #555; margin-top: 0; font-size: 0.9rem; }
        figure { margin: 1.5rem 0; break-inside: avoid; } svg { width: 100%; height: auto; font-family: inherit; }
        figcaption { font-size: 0.85rem; color: #555; }
        table { border-collapse: collapse; font-size: 0.8rem; margin: 0.5rem 0 1rem; }
        td, th { padding: 2px 8px; text-align: right; border-bottom: 1px solid #eee; } td:first-child, th:first-child { text-align: left; }
        th { border-bottom: 1px solid #999; } td, th { white-space: nowrap; } td.t, th.t { text-align: left; white-space: normal; }
        code { font-size: 0.85rem; }
        .headline { border: 2px solid #4e79a7; border-radius: 6px; padding: 0.5rem 1rem; margin: 0.5rem 0 1rem; }
        .headline .answer { font-size: 1.15rem; }
        @page { size: A4; margin: 15mm 14mm; }
        @media print { body { max-width: none; margin: 0; padding: 0; } figure, tr, table.whole, .headline table { break-inside: avoid; page-break-inside: avoid; }
          thead { display: table-header-group; } h2, h3 { page-break-after: avoid; break-after: avoid; } }
        """

    public static func html(_ b: Breakdown, summary: RunSummary, scenarioText: String = "", generated: Date = Date()) -> String {
        let s = b.result.scenario
        let charts = (typicalDays(b) + [annual(b, uncertainty: summary.uncertainty), carbonAndCost(b), loadDuration(b), districts(b), topFleets(b)])
            .compactMap { $0 }
        let hash = String(NodeRandom.fnv1a(scenarioText), radix: 16)
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>UrbanWatt — \(SVGPlot.escape(s.name))</title>
            <style>
            \(stylesheet)
            </style></head><body>
            <header id="header">
            <h1>UrbanWatt — \(SVGPlot.escape(s.name))</h1>
            <p class="facts">\(SVGPlot.escape(s.description))<br>period \(s.start) to \(s.end) (day after the last) · step \(durationText(Double(s.step))) · seed \(s.seed)\(b.result.complete ? "" : " · <strong>interrupted: the figures cover what was simulated</strong>")<br>UrbanWatt \(UrbanWattVersion.current) · generated \(isoUTC(Int64(generated.timeIntervalSince1970))) · scenario text FNV-1a \(hash)</p>
            </header>
            <section id="headline"><h2>The answer</h2>
            \(headline(b, summary: summary))
            </section>
            <section id="summary"><h2>Summary</h2>
            \(ReportText.summary(b, summary: summary))
            </section>
            <section id="tables"><h2>Tables</h2>
            \(ReportText.tables(b, summary: summary))
            </section>
            <section id="charts"><h2>Charts</h2>
            \(charts.map { "<figure>\n\($0.svg)<figcaption>\(SVGPlot.escape($0.caption))</figcaption></figure>" }.joined(separator: "\n"))
            </section>
            <section id="flows"><h2>Flows</h2>
            <figure>\(ReportFlows.sankey(b))<figcaption>Energy from the grid through the layers to the fleets; the width of each band is its energy. Fleets under 1 % are gathered per layer.</figcaption></figure>
            </section>
            <section id="lifecycle"><h2>Life cycle</h2>
            \(lifeCycle(b, summary: summary))
            </section>
            <section id="uncertainty"><h2>Uncertainty</h2>
            \(ReportText.uncertainty(summary.uncertainty, unit: b.reportUnit))
            </section>
            <section id="assumptions"><h2>Assumptions</h2>
            \(ReportText.assumptions(summary.assumptions))
            </section>
            <section id="methodology"><h2>Methodology</h2>
            \(ReportText.methodology(b))
            </section>
            </body></html>

            """
    }

    /// A winter and a summer day; for a run of several years, those of its first, middle and last
    /// year on one scale, since a decade's average day is no day the city lives.
    static func typicalDays(_ b: Breakdown) -> [(svg: String, caption: String)?] {
        let seasons: [(months: Set<Int>, name: String)] = [([12, 1, 2], "winter"), ([6, 7, 8], "summer")]
        let all = b.years.map(\.year)
        // `first!` and `last!` only where there are two years or more.
        let years: [Int?] = all.count > 1 ? Array(Set([all.first!, all[all.count / 2], all.last!])).sorted() : [nil]
        let days = years.flatMap { y in seasons.map { (y, $0.name, $0.months, b.typicalDay(months: $0.months, year: y)) } }
        let top = days.map { d in (0..<24).map { h in d.3.kW.reduce(0) { $0 + $1[h] } }.max() ?? 0 }.max() ?? 1
        return days.map { typicalDay(b, means: $0.3, season: $0.1, year: $0.0, top: top) }
    }

    /// Mean power by local hour of the day, stacked by layer; nil when the period has no such day.
    static func typicalDay(_ b: Breakdown, means day: (kW: [[Double]], any: Bool), season: String, year: Int?, top: Double) -> (svg: String, caption: String)? {
        let u = b.reportUnit
        let means = day.kW.map { $0.map { $0 / u.kWPer } }
        var stacked = Array(repeating: Array(repeating: 0.0, count: 25), count: Layer.allCases.count + 1)
        for k in 0..<Layer.allCases.count { for h in 0..<24 { stacked[k + 1][h] = stacked[k][h] + means[k][h] } }
        for k in stacked.indices { stacked[k][24] = stacked[k][0] }
        guard day.any else { return nil }
        let title = "A typical \(season) day by layer" + (year.map { ", \($0)" } ?? "")
        var plot = SVGPlot(title: title, xLabel: "local time of day (h)", yLabel: "mean power (\(u.power))", x: 0...24, y: 0...max(1e-9, top / u.kWPer))
        for (k, l) in Layer.allCases.enumerated() {
            // Hourly means as steps, so each hour is a flat band.
            var upper: [(Double, Double)] = [], lower: [(Double, Double)] = []
            for h in 0..<24 {
                upper += [(plot.px(Double(h)), plot.py(stacked[k + 1][h])), (plot.px(Double(h + 1)), plot.py(stacked[k + 1][h]))]
                lower += [(plot.px(Double(h)), plot.py(stacked[k][h])), (plot.px(Double(h + 1)), plot.py(stacked[k][h]))]
            }
            plot.polygon(upper + lower.reversed(), fill: color(l), opacity: 0.9)
        }
        let ticks = stride(from: 0, through: 24, by: 3).map { (Double($0), "\($0):00") }
        let months = season == "winter" ? "December to February" : "June to August"
        return (
            plot.render(xTicks: ticks, legend: Layer.allCases.map { ($0.rawValue, color($0)) }),
            "Mean power in each local hour of the \(season) months (\(months)) " + (year.map { "of \($0) that the run covers" } ?? "in the period")
                + ", stacked by layer" + (year == nil ? "." : "; the first, middle and last year share one scale.")
        )
    }

    /// Energy per calendar year, stacked by layer; with `--runs`, p5–p95 whiskers of the total.
    static func annual(_ b: Breakdown, uncertainty: RunSummary.Uncertainty?) -> (svg: String, caption: String) {
        let years = b.years
        let u = b.reportUnit
        let values = years.map { y in Layer.allCases.map { b.kWh(.layer($0), y.span) / u.kWhPer } }
        var top = values.map { $0.reduce(0, +) }.max() ?? 1
        let bands = years.map { y in uncertainty?.year(y.year) }
        for band in bands { if let p95 = band?.p95 { top = max(top, p95 / u.kWhPer) } }
        var plot = SVGPlot(
            title: "Energy per year by layer", xLabel: "calendar year", yLabel: "energy (\(u.energy))", x: 0...Double(max(1, years.count)), y: 0...top)
        for (i, v) in values.enumerated() {
            var base = 0.0
            for (k, l) in Layer.allCases.enumerated() {
                plot.rect(
                    x0: Double(i) + 0.15, x1: Double(i) + 0.85, y0: base, y1: base + v[k], fill: color(l),
                    label: "\(years[i].year) \(l.rawValue): \(SummaryTable.number(v[k])) \(u.energy)")
                base += v[k]
            }
            if let p5 = bands[i]?.p5, let p95 = bands[i]?.p95 {
                let x = Double(i) + 0.5, lo = p5 / u.kWhPer, hi = p95 / u.kWhPer
                plot.line([(x, lo), (x, hi)], stroke: "#000", width: 1.5)
                plot.line([(x - 0.1, lo), (x + 0.1, lo)], stroke: "#000", width: 1.5)
                plot.line([(x - 0.1, hi), (x + 0.1, hi)], stroke: "#000", width: 1.5)
            }
        }
        let every = max(1, years.count / 12)
        let ticks = years.enumerated().filter { $0.offset % every == 0 }.map { (Double($0.offset) + 0.5, String($0.element.year)) }
        let caption =
            "Energy of each calendar year, stacked by layer" + (uncertainty == nil ? "." : "; whiskers: p5–p95 of the total over the Monte Carlo runs.")
        return (plot.render(xTicks: ticks, legend: Layer.allCases.map { ($0.rawValue, color($0)) }), caption)
    }

    /// Total power sorted from highest to lowest against the hours it is reached.
    static func loadDuration(_ b: Breakdown) -> (svg: String, caption: String) {
        let u = b.reportUnit
        let curve = b.loadDuration.map { (hours: $0.hours, kW: $0.kW / u.kWPer) }
        let hours = Double(b.steps) * b.dt / 3600
        var plot = SVGPlot(
            title: "Load-duration curve", xLabel: "hours at or above the power (h)", yLabel: "total power (\(u.power))", x: 0...max(hours, 1),
            y: 0...(curve.first?.kW ?? 1))
        // Each band of the histogram as a flat step from where the one above ends.
        var points: [(Double, Double)] = []
        for (k, p) in curve.enumerated() {
            if k > 0 { points.append((curve[k - 1].hours, p.kW)) }
            points.append((p.hours, p.kW))
        }
        plot.line(points, stroke: "#4e79a7")
        let ticks = SVGPlot.ticks(0...SVGPlot.niceCeiling(hours)).filter { $0 <= hours }.map { ($0, SVGPlot.label($0)) }
        return (
            plot.render(xTicks: ticks),
            "Each point: the total power that the city draws for at least that many hours of the period (from a histogram of the steps, to within 1/2048 of the peak)."
        )
    }

    /// The balance: both savings, the ICT overhead, and the net with and without efficiency.
    static func balance(_ bal: RunSummary.Parts, unit u: ReportUnit) -> (svg: String, caption: String) {
        let bars = [
            ("efficiency savings", bal.savingsEfficiency, "#bab0ac"), ("ICT-enabled savings", bal.savingsICT, "#59a14f"),
            ("ICT overhead", bal.ictOverhead, "#e15759"), ("net", bal.net, "#4e79a7"), ("net with efficiency", bal.netWithEfficiency, "#9c755f"),
        ]
        let values = bars.map { $0.1 / u.kWhPer }
        // `bars` is the five bars above: never empty.
        let low = min(0, values.min()!), high = max(1, values.max()!)
        var plot = SVGPlot(
            title: "Balance: the ICT against the savings it enables", xLabel: "", yLabel: "energy (\(u.energy))", x: 0...Double(bars.count), y: low...high)
        for (i, bar) in bars.enumerated() {
            let v = bar.1 / u.kWhPer
            plot.rect(x0: Double(i) + 0.2, x1: Double(i) + 0.8, y0: min(0, v), y1: max(0, v), fill: bar.2, label: "\(bar.0): \(u.text(bar.1))")
            plot.text(u.text(bar.1), x: plot.px(Double(i) + 0.5), y: plot.py(max(0, v)) - 5)
        }
        let rebound = bal.reboundICT != 0 ? " + rebound \(u.text(bal.reboundICT))" : ""
        let caption =
            "Net = ICT overhead \(u.text(bal.ictOverhead)) − ICT-enabled savings \(u.text(bal.savingsICT))\(rebound) = \(u.text(bal.net)) (below zero: the ICT enables more savings than it uses). Efficiency savings (new equipment against what it replaces, with its ICT off) are shown apart: with them the net would be \(u.text(bal.netWithEfficiency))."
        return (plot.render(xTicks: bars.enumerated().map { (Double($0.offset) + 0.5, $0.element.0) }), caption)
    }

    /// The ten fleets with the most energy.
    static func topFleets(_ b: Breakdown) -> (svg: String, caption: String) {
        let u = b.reportUnit
        let fleets = b.scenario.fleets.enumerated().map { ($1.name, $1.layer, b.kWh(.fleet($0)) / u.kWhPer) }
            .sorted { $0.2 > $1.2 }.prefix(10)
        var plot = SVGPlot(title: "Top fleets", xLabel: "", yLabel: "energy (\(u.energy))", x: 0...Double(max(1, fleets.count)), y: 0...(fleets.first?.2 ?? 1))
        for (i, f) in fleets.enumerated() {
            plot.rect(x0: Double(i) + 0.15, x1: Double(i) + 0.85, y0: 0, y1: f.2, fill: color(f.1), label: "\(f.0): \(SummaryTable.number(f.2)) \(u.energy)")
        }
        // Slanted labels have room for most names; a longer one ends in an ellipsis (the bar's
        // tooltip has it whole).
        let ticks = fleets.enumerated().map { (Double($0.offset) + 0.5, $0.element.0.count > 24 ? $0.element.0.prefix(23) + "…" : $0.element.0) }
        return (
            plot.render(xTicks: ticks, legend: Layer.allCases.map { ($0.rawValue, color($0)) }, slanted: true),
            "The fleets that use the most energy, coloured by layer."
        )
    }
}
