import UrbanWattCore

extension RunSummary {
    /// When a measure (a fleet with `replaces:` or an ICT function on) pays back: the first calendar
    /// year whose cumulative savings, net of rebound, reach its cumulative ICT overhead plus the
    /// embodied CO2e it incurred (as incurred, `lifecycle`) or, in money, plus its purchases
    /// (`capex` × nodes installed and replaced), less the purchases of the equipment it replaces
    /// that it avoids (`replaces: {embodied:, capex:}`: renewals at the end of its life, and the
    /// nodes the fleet adds). With all its savings, and with the ICT-enabled ones alone; both
    /// weigh the same purchases. A nil year: not within the period; the cumulative net at the end
    /// says by how much.
    public struct Payback: Sendable, Equatable {
        public var co2eYear: Int?
        public var co2eYearICT: Int?
        public var costYear: Int?
        /// Savings less costs over the period: kg CO2e (all savings, ICT-enabled alone) and money.
        public var co2eNetKg: Double?
        public var co2eNetICTKg: Double?
        public var costNet: Double?
    }
}

extension RunSummary.Payback {
    /// The payback of each measure of `b`, given the life cycle it computed; empty without a
    /// carbon intensity or a price, or without measures.
    /// A measure is weighed as an investment made at the start: its nodes present then are bought
    /// then (as `installed: new`), whatever the life cycle says of the stock.
    static func measures(_ b: Breakdown) -> [RunSummary.Named<Self>] {
        let s = b.scenario
        // A shard holds part of each fleet; its merge weighs the whole.
        guard b.hasCarbon || b.hasPrice, b.result.shard.count == 1 else { return [] }
        let bought = RunSummary.LifeCycle.fleets(b, bought: true)
        return s.fleets.indices.filter { s.fleets[$0].replaces != nil || s.fleets[$0].reference != nil }.map { i in
            let life = bought.first { $0.fleet == i }?.years ?? []
            let fleet = s.fleets[i]
            // The replaced stock, had it stayed: existing at the start, renewed and added as it would have been.
            let avoided =
                fleet.replacedEmbodied.map {
                    UrbanWattCore.LifeCycle.years(count: fleet.count, embodied: $0, over: RunSummary.LifeCycle.spans(b), zone: b.result.clock.zone)
                } ?? []
            var payback = Self()
            var co2 = 0.0, co2ICT = 0.0, money = 0.0
            for (year, span) in b.years {
                let balance = b.balance(fleets: [i], span)
                let figures = life.first { $0.year == year }?.figures ?? UrbanWattCore.LifeCycle.Figures()
                let old = avoided.first { $0.year == year }?.figures ?? UrbanWattCore.LifeCycle.Figures()
                if let c = balance.co2Kg {
                    // −net_with_efficiency is the savings less rebound less the overhead; −net the ICT-enabled alone.
                    let purchases = figures.incurredCO2eKg - old.incurredCO2eKg
                    co2 += -c.netWithEfficiency - purchases
                    co2ICT += -c.net - purchases
                    payback.co2eYear = crossing(co2, payback.co2eYear, year)
                    payback.co2eYearICT = crossing(co2ICT, payback.co2eYearICT, year)
                }
                if let c = balance.cost {
                    money +=
                        -c.netWithEfficiency - (fleet.capex ?? 0) * (figures.installed + figures.replaced)
                        + (fleet.replacedCapex ?? 0) * (old.installed + old.replaced)
                    payback.costYear = crossing(money, payback.costYear, year)
                }
            }
            if b.hasCarbon { (payback.co2eNetKg, payback.co2eNetICTKg) = (co2, co2ICT) }
            if b.hasPrice { payback.costNet = money }
            return RunSummary.Named(name: s.fleets[i].name, value: payback)
        }
    }

    /// The year the cumulative net last turned from negative to not: a later purchase (a
    /// replacement) may take a measure back into debt, and it pays back again later or not at all.
    static func crossing(_ cumulative: Double, _ found: Int?, _ year: Int) -> Int? {
        cumulative < 0 ? nil : found ?? year
    }

    func json() -> JSONValue {
        func year(_ y: Int?) -> JSONValue { y.map(JSONValue.integer) ?? .null }
        return .object([
            ("co2e_year", year(co2eYear)), ("co2e_year_ict", year(co2eYearICT)), ("cost_year", year(costYear)),
            ("co2e_net_kg", .optional(co2eNetKg)), ("co2e_net_ict_kg", .optional(co2eNetICTKg)), ("cost_net", .optional(costNet)),
        ])
    }

    init(_ r: JSONReader) throws {
        self.init(
            co2eYear: try r.optionalInt("co2e_year"), co2eYearICT: try r.optionalInt("co2e_year_ict"), costYear: try r.optionalInt("cost_year"),
            co2eNetKg: try r.optionalDouble("co2e_net_kg"), co2eNetICTKg: try r.optionalDouble("co2e_net_ict_kg"), costNet: try r.optionalDouble("cost_net"))
    }
}
