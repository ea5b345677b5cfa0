import Foundation
import UrbanWattCore

/// `compare --format html`: the two results on one self-contained page — a warning band when they
/// are not like for like, the deltas per layer, district, year and fleet in energy, CO2 and cost,
/// and the layers, districts and years charted side by side.
enum ComparisonPage {
    static func html(_ c: Comparison) -> String {
        let e = ReportText.e
        let warnings =
            (c.warnings.isEmpty
                ? ""
                : "<div id=\"warnings\" class=\"warn\"><strong>Not like for like.</strong><ul>"
                    + c.warnings.map { "<li>\(e($0))</li>" }.joined() + "</ul></div>")
            + (c.expected.isEmpty
                ? ""
                : "<div id=\"expected\"><strong>The differences compared.</strong><ul>"
                    + c.expected.map { "<li>\(e($0))</li>" }.joined() + "</ul></div>")
        let sections: [(id: String, title: String)] = [
            ("totals", "Totals"), ("balance", "Balance"), ("by_layer", "By layer"),
            ("by_district", "By district"), ("by_year", "By year"), ("by_fleet", "By fleet"),
        ]
        var tables = ""
        for s in sections {
            let rows = c.rows.filter { $0.section == s.id }
            guard !rows.isEmpty else { continue }
            tables +=
                "<h3>\(e(s.title))</h3>"
                + ReportText.table(
                    ["item", "measure", c.labels.0, c.labels.1, "Δ", "Δ%"],
                    rows.map {
                        [
                            s.id == "totals" || s.id == "balance" ? "" : $0.name, Comparison.measureName($0.measure), Comparison.figure($0.a),
                            Comparison.figure($0.b), Comparison.figure($0.delta), Comparison.change($0.relative),
                        ]
                    }, text: [0, 1])
        }
        let charts = [
            ("balance", "kwh"), ("by_layer", "energy_kwh"), ("by_layer", "peak_kw"), ("by_layer", "co2_kg"), ("by_layer", "cost"),
            ("by_district", "energy_kwh"), ("by_year", "energy_kwh"), ("by_year", "peak_kw"),
        ]
        .compactMap { chart(c, section: $0.0, measure: $0.1) }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>UrbanWatt — \(e(c.labels.0)) and \(e(c.labels.1))</title>
            <style>
            \(Report.stylesheet)
            .warn { background: #fff3cd; border: 1px solid #e0b000; padding: 0.5rem 1rem; margin: 1rem 0; }
            </style></head><body>
            <header id="header"><h1>UrbanWatt — \(e(c.labels.0)) and \(e(c.labels.1))</h1>
            <p>\(e(c.labels.0)): \(e(c.runs.0))<br>\(e(c.labels.1)): \(e(c.runs.1))</p></header>
            \(warnings)
            <section id="charts"><h2>Side by side</h2>
            \(charts.joined(separator: "\n"))
            </section>
            <section id="deltas"><h2>Deltas</h2>
            <p>Δ is \(e(c.labels.1)) less \(e(c.labels.0)); Δ% is relative to \(e(c.labels.0)).</p>
            \(tables)
            </section>
            </body></html>

            """
    }

    /// One measure of each item of `section` for both results, as pairs of bars: energy (MWh), peak
    /// (kW), CO₂ (t) or cost; for the balance, its ICT overhead, savings and net in MWh (the net
    /// below zero when the city saves more than its ICT uses). Nil when neither side has it.
    static func chart(_ c: Comparison, section: String, measure: String) -> String? {
        let balance = section == "balance"
        let rows = c.rows.filter { $0.section == section && (balance ? $0.measure.hasSuffix("_kwh") && $0.measure != "baseline_kwh" : $0.measure == measure) }
        guard !rows.isEmpty, rows.contains(where: { $0.a != nil || $0.b != nil }) else { return nil }
        let (scale, unit, what): (Double, String, String) =
            switch measure {
            case "peak_kw": (1, "kW", "Peak power")
            case "co2_kg": (1000, "t CO₂", "CO₂")
            case "cost": (1, "cost", "Cost")
            default: (1000, "MWh", balance ? "Balance" : "Energy")
            }
        let values = rows.flatMap { [($0.a ?? 0) / scale, ($0.b ?? 0) / scale] }
        let low = min(0, values.min() ?? 0), high = max(values.max() ?? 0, low + 1e-9)
        // The page draws only these three sections and the balance.
        let title =
            // `section` is one of these three (see above): the lookup cannot miss.
            balance ? "Balance: ICT overhead, savings and net" : what + " by " + ["by_layer": "layer", "by_district": "district", "by_year": "year"][section]!
        func item(_ r: Comparison.Row) -> String { balance ? String(r.name.dropLast(4)).replacingOccurrences(of: "_", with: " ") : r.name }
        var plot = SVGPlot(title: title, xLabel: "", yLabel: unit, x: 0...Double(rows.count), y: low...high)
        let colors = ("#4e79a7", "#f28e2b")
        for (i, r) in rows.enumerated() {
            let name = item(r)
            for (k, (value, label, color)) in [(r.a, c.labels.0, colors.0), (r.b, c.labels.1, colors.1)].enumerated() {
                let v = (value ?? 0) / scale, x = Double(i) + 0.1 + 0.4 * Double(k)
                plot.rect(x0: x, x1: x + 0.4, y0: min(0, v), y1: max(0, v), fill: color, label: "\(label) \(name): \(Comparison.figure(v)) \(unit)")
            }
        }
        let ticks = rows.enumerated().map { (Double($0.offset) + 0.5, item($0.element)) }
        let svg = plot.render(xTicks: ticks, legend: [(c.labels.0, colors.0), (c.labels.1, colors.1)], slanted: rows.count > 6)
        return
            "<figure>\n\(svg)<figcaption>\(ReportText.e(title)) of \(ReportText.e(c.labels.0)) (left bar) and \(ReportText.e(c.labels.1)) (right bar).</figcaption></figure>"
    }
}
