public import UrbanWattCore

extension RunSummary {
    /// Devices installed, replaced and retired, their CO2e as incurred and amortised, and their
    /// waste: of the fleets that give `embodied:` (issue 20).
    public typealias LifeCycleFigures = UrbanWattCore.LifeCycle.Figures

    /// The whole run and its groups.
    public struct LifeCycle: Sendable, Equatable {
        public var total: LifeCycleFigures
        public var byLayer: [Named<LifeCycleFigures>]
        public var byKind: [Named<LifeCycleFigures>]
        public var byDistrict: [Named<LifeCycleFigures>]
        public var byFleet: [Named<LifeCycleFigures>]
        public var byYear: [Named<LifeCycleFigures>]
    }
}

extension RunSummary.LifeCycle {
    /// The life cycle of `b`'s fleets with `embodied:`, over the calendar years it simulated; nil
    /// when none gives it.
    init?(_ b: Breakdown) { self.init(b, fleets: Self.fleets(b)) }

    /// The same from the fleets' years computed already (`fleets(_:)`).
    init?(_ b: Breakdown, fleets: [(fleet: Int, years: [UrbanWattCore.LifeCycle.Year])]) {
        let s = b.scenario, spans = Self.spans(b)
        guard !fleets.isEmpty else { return nil }
        typealias F = RunSummary.LifeCycleFigures
        func sum(_ keep: (Int) -> Bool, year: Int? = nil) -> F {
            fleets.filter { keep($0.0) }.reduce(F()) { acc, f in
                f.1.filter { year == nil || $0.year == year }.reduce(acc) { $0 + $1.figures }
            }
        }
        func groups(_ names: [String], _ key: (Fleet) -> String) -> [RunSummary.Named<F>] {
            names.filter { n in fleets.contains { key(s.fleets[$0.0]) == n } }.map { n in RunSummary.Named(name: n, value: sum { key(s.fleets[$0]) == n }) }
        }
        total = sum { _ in true }
        byLayer = groups(Layer.allCases.map(\.rawValue)) { $0.layer.rawValue }
        byKind = groups(FleetKind.allCases.map(\.rawValue)) { $0.kind.rawValue }
        // A fleet that moves has its nodes in each district by their mean share there, computed
        // once per fleet.
        let mean = Dictionary(uniqueKeysWithValues: fleets.compactMap { f in s.fleets[f.fleet].presence.map { (f.fleet, b.meanPresence($0)) } })
        byDistrict = s.districts.compactMap { d in
            let here = fleets.filter { s.fleets[$0.fleet].districts.contains(d) }
            guard !here.isEmpty else { return nil }
            return RunSummary.Named(
                name: d,
                value: here.reduce(F()) { acc, f in
                    let k = s.fleets[f.fleet].presence.map { p in p.districts.firstIndex(of: d).flatMap { mean[f.fleet]?[$0] } ?? 0 } ?? 1
                    return k == 1 ? f.years.reduce(acc) { $0 + $1.figures } : acc + f.years.reduce(F()) { $0 + $1.figures } * k
                })
        }
        byFleet = fleets.map { f in RunSummary.Named(name: s.fleets[f.0].name, value: sum { $0 == f.0 }) }
        byYear = spans.map { span in RunSummary.Named(name: String(span.year), value: sum({ _ in true }, year: span.year)) }
    }
}

extension RunSummary.LifeCycle {
    /// The calendar years `b` simulated, in Unix seconds.
    static func spans(_ b: Breakdown) -> [UrbanWattCore.LifeCycle.Span] {
        let clock = b.result.clock
        return b.years.compactMap { year, _ in
            guard let steps = clock.yearSpans.first(where: { $0.year == year })?.steps else { return nil }
            return (year, clock.time(steps.lowerBound), clock.time(min(steps.upperBound, b.steps)))
        }
    }

    /// Each fleet with `embodied:`, year by year; none for a shard, whose merge counts them once
    /// (a shard holds part of each fleet's nodes). `bought`: the nodes present at the start as
    /// installed then, whatever `installed:` says (a payback weighs an investment).
    static func fleets(_ b: Breakdown, bought: Bool = false) -> [(fleet: Int, years: [UrbanWattCore.LifeCycle.Year])] {
        guard b.result.shard.count == 1 else { return [] }
        let s = b.scenario, spans = spans(b), zone = b.result.clock.zone
        return s.fleets.indices.compactMap { i in
            s.fleets[i].embodied.map { e in
                var embodied = e
                if bought { embodied.installedNew = true }
                return (
                    i,
                    UrbanWattCore.LifeCycle.years(
                        count: s.fleets[i].count, embodied: embodied, batteryLife: b.result.batteryLives[i].mean,
                        over: spans, zone: zone)
                )
            }
        }
    }
}

extension RunSummary.LifeCycleFigures {
    func fields() -> [(String, JSONValue)] {
        [
            ("incurred_co2e_kg", .number(incurredCO2eKg)), ("amortised_co2e_kg", .number(amortisedCO2eKg)), ("installed", .number(installed)),
            ("replaced", .number(replaced)), ("retired", .number(retired)), ("batteries_replaced", .number(batteriesReplaced)),
            ("waste_kg", .optional(wasteKg)),
            ("incurred_adp_kg_sb_eq", .optional(incurredADPKgSbEq)), ("amortised_adp_kg_sb_eq", .optional(amortisedADPKgSbEq)),
            ("incurred_primary_energy_mj", .optional(incurredPrimaryEnergyMJ)), ("amortised_primary_energy_mj", .optional(amortisedPrimaryEnergyMJ)),
        ]
    }

    init(_ r: JSONReader) throws {
        self.init()
        (incurredCO2eKg, amortisedCO2eKg) = (try r.double("incurred_co2e_kg"), try r.double("amortised_co2e_kg"))
        (installed, replaced, retired) = (try r.double("installed"), try r.double("replaced"), try r.double("retired"))
        batteriesReplaced = try r.double("batteries_replaced")
        wasteKg = try r.optionalDouble("waste_kg")
        (incurredADPKgSbEq, amortisedADPKgSbEq) = (try r.optionalDouble("incurred_adp_kg_sb_eq"), try r.optionalDouble("amortised_adp_kg_sb_eq"))
        (incurredPrimaryEnergyMJ, amortisedPrimaryEnergyMJ) = (
            try r.optionalDouble("incurred_primary_energy_mj"), try r.optionalDouble("amortised_primary_energy_mj")
        )
    }
}

extension RunSummary.LifeCycle {
    func json() -> JSONValue {
        func group(_ list: [RunSummary.Named<RunSummary.LifeCycleFigures>]) -> JSONValue { .object(list.map { ($0.name, .object($0.value.fields())) }) }
        return .object(
            total.fields() + [
                ("by_layer", group(byLayer)), ("by_kind", group(byKind)), ("by_district", group(byDistrict)),
                ("by_fleet", group(byFleet)),
            ])
    }

    init(_ r: JSONReader) throws {
        typealias F = RunSummary.LifeCycleFigures
        total = try F(r)
        byLayer = try r.object("by_layer").entries { RunSummary.Named(name: $0, value: try F($1)) }
        byKind = try r.object("by_kind").entries { RunSummary.Named(name: $0, value: try F($1)) }
        byDistrict = try r.object("by_district").entries { RunSummary.Named(name: $0, value: try F($1)) }
        byFleet = try r.object("by_fleet").entries { RunSummary.Named(name: $0, value: try F($1)) }
        byYear = []
    }
}
