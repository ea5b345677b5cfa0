import Foundation
public import UrbanWattCore

/// One-at-a-time sensitivity (`urbanwatt sensitivity`): each uncertain input at its 5th and its
/// 95th percentile with every other input central, against the central run: 2K + 1 runs for K
/// inputs, without `--runs`. The swings say how far each input alone moves the net and the total
/// energy; `uncertainty.drivers` of a `--runs` result says how much of the spread each explains
/// when all vary together.
public struct Sensitivity: Sendable, Equatable {
    /// A figure at an input's 5th and 95th percentile.
    public struct Ends: Sendable, Equatable {
        public var p5: Double
        public var p95: Double
        public var swing: Double { abs(p95 - p5) }

        public init(p5: Double, p95: Double) {
            self.p5 = p5
            self.p95 = p95
        }
    }

    public struct Swing: Sendable, Equatable {
        /// The input's path (`fleets[srv].idle`).
        public var input: String
        /// Its value at each end, in canonical units (W, J, fractions).
        public var value: Ends
        public var net: Ends
        public var energyKWh: Ends
    }

    public var scenario: String
    /// The net weighed: `net_co2_kg` where the grid gives carbon, else `net_kwh`.
    public var output: String
    public var centralNet: Double
    public var centralEnergyKWh: Double
    /// The widest swing of the net first.
    public var swings: [Swing]
    /// Whether every one of the 2K + 1 runs finished (not interrupted).
    public var complete: Bool

    /// From the runs `MonteCarlo.run` made of the swings: run 0 central, runs 2k + 1 and 2k + 2
    /// input k at its 5th and 95th percentile; `values` holds each input's two values.
    public init(scenario: String, inputs: [String], values: [Ends], runs: [MonteCarlo.RunStats]) {
        self.scenario = scenario
        complete = runs.count == 1 + 2 * inputs.count
        let outputs = Drivers.outputs(runs.sorted { $0.run < $1.run })
        output = outputs.first?.name ?? "net_kwh"
        let net = outputs.first?.values ?? [], energy = outputs.last?.values ?? []
        func at(_ v: [Double], _ i: Int) -> Double { v.indices.contains(i) ? v[i] : .nan }
        centralNet = at(net, 0)
        centralEnergyKWh = at(energy, 0)
        swings = inputs.indices.map { k in
            Swing(
                input: inputs[k], value: values[k], net: Ends(p5: at(net, 2 * k + 1), p95: at(net, 2 * k + 2)),
                energyKWh: Ends(p5: at(energy, 2 * k + 1), p95: at(energy, 2 * k + 2)))
        }.enumerated().sorted { a, b in a.element.net.swing != b.element.net.swing ? a.element.net.swing > b.element.net.swing : a.offset < b.offset }
            .map(\.element)
    }

    public func json() -> JSONValue {
        func ends(_ e: Ends) -> JSONValue { .object([("p5", .number(e.p5)), ("p95", .number(e.p95))]) }
        return .object([
            ("scenario", .string(scenario)), ("complete", .bool(complete)), ("output", .string(output)),
            ("central", .object([(output, .number(centralNet)), ("energy_kwh", .number(centralEnergyKWh))])),
            (
                "swings",
                .array(
                    swings.map { s in
                        .object([("input", .string(s.input)), ("value", ends(s.value)), (output, ends(s.net)), ("energy_kwh", ends(s.energyKWh))])
                    })
            ),
        ])
    }

    /// The terminal table: each input's values and the net at both ends, the widest swing first.
    public func table() -> String {
        let unit = output == "net_co2_kg" ? "t CO2" : "MWh"
        let scale = 1000.0
        func n(_ x: Double) -> String { SummaryTable.number(x / scale) }
        var rows = [["input", "p5", "p95", "net at p5 (\(unit))", "net at p95 (\(unit))", "swing (\(unit))"]]
        for s in swings {
            // Inputs in canonical units, four significant digits (a 2 % trend and a 40 W lamp alike).
            func v(_ x: Double) -> String { String(format: "%.4g", x) }
            rows.append([s.input, v(s.value.p5), v(s.value.p95), n(s.net.p5), n(s.net.p95), n(s.net.swing)])
        }
        return "\(scenario): net \(n(centralNet)) \(unit) with every input central; each input alone at its 5th and 95th percentile:\n"
            + SummaryTable.table(rows).joined(separator: "\n") + "\n"
    }

    /// A tornado chart: for each input, the bar from the net at its 5th to its 95th percentile,
    /// around the central net, the widest swing at the top.
    public func tornado() -> String {
        let unit = output == "net_co2_kg" ? "t CO2" : "MWh"
        let top = Array(swings.prefix(15))
        let ends = top.flatMap { [$0.net.p5, $0.net.p95] }.map { $0 / 1000 } + [centralNet / 1000]
        let low = ends.min() ?? 0, high = ends.max() ?? 1
        let pad = max(1e-9, (high - low) * 0.05)
        var plot = SVGPlot(
            title: "\(scenario): the net, each input alone at p5 and p95", xLabel: "net (\(unit))", yLabel: "",
            x: (low - pad)...(high + pad), y: 0...Double(max(1, top.count)))
        for (i, s) in top.enumerated() {
            let y = Double(top.count - i) - 0.5
            let (a, b) = (s.net.p5 / 1000, s.net.p95 / 1000)
            plot.rect(
                x0: min(a, b), x1: max(a, b), y0: y - 0.35, y1: y + 0.35, fill: b >= a ? "#e15759" : "#59a14f",
                label: "\(s.input): \(SummaryTable.number(a)) at p5, \(SummaryTable.number(b)) at p95 \(unit)")
            plot.text(s.input, x: plot.px(centralNet / 1000), y: plot.py(y) + 4, size: 10)
        }
        plot.line([(centralNet / 1000, 0), (centralNet / 1000, Double(max(1, top.count)))], stroke: "#000", width: 1)
        let ticks = SVGPlot.ticks((low - pad)...(high + pad)).map { ($0, SVGPlot.label($0)) }
        return plot.render(xTicks: ticks, yTicks: false)
    }
}
