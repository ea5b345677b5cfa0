public import UrbanWattCore

/// The balance (ITU-T L.1480's three cases): what the replaced equipment would have served (the
/// baseline), what the new equipment would serve with its ICT functions off (the reference), and
/// what it serves (the actual); and the ICT parts of every fleet inside the boundary.
///
/// Efficiency savings are baseline − reference; ICT-enabled savings reference − actual, both on the
/// load served, so the ICT parts, counted in the overhead, are not counted twice; and what the
/// indirect effects a fleet enables save (`effects:`), in CO2 and cost on any carrier, in kWh on
/// electricity. The net, ICT
/// overhead − ICT-enabled savings, is then the actual city's energy less the reference city's.
extension Breakdown {
    /// The balance of the fleets at `fleets` (all when nil) over `span`, in kWh, and in kg CO2 and
    /// cost where the grid gives them; the CO2 in the grid's `view` when given.
    /// With `district`, each fleet that moves counts its part there (`share(fleet:in:_:)`).
    public func balance(fleets: [Int]? = nil, in district: String? = nil, _ span: Span = .all, view: Grid.View? = nil) -> RunSummary.Balance {
        let indices = fleets ?? Array(scenario.fleets.indices)
        return RunSummary.Balance(
            kWh: parts(indices, in: district, energy: true) { kWh($0, span) }!,
            co2Kg: parts(indices, in: district, energy: false) { co2($0, span, view: view) },
            cost: parts(indices, in: district, energy: false) { cost($0, span) })
    }

    /// The ICT energy of the fleet at `i` over `span`, in kWh, kg CO2 and cost: its ICT part, or all
    /// of it for a kind that is ICT as a whole; with `district`, its part there when it moves.
    public func ict(fleet i: Int, in district: String? = nil, _ span: Span = .all) -> RunSummary.Amount {
        let g = ictGroup(i)
        func part(_ measure: (Group) -> Double?) -> Double? { measure(g).map { $0 * (share(fleet: i, in: district, measure) ?? 0) } }
        return RunSummary.Amount(energyKWh: part { kWh($0, span) } ?? 0, co2Kg: part { co2($0, span) }, cost: part { cost($0, span) })
    }

    /// The fleets with a part in `district`: those there, and those that move through it.
    public func fleets(in district: String) -> [Int] { scenario.fleets.indices.filter { scenario.fleets[$0].districts.contains(district) } }

    /// The share of the fleet at `i` in `district` by `measure`: all of it for a fleet that stays
    /// (or no district), and for one that moves its part there over its whole (its energy in each
    /// district follows its presence, so an ICT part, a reference or a saving is taken in the same
    /// share); a fleet that used nothing is where its nodes were, on average over the run.
    func share(fleet i: Int, in district: String?, _ measure: (Group) -> Double?) -> Double? {
        guard let district, let presence = scenario.fleets[i].presence else { return 1 }
        guard let whole = measure(.fleet(i)), let part = measure(.presence(i, district)) else { return nil }
        if whole != 0 { return part / whole }
        return presence.districts.firstIndex(of: district).map { meanPresence(presence)[$0] } ?? 0
    }

    /// Each district's share of a moving fleet's nodes, on average over the steps run.
    func meanPresence(_ presence: Presence) -> [Double] { presence.meanShares(on: result.clock.window(0..<steps)) }

    /// The fleets inside the ICT overhead (not left out by `boundary:`).
    public var fleetsInOverhead: [Int] { scenario.fleets.indices.filter { scenario.boundary.reason(excluding: scenario.fleets[$0]) == nil } }

    /// The group holding the ICT part of the fleet at `i`.
    func ictGroup(_ i: Int) -> Group {
        let fleet = scenario.fleets[i]
        return fleet.model.ictPower == nil ? .fleet(i) : .ict(i)
    }

    /// The balance of `fleets` measured by `measure`; `energy`: in kWh of electricity, so that only
    /// the effects on electricity count (in CO2 and cost, every carrier's do).
    private func parts(_ fleets: [Int], in district: String?, energy: Bool, _ whole: (Group) -> Double?) -> RunSummary.Parts? {
        var baseline = 0.0, efficiency = 0.0, enabled = 0.0, overhead = 0.0, rebound = 0.0, reboundICT = 0.0
        for i in fleets {
            let fleet = scenario.fleets[i]
            guard let scale = share(fleet: i, in: district, whole) else { return nil }
            func measure(_ g: Group) -> Double? { whole(g).map { $0 * scale } }
            guard let total = measure(.fleet(i)), let ict = measure(ictGroup(i)) else { return nil }
            // A kind that is ICT as a whole serves no other load: its replacement by more efficient
            // ICT is weighed on its whole energy.
            let served = fleet.model.ictPower == nil ? total : total - ict
            var reference = served
            if fleet.reference != nil {
                guard let r = measure(.reference(i)) else { return nil }
                reference = r
            }
            var saved = reference - served
            if fleet.replaces != nil {
                guard let b = measure(.baseline(i)) else { return nil }
                baseline += b
                efficiency += b - reference
                saved = b - served
            }
            enabled += reference - served
            // A rebound takes back its share of the measure's savings, of both kinds.
            rebound += fleet.rebound * saved
            reboundICT += fleet.rebound * (reference - served)
            if scenario.boundary.reason(excluding: fleet) == nil { overhead += ict }
            // The indirect effects the fleet enables are ICT-enabled savings too.
            for (e, effect) in scenario.effects.enumerated() where effect.enabledBy == fleet.name && (!energy || effect.carrier == "electricity") {
                guard let saved = measure(.effect(e)) else { return nil }
                enabled += saved
                rebound += effect.rebound * saved
                reboundICT += effect.rebound * saved
            }
        }
        return RunSummary.Parts(
            baseline: baseline, savingsEfficiency: efficiency, savingsICT: enabled, savings: efficiency + enabled, rebound: rebound,
            reboundICT: reboundICT, ictOverhead: overhead, net: overhead - enabled + reboundICT, netWithEfficiency: overhead - efficiency - enabled + rebound)
    }

    /// What the effect at `e` saved over `span`, in its carrier's unit, what its rebound took back,
    /// and the carbon and cost of the saving net of the rebound.
    public func effectSaving(_ e: Int, _ span: Span = .all) -> RunSummary.CarrierSaving {
        let effect = scenario.effects[e]
        let saved = kWh(.effect(e), span), keep = 1 - effect.rebound
        return RunSummary.CarrierSaving(
            carrier: effect.carrier, unit: scenario.carrier(named: effect.carrier)?.unit ?? "kWh", saved: saved, rebound: effect.rebound * saved,
            co2Kg: co2(.effect(e), span).map { $0 * keep }, cost: cost(.effect(e), span).map { $0 * keep })
    }
}
