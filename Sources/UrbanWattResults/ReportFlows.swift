import UrbanWattCore

/// A Sankey-style diagram of the energy: the grid on the left, the layers in the middle, the fleets
/// on the right, each band as wide as its energy.
enum ReportFlows {
    static func sankey(_ b: Breakdown) -> String {
        let width = 760.0, height = 420.0, top = 30.0, gap = 6.0, bar = 14.0
        let layers = Layer.allCases.map { l in (layer: l, kWh: b.kWh(.layer(l))) }.filter { $0.kWh > 0 }
        let total = layers.reduce(0) { $0 + $1.kWh }
        guard total > 0 else { return "<p>No energy was simulated.</p>" }
        // Fleets of each layer, largest first; those under 1 % of the total gathered into one band.
        var fleets: [(name: String, layer: Layer, kWh: Double)] = []
        for l in layers {
            var small = 0.0
            let members = b.scenario.fleets.enumerated().filter { $0.element.layer == l.layer }
                .map { ($0.element.name, b.kWh(.fleet($0.offset))) }.sorted { $0.1 > $1.1 }
            for (name, e) in members {
                if e / total < 0.01 { small += e } else { fleets.append((name, l.layer, e)) }
            }
            if small > 0 { fleets.append(("other \(l.layer.rawValue)", l.layer, small)) }
        }
        // Each node takes at least `minimum` so its label has room; bands keep their true widths.
        let minimum = 13.0
        let usable = height - top - 10 - (gap + minimum) * Double(max(fleets.count, layers.count))
        let scale = max(0.01, usable) / total
        func f(_ x: Double) -> String { FixedDecimal.format(x, digits: 1) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"Energy flows\">\n"
        s += "<text x=\"10\" y=\"18\" font-size=\"15\" font-weight=\"bold\">Energy flows: grid → layers → fleets (\(b.reportUnit.text(total)))</text>\n"
        let x0 = 40.0, x1 = 300.0, x2 = 520.0
        // A layer's label lies over the bands that leave it: a white plate under it keeps it readable.
        func plate(_ x: Double, _ y: Double, _ text: String) -> String {
            "<rect x=\"\(f(x - 2))\" y=\"\(f(y - 12))\" width=\"\(f(Double(text.count) * 6.5 + 4))\" height=\"16\" rx=\"3\" fill=\"#fff\" fill-opacity=\"0.85\"/>\n"
        }
        // The grid.
        s += "<rect x=\"\(f(x0 - bar))\" y=\"\(f(top))\" width=\"\(f(bar))\" height=\"\(f(total * scale))\" fill=\"#555\"/>\n"
        s += "<text transform=\"translate(\(f(x0 - bar - 4)) \(f(top + total * scale / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">grid</text>\n"
        var gridY = top, layerY = top
        // Drawn last, over the bands to the fleets.
        var labels = ""
        var layerTop: [Layer: Double] = [:]
        for l in layers {
            let h = l.kWh * scale
            let color = Report.color(l.layer)
            s += band(x0, gridY, x1, layerY, h, color)
            s += "<rect x=\"\(f(x1))\" y=\"\(f(layerY))\" width=\"\(f(bar))\" height=\"\(f(max(h, 1)))\" fill=\"\(color)\"/>\n"
            let label = "\(l.layer.rawValue) \(b.reportUnit.text(l.kWh))"
            labels += plate(x1 + bar + 4, layerY + max(h, 1) / 2 + 4, label)
            labels += "<text x=\"\(f(x1 + bar + 4))\" y=\"\(f(layerY + max(h, 1) / 2 + 4))\" font-size=\"12\" font-weight=\"bold\">\(label)</text>\n"
            layerTop[l.layer] = layerY
            gridY += h
            layerY += max(h, minimum) + gap
        }
        var fleetY = top
        var used: [Layer: Double] = [:]
        for fl in fleets {
            let h = fl.kWh * scale
            let from = layerTop[fl.layer]! + used[fl.layer, default: 0] // a fleet's layer was drawn above: it has energy
            used[fl.layer, default: 0] += h
            s += band(x1 + bar, from, x2, fleetY, h, Report.color(fl.layer))
            s += "<rect x=\"\(f(x2))\" y=\"\(f(fleetY))\" width=\"\(f(bar))\" height=\"\(f(max(h, 1)))\" fill=\"\(Report.color(fl.layer))\"/>\n"
            s +=
                "<text x=\"\(f(x2 + bar + 4))\" y=\"\(f(fleetY + max(h, 1) / 2 + 4))\" font-size=\"11\">\(SVGPlot.escape(fl.name)) \(FixedDecimal.format(100 * fl.kWh / total, digits: 1)) %</text>\n"
            fleetY += max(h, minimum) + gap
        }
        return s + labels + "</svg>\n"
    }

    /// A band from (xa, ya) to (xb, yb), `h` high, with curved edges.
    static func band(_ xa: Double, _ ya: Double, _ xb: Double, _ yb: Double, _ h: Double, _ color: String) -> String {
        let mx = (xa + xb) / 2
        func f(_ x: Double) -> String { FixedDecimal.format(x, digits: 1) }
        return
            "<path d=\"M\(f(xa)),\(f(ya)) C\(f(mx)),\(f(ya)) \(f(mx)),\(f(yb)) \(f(xb)),\(f(yb)) L\(f(xb)),\(f(yb + h)) C\(f(mx)),\(f(yb + h)) \(f(mx)),\(f(ya + h)) \(f(xa)),\(f(ya + h)) Z\" fill=\"\(color)\" fill-opacity=\"0.45\"/>\n"
    }
}
