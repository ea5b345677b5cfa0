import UrbanWattCore

/// Step series summed by layer, kind, district and in total, from a simulation's fleet series.
/// Every total, peak and chart of the results layer is read from here.
public struct Breakdown: Sendable {
    public let result: SimulationResult
    /// Steps with results (fewer than the period when interrupted).
    public let steps: Int
    /// Step length, s.
    public let dt: Double
    public let total: [Double]
    public let byLayer: [Layer: [Double]]
    public let byKind: [FleetKind: [Double]]
    public let byDistrict: [String: [Double]]
    /// Carbon intensity (g/kWh) and price (per kWh) at each step, when the grid gives them.
    public let carbon: [Double]?
    public let price: [Double]?

    public init(_ result: SimulationResult) {
        self.result = result
        steps = result.completedSteps
        dt = Double(result.clock.step)
        let n = result.clock.count
        var total = [Double](repeating: 0, count: n)
        var byLayer: [Layer: [Double]] = [:]
        var byKind: [FleetKind: [Double]] = [:]
        var byDistrict: [String: [Double]] = [:]
        for l in Layer.allCases { byLayer[l] = Array(repeating: 0, count: n) }
        for d in result.scenario.districts { byDistrict[d] = Array(repeating: 0, count: n) }
        for (fleet, series) in zip(result.scenario.fleets, result.fleets) {
            if byKind[fleet.kind] == nil { byKind[fleet.kind] = Array(repeating: 0, count: n) }
            for m in 0..<result.completedSteps {
                let e = series.energy[m]
                total[m] += e
                byLayer[fleet.layer]![m] += e
                byKind[fleet.kind]![m] += e
                byDistrict[fleet.district]![m] += e
            }
        }
        self.total = total
        self.byLayer = byLayer
        self.byKind = byKind
        self.byDistrict = byDistrict
        carbon = result.scenario.grid.carbon?.series(on: result.clock)
        price = result.scenario.grid.price?.series(on: result.clock)
    }

    /// Step ranges of each calendar year, in order.
    public var years: [(year: Int, steps: Range<Int>)] {
        var out: [(Int, Range<Int>)] = []
        var start = 0
        for m in 0..<steps where m == steps - 1 || result.clock.year[m + 1] != result.clock.year[m] {
            out.append((Int(result.clock.year[m]), start..<(m + 1)))
            start = m + 1
        }
        return out
    }

    public var all: Range<Int> { 0..<steps }

    /// Energy in kWh over `range`.
    public func kWh(_ series: [Double], _ range: Range<Int>) -> Double {
        var s = 0.0
        for m in range { s += series[m] }
        return s / 3.6e6
    }

    /// Highest mean power of a step in `range`, kW, and that step.
    public func peak(_ series: [Double], _ range: Range<Int>) -> (kW: Double, step: Int) {
        var best = -Double.infinity, at = range.lowerBound
        for m in range where series[m] > best {
            best = series[m]
            at = m
        }
        return range.isEmpty ? (0, 0) : (best / dt / 1000, at)
    }

    /// kg CO2 over `range` for a series, nil without a grid carbon intensity.
    public func co2(_ series: [Double], _ range: Range<Int>) -> Double? {
        guard let carbon else { return nil }
        var s = 0.0
        for m in range { s += series[m] / 3.6e6 * carbon[m] }
        return s / 1000
    }

    /// Cost over `range`, nil without a grid price.
    public func cost(_ series: [Double], _ range: Range<Int>) -> Double? {
        guard let price else { return nil }
        var s = 0.0
        for m in range { s += series[m] / 3.6e6 * price[m] }
        return s
    }

    /// The baseline, savings, ICT overhead and net balance, kWh.
    public var balance: (baseline: Double, savings: Double, ict: Double, net: Double) { balance(kWh)! }

    /// The same balance in kg CO2 (nil without a carbon intensity) or in cost (nil without a price).
    public var balanceCO2: (baseline: Double, savings: Double, ict: Double, net: Double)? { balance(co2) }
    public var balanceCost: (baseline: Double, savings: Double, ict: Double, net: Double)? { balance(cost) }

    /// The balance measured by `measure` over the whole run: what the replaced equipment would have
    /// used, what replacing it saved, what the ICT layers use, and ICT less savings.
    func balance(_ measure: ([Double], Range<Int>) -> Double?) -> (baseline: Double, savings: Double, ict: Double, net: Double)? {
        var baseline = 0.0, replacedActual = 0.0
        for (fleet, series) in zip(result.scenario.fleets, result.fleets) {
            guard fleet.replaces != nil, let b = series.baseline else { continue }
            guard let base = measure(b, all), let actual = measure(series.energy, all) else { return nil }
            baseline += base
            replacedActual += actual
        }
        var ict = 0.0
        for layer in Layer.allCases where layer.isICT {
            guard let v = measure(byLayer[layer]!, all) else { return nil }
            ict += v
        }
        let savings = baseline - replacedActual
        return (baseline, savings, ict, ict - savings)
    }
}
