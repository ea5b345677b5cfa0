import UrbanWattCore

/// The balance (ITU-T L.1480's three cases): what the replaced equipment would have served (the
/// baseline), what the new equipment would serve with its ICT functions off (the reference), and
/// what it serves (the actual); and the ICT parts of every fleet inside the boundary.
///
/// Efficiency savings are baseline − reference; ICT-enabled savings reference − actual, both on the
/// load served, so the ICT parts, counted in the overhead, are not counted twice. The net, ICT
/// overhead − ICT-enabled savings, is then the actual city's energy less the reference city's.
extension Breakdown {
    /// The balance of the fleets at `fleets` (all when nil) over `span`, in kWh, and in kg CO2 and
    /// cost where the grid gives them.
    public func balance(fleets: [Int]? = nil, _ span: Span = .all) -> RunSummary.Balance {
        let indices = fleets ?? Array(scenario.fleets.indices)
        return RunSummary.Balance(
            kWh: parts(indices, span) { kWh($0, span) }!, co2Kg: parts(indices, span) { co2($0, span) }, cost: parts(indices, span) { cost($0, span) })
    }

    /// The ICT energy of the fleet at `i` over `span`, in kWh, kg CO2 and cost: its ICT part, or all
    /// of it for a kind that is ICT as a whole.
    public func ict(fleet i: Int, _ span: Span = .all) -> RunSummary.Amount {
        let g = ictGroup(i)
        return RunSummary.Amount(energyKWh: kWh(g, span), co2Kg: co2(g, span), cost: cost(g, span))
    }

    /// The fleets inside the ICT overhead (not left out by `boundary:`).
    public var fleetsInOverhead: [Int] { scenario.fleets.indices.filter { scenario.boundary.reason(excluding: scenario.fleets[$0]) == nil } }

    /// The group holding the ICT part of the fleet at `i`.
    func ictGroup(_ i: Int) -> Group {
        let fleet = scenario.fleets[i]
        return fleet.model.ictPower == nil ? .fleet(i) : .ict(i)
    }

    private func parts(_ fleets: [Int], _ span: Span, _ measure: (Group) -> Double?) -> RunSummary.Parts? {
        var baseline = 0.0, efficiency = 0.0, enabled = 0.0, overhead = 0.0, rebound = 0.0, reboundICT = 0.0
        for i in fleets {
            let fleet = scenario.fleets[i]
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
        }
        return RunSummary.Parts(
            baseline: baseline, savingsEfficiency: efficiency, savingsICT: enabled, savings: efficiency + enabled, rebound: rebound,
            reboundICT: reboundICT, ictOverhead: overhead, net: overhead - enabled + reboundICT, netWithEfficiency: overhead - efficiency - enabled + rebound)
    }
}
