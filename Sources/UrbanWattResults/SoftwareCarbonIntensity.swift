public import UrbanWattCore

extension RunSummary {
    /// A fleet's Software Carbon Intensity (ISO/IEC 21031:2024) in one year: (E·I + M) / R, with E·I
    /// the CO2 of the fleet's energy at the grid's intensity (the whole node's, as its embodied CO2e
    /// is: a light point's lamp and controller), M its embodied CO2e amortised (`lifecycle`; 0
    /// without `embodied:`), R its functional units.
    public struct SCI: Sendable, Equatable {
        public var year: Int
        public var operationalKg: Double
        public var embodiedKg: Double
        public var units: Double
        /// g CO2e per functional unit; nil when the year has no units.
        public var gramsPerUnit: Double? { units > 0 ? 1000 * (operationalKg + embodiedKg) / units : nil }
    }

    /// The SCI of one fleet, year by year, in its functional unit.
    public struct FleetSCI: Sendable, Equatable {
        public var unit: FunctionalUnit
        public var byYear: [SCI]
    }
}

extension RunSummary.FleetSCI {
    /// Each fleet with `functional_unit:`; empty without a carbon intensity (no E·I to count).
    static func fleets(_ b: Breakdown, lifecycle: [(fleet: Int, years: [UrbanWattCore.LifeCycle.Year])]) -> [RunSummary.Named<Self>] {
        // A shard holds part of each fleet's energy but not of its node-hours; its merge has both.
        guard b.hasCarbon, b.result.shard.count == 1 else { return [] }
        let s = b.scenario, spans = RunSummary.LifeCycle.spans(b), zone = b.result.clock.zone
        return s.fleets.indices.compactMap { i in
            guard let unit = s.fleets[i].functionalUnit else { return nil }
            let life = lifecycle.first { $0.fleet == i }?.years ?? []
            let years = zip(b.years, spans).map { y, span -> RunSummary.SCI in
                let units: Double
                switch unit.per {
                case .message: units = Double(b.uplinks(fleet: i, y.span))
                case .nodeHour: units = UrbanWattCore.LifeCycle.nodeSeconds(s.fleets[i].count, span, zone: zone) / 3600
                }
                return RunSummary.SCI(
                    year: y.year, operationalKg: b.co2(.fleet(i), y.span) ?? 0,
                    embodiedKg: life.first { $0.year == y.year }?.figures.amortisedCO2eKg ?? 0, units: units)
            }
            return RunSummary.Named(name: s.fleets[i].name, value: Self(unit: unit, byYear: years))
        }
    }

    func json() -> JSONValue {
        .object([
            ("functional_unit", .string(unit.name)), ("per", .string(unit.per.rawValue)),
            (
                "by_year",
                .object(
                    byYear.map { y in
                        (
                            String(y.year),
                            .object([
                                ("operational_co2_kg", .number(y.operationalKg)), ("embodied_co2e_kg", .number(y.embodiedKg)),
                                ("units", .number(y.units)), ("sci_g", .optional(y.gramsPerUnit)),
                            ])
                        )
                    })
            ),
        ])
    }

    init(_ r: JSONReader) throws {
        guard let per = FunctionalUnit.Per(rawValue: try r.string("per")) else { throw r.failure(expected: "node-hour or message", found: try r.string("per")) }
        unit = FunctionalUnit(name: try r.string("functional_unit"), per: per)
        byYear = try r.object("by_year").entries { year, y in
            guard let number = Int(year) else { throw y.failure(expected: "a calendar year as its key", found: year) }
            return RunSummary.SCI(
                year: number, operationalKg: try y.double("operational_co2_kg"), embodiedKg: try y.double("embodied_co2e_kg"),
                units: try y.double("units"))
        }
    }
}
