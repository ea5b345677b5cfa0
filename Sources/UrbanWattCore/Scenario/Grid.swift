/// Carbon intensity and price of grid electricity; either may be absent. Beside the average
/// (location-based) intensity, a scenario may ask for other views of the same electricity's CO2:
/// with the fuel chains' upstream emissions (`upstream:`, the factor BISKO balances use), at the
/// marginal intensity (`marginal:`), and market-based with a supply contract (`supply:`).
public struct Grid: Sendable, Equatable {
    public var carbon: GridSignal?
    public var price: GridSignal?
    public var currency: String?
    /// The upstream emissions of the fuel chains, as a share of the direct intensity (`upstream: 12%`).
    public var upstream: Double?
    /// Whether the headline CO2 includes `upstream` (`bisko: true`, as German municipal balances count).
    public var bisko = false
    /// The marginal intensity: of the plant that answers a change in demand (`marginal:`).
    public var marginal: GridSignal?
    /// A supply contract, for the market-based view (`supply:`).
    public var supply: Supply?

    /// GHG Protocol Scope 2, market-based: the contracted green share at its own intensity, the rest
    /// at the residual mix (the average intensity when no residual is given).
    public struct Supply: Sendable, Equatable {
        public var greenShare: YearMap
        public var green: Double
        public var residual: GridSignal?

        public init(greenShare: YearMap, green: Double = 0, residual: GridSignal? = nil) {
            (self.greenShare, self.green, self.residual) = (greenShare, green, residual)
        }
    }

    public init(carbon: GridSignal? = nil, price: GridSignal? = nil, currency: String? = nil) {
        self.carbon = carbon
        self.price = price
        self.currency = currency
    }

    /// The views of CO2 summary.json reports beside the headline, in order; empty when the scenario
    /// asks for none (or gives no carbon intensity).
    public var views: [View] {
        guard carbon != nil, upstream != nil || marginal != nil || supply != nil else { return [] }
        return [.average] + (upstream != nil ? [.withUpstream] : []) + (marginal != nil ? [.marginal] : []) + (supply != nil ? [.marketBased] : [])
    }

    public enum View: String, Sendable, CaseIterable {
        case average
        case withUpstream = "with_upstream"
        case marginal
        case marketBased = "market_based"
    }

    /// The headline's intensity and each view's at each step of `clock`, the average computed once;
    /// nil without a carbon intensity.
    public func carbonSeries(on clock: StepClock) -> (headline: [Double], views: [[Double]])? {
        guard let average = carbon?.series(on: clock) else { return nil }
        return (carbon(bisko ? .withUpstream : .average, average: average, on: clock), views.map { carbon($0, average: average, on: clock) })
    }

    /// The intensity (g/kWh) in `view` at each step of `clock`, given the average's.
    func carbon(_ view: View, average: [Double], on clock: StepClock) -> [Double] {
        switch view {
        case .average: return average
        case .withUpstream: return average.map { $0 * (1 + (upstream ?? 0)) }
        case .marginal: return marginal?.series(on: clock) ?? average
        case .marketBased:
            guard let supply else { return average }
            let share = supply.greenShare.series(on: clock), residual = supply.residual?.series(on: clock) ?? average
            return share.indices.map { share[$0] * supply.green + (1 - share[$0]) * residual[$0] }
        }
    }

    /// The grid's coefficients: the means over the period the run saw (`meanCarbon`, `meanPrice`),
    /// each year of a path, a table's mean, and the views' figures; cited as the comment beside the
    /// key in the scenario cites (`citations`, by path: `grid.carbon_intensity`).
    public func assumptions(meanCarbon: Double?, meanPrice: Double?, citations: [String: String]) -> [Assumption] {
        let money = "\(currency ?? "")/kWh"
        func path(_ key: String, _ signal: GridSignal?, _ unit: String) -> [Assumption] {
            guard let signal else { return [] }
            var out = (signal.path?.points ?? []).map { Assumption("\(key).\($0.year)", $0.value, "\(unit) on 1 January", "scenario") }
            if case .monthly(_, let days) = signal {
                out.append(Assumption("\(key).by_month", GridSignal.yearMean(days), "\(unit), the typical days' mean", "scenario"))
            }
            return out
        }
        var out: [Assumption] = []
        if let c = meanCarbon {
            out.append(
                Assumption(
                    "carbon_intensity", c, bisko ? "g/kWh with upstream, as the headline counts it (mean over the period)" : "g/kWh (mean over the period)",
                    "scenario"))
        }
        out += path("carbon_intensity", carbon, "g/kWh")
        if let p = meanPrice { out.append(Assumption("price", p, "\(money) (mean over the period)", "scenario")) }
        out += path("price", price, money)
        if case .yearly(let m)? = marginal, m.isConstant { out.append(Assumption("marginal", m.points[0].value, "g/kWh", "scenario")) }
        out += path("marginal", marginal, "g/kWh")
        if let u = upstream { out.append(Assumption("upstream", u, bisko ? "fraction, in the headline CO2 (bisko)" : "fraction", "scenario")) }
        if let s = supply {
            out +=
                s.greenShare.isConstant
                ? [Assumption("supply.green_share", s.greenShare.points[0].value, "fraction", "scenario")]
                : s.greenShare.points.map { Assumption("supply.green_share.\($0.year)", $0.value, "fraction on 1 January", "scenario") }
            out.append(Assumption("supply.green", s.green, "g/kWh of the contracted green share", "scenario"))
            if case .yearly(let m)? = s.residual, m.isConstant { out.append(Assumption("supply.residual", m.points[0].value, "g/kWh", "scenario")) }
            out += path("supply.residual", s.residual, "g/kWh")
        }
        return out.map { Assumption.cited($0, citations["grid.\($0.key.prefix { $0 != "." })"]) }
    }

}

/// Carbon intensity (g/kWh) or price (per kWh) of grid electricity over time.
public enum GridSignal: Sendable, Equatable {
    case yearly(YearMap)
    case hourly(Profile)
    /// A typical day per month (local hours, `by_month:`), scaled to a yearly path when one is given
    /// so that a common year's hours average the path's value; without a path, the values themselves.
    case monthly(path: YearMap?, days: [Profile])

    public func series(on clock: StepClock) -> [Double] {
        switch self {
        case .yearly(let map): return map.series(on: clock)
        case .hourly(let p): return p.series(on: clock)
        case .monthly(let path, let days):
            let scale = path?.series(on: clock), mean = Self.yearMean(days)
            var lastDay = Int.min, month = 0
            return (0..<clock.count).map { i in
                let day = clock.localDay(i)
                if day != lastDay { (lastDay, month) = (day, CivilDate(daysSinceEpoch: day).month - 1) }
                let v = days[month].mean(from: clock.localSecondOfDay(i), duration: Int(clock.step), weekend: false)
                return scale.map { mean > 0 ? $0[i] * v / mean : 0 } ?? v
            }
        }
    }

    /// The yearly path, where one is given and is not constant.
    public var path: YearMap? {
        switch self {
        case .yearly(let m): m.isConstant ? nil : m
        case .hourly: nil
        case .monthly(let p, _): p.flatMap { $0.isConstant ? nil : $0 }
        }
    }

    /// The mean of a common year's hours over twelve typical days.
    public static func yearMean(_ days: [Profile]) -> Double {
        let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return zip(days, lengths).reduce(0) { $0 + $1.0.weekday.reduce(0, +) / 24 * Double($1.1) } / 365
    }
}
