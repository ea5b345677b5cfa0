import UrbanWattCore

extension RunSummary {
    /// The CO2 of the run's electricity in one view of the grid's (`Grid.views`: average, with
    /// upstream emissions, marginal, market-based): the total, the intensity it averages to over the
    /// energy used (the load's timing weighs in, street lights at night), and the balance in kg CO2.
    public struct CarbonView: Sendable, Equatable {
        public var co2Kg: Double
        public var gramsPerKWh: Double
        public var balance: Parts
    }
}

extension RunSummary.CarbonView {
    /// Each view the grid asks for, over `span`; empty when it asks for none.
    static func views(_ b: Breakdown, _ span: Breakdown.Span = .all) -> [RunSummary.Named<Self>] {
        b.scenario.grid.views.compactMap { view in
            guard let co2 = b.co2(.total, span, view: view), let parts = b.balance(span, view: view).co2Kg else { return nil }
            let kWh = b.kWh(.total, span)
            return RunSummary.Named(name: view.rawValue, value: Self(co2Kg: co2, gramsPerKWh: kWh > 0 ? 1000 * co2 / kWh : 0, balance: parts))
        }
    }

    static func json(_ views: [RunSummary.Named<Self>]) -> JSONValue {
        .object(
            views.map { v in
                (
                    v.name,
                    .object(
                        [("co2_kg", .number(v.value.co2Kg)), ("g_per_kwh", .number(v.value.gramsPerKWh))]
                            + RunSummary.Balance.measures.map { ("\($0)_co2_kg", .number(v.value.balance.value($0))) })
                )
            })
    }

    static func read(_ r: JSONReader?) throws -> [RunSummary.Named<Self>] {
        try r?.entries { name, v in
            let m = try RunSummary.Balance.measures.map { try v.double("\($0)_co2_kg") }
            return RunSummary.Named(
                name: name,
                value: Self(
                    co2Kg: try v.double("co2_kg"), gramsPerKWh: try v.double("g_per_kwh"),
                    balance: RunSummary.Parts(
                        baseline: m[0], savingsEfficiency: m[1], savingsICT: m[2], savings: m[3], rebound: m[4], reboundICT: m[5], ictOverhead: m[6], net: m[7],
                        netWithEfficiency: m[8])))
        } ?? []
    }
}
