import UrbanWattCore

extension Report {
    /// CO2 and cost of each calendar year, side by side; nil without a grid intensity or price.
    static func carbonAndCost(_ b: Breakdown) -> (svg: String, caption: String)? {
        guard b.hasCarbon || b.hasPrice else { return nil }
        let years = b.years
        let co2 = years.map { (b.co2(.total, $0.span) ?? 0) / 1000 }
        let cost = years.map { (b.cost(.total, $0.span) ?? 0) / 1000 }
        let currency = b.result.scenario.grid.currency ?? ""
        var plot = SVGPlot(
            title: "CO₂ and cost per year", xLabel: "calendar year", yLabel: "t CO₂ · thousand \(currency)",
            x: 0...Double(max(1, years.count)), y: 0...max(1e-9, (co2 + cost).max() ?? 1))
        for (i, y) in years.enumerated() {
            if b.hasCarbon {
                plot.rect(
                    x0: Double(i) + 0.1, x1: Double(i) + 0.48, y0: 0, y1: co2[i], fill: "#76b7b2", label: "\(y.year): \(SummaryTable.number(co2[i])) t CO₂")
            }
            if b.hasPrice {
                plot.rect(
                    x0: Double(i) + 0.52, x1: Double(i) + 0.9, y0: 0, y1: cost[i], fill: "#b07aa1",
                    label: "\(y.year): \(SummaryTable.money(cost[i] * 1000)) \(currency)")
            }
        }
        let every = max(1, years.count / 12)
        let ticks = years.enumerated().filter { $0.offset % every == 0 }.map { (Double($0.offset) + 0.5, String($0.element.year)) }
        let legend = (b.hasCarbon ? [("t CO₂", "#76b7b2")] : []) + (b.hasPrice ? [("thousand \(currency)", "#b07aa1")] : [])
        return (
            plot.render(xTicks: ticks, legend: legend),
            "Carbon (energy × the grid's intensity at each step) and cost (× the price at each step) of each calendar year."
        )
    }

    static let maximumBars = 40

    /// Energy of each district, stacked by layer; nil for a scenario of one district.
    static func districts(_ b: Breakdown) -> (svg: String, caption: String)? {
        let all = b.result.scenario.districts
        guard all.count > 1 else { return nil }
        let u = b.reportUnit
        let index = Dictionary(all.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var byDistrict: [[Double]] = all.map { _ in Layer.allCases.map { _ in 0 } }
        for (i, fleet) in b.scenario.fleets.enumerated() {
            guard let l = Layer.allCases.firstIndex(of: fleet.layer) else { continue }
            for name in fleet.districts {
                guard let d = index[name] else { continue }
                byDistrict[d][l] += b.kWh(fleet.presence == nil ? .fleet(i) : .presence(i, name)) / u.kWhPer
            }
        }
        // At most `maximumBars` bars: the largest districts, the rest together as one.
        var order = Array(all.indices)
        if all.count > maximumBars { order = Array(order.sorted { byDistrict[$0].reduce(0, +) > byDistrict[$1].reduce(0, +) }.prefix(maximumBars - 1)) }
        var names = order.map { all[$0] }
        var energy = order.map { byDistrict[$0] }
        if order.count < all.count {
            let kept = Set(order)
            names.append("\(all.count - order.count) others")
            energy.append(Layer.allCases.indices.map { l in all.indices.reduce(0.0) { kept.contains($1) ? $0 : $0 + byDistrict[$1][l] } })
        }
        var plot = SVGPlot(
            title: "Energy by district and layer", xLabel: "", yLabel: "energy (\(u.energy))", x: 0...Double(names.count),
            y: 0...max(1e-9, energy.map { $0.reduce(0, +) }.max() ?? 1))
        for (i, name) in names.enumerated() {
            var base = 0.0
            for (k, l) in Layer.allCases.enumerated() {
                plot.rect(
                    x0: Double(i) + 0.2, x1: Double(i) + 0.8, y0: base, y1: base + energy[i][k], fill: color(l),
                    label: "\(name) \(l.rawValue): \(SummaryTable.number(energy[i][k])) \(u.energy)")
                base += energy[i][k]
            }
        }
        return (
            plot.render(xTicks: names.enumerated().map { (Double($0.offset) + 0.5, $0.element) }, legend: Layer.allCases.map { ($0.rawValue, color($0)) }),
            "Energy of each district over the period, stacked by layer."
        )
    }
}
