/// A group of nodes of one kind that share their parameters.
public struct Fleet: Sendable {
    public var name: String
    public var layer: Layer
    public var district: String
    /// Number of nodes over time; node `i` exists at t when `i < floor(count(t))`.
    public var count: YearMap
    public var efficiency: Efficiency?
    /// Half-width of each node's fixed power factor, uniform in [1 − jitter, 1 + jitter]; 0 for none.
    public var jitter: Double
    /// The fleet that receives this fleet's traffic.
    public var via: String?
    /// Where the nodes are when they move between districts (`presence:`); nil for a fleet that
    /// stays in `district`.
    public var presence: Presence?
    /// The kind and its parameters.
    public var model: any NodeKind
    /// The equipment this fleet replaces, with the same count and schedule (`replaces:`): the
    /// fleet's keys without its ICT functions, overridden by those `replaces:` gives.
    public var replaces: (any NodeKind)?
    /// The fleet with its ICT functions off (`NodeKind.ictFunctions`, overridden by `reference:`),
    /// when that differs from the fleet: what it would serve without the ICT (ITU-T L.1480's
    /// reference scenario).
    public var reference: (any NodeKind)?
    /// The share of the measure's savings taken back by a rebound (cheaper light, lit longer), 0–1.
    public var rebound = 0.0
    /// The CO2e, lifetime and mass of a node (`embodied:`); nil when the scenario gives none.
    public var embodied: Embodied?
    /// What a node costs to buy and install, in the grid price's currency (`capex:`); nil if not given.
    public var capex: Double?
    /// The replaced equipment's own purchases (`replaces: {embodied:, capex:}`): had it stayed, it
    /// would have been renewed at the end of its life and bought as the fleet grew. A payback
    /// credits the measure with them; nil when not given.
    public var replacedEmbodied: Embodied?
    public var replacedCapex: Double?
    /// The unit its Software Carbon Intensity is per (`functional_unit:`); nil if not given.
    public var functionalUnit: FunctionalUnit?
    /// The kind's keys the scenario wrote (`power`, `radio.tx_current`): those coefficients are the
    /// scenario's own; the others are defaults with their sources (`NodeKind.assumptions`).
    public var given: Set<String> = []

    public init(
        name: String, layer: Layer? = nil, district: String = "city", count: YearMap = YearMap(1),
        efficiency: Efficiency? = nil, jitter: Double = 0, via: String? = nil, model: any NodeKind,
        replaces: (any NodeKind)? = nil
    ) {
        self.name = name
        self.layer = layer ?? type(of: model).defaultLayer
        self.district = district
        self.count = count
        self.efficiency = efficiency
        self.jitter = jitter
        self.via = via
        self.model = model
        self.replaces = replaces
    }

    /// The most nodes one fleet may have (docs/scenario-limits.md): a tenth of the world's IoT
    /// devices, and few enough that per-node arrays fit in memory and counts stay exact.
    public static let maximumCount = 1e8

    public var kind: FleetKind { model.kind }

    /// The fleets that receive this fleet's traffic: its `via`, or one per district it moves through.
    public var receivers: [String] { presence?.via ?? via.map { [$0] } ?? [] }

    /// The districts the fleet's energy goes to: those it moves through, or its own.
    public var districts: [String] { presence?.districts ?? [district] }

    /// For a fleet that moves, the share of its energy and of its traffic in each district of its
    /// presence at each step of `clock` (`[district][step]`), as its kind places them; nil otherwise.
    public func districtShares(on clock: StepClock) -> (energy: [[Double]], traffic: [[Double]])? {
        presence.map { model.districtShares($0, on: clock) }
    }

    /// The district as the results name it: its own, or those it moves through joined by `+`.
    public var districtLabel: String { districts.joined(separator: "+") }

    /// The optional series the engine fills for this fleet.
    public var seriesParts: FleetSeries.Parts {
        var p: FleetSeries.Parts = []
        if replaces != nil { p.insert(.baseline) }
        if reference != nil { p.insert(.reference) }
        if model.ictPower != nil { p.insert(.ict) }
        return p
    }

    /// What a node's purchase and that of the equipment it replaces were taken to be
    /// (`embodied.co2e`, `capex`, `replaces.embodied.co2e`, `replaces.capex`).
    public func purchaseAssumptions(currency: String?) -> [Assumption] {
        let money = "\(currency ?? "") per node"
        var out = embodied?.assumptions ?? []
        if let capex { out.append(Assumption("capex", capex, money, "scenario")) }
        out += (replacedEmbodied?.assumptions ?? []).map { Assumption("replaces.\($0.key)", $0.value, $0.unit, $0.source) }
        if let replacedCapex { out.append(Assumption("replaces.capex", replacedCapex, money, "scenario")) }
        return out
    }

    /// The fleet's own coefficients beside its kind's: its count (each year of a path), efficiency
    /// trend, jitter and rebound.
    public var fleetAssumptions: [Assumption] {
        var out: [Assumption] = []
        if !type(of: model).isSingleNode {
            out +=
                count.isConstant
                ? [Assumption("count", count.points[0].value, "nodes", "scenario")]
                : count.points.map { Assumption("count.\($0.year)", $0.value, "nodes on 1 January", "scenario") }
        }
        if let e = efficiency { out.append(Assumption("efficiency.per_year", e.perYear, "fraction less power a year from \(e.from)", "scenario")) }
        if jitter > 0 { out.append(Assumption("jitter", jitter, "fraction, each node's spread", "scenario")) }
        if rebound > 0 { out.append(Assumption("rebound", rebound, "fraction of the savings", "scenario")) }
        return out
    }

    /// Every coefficient of the fleet with its source, the scenario's own citing what its comment
    /// beside the key cites (`citations`, by top-level key: `power` → `[MsbG]`).
    public func assumptions(currency: String?, citations: [String: String]) -> [Assumption] {
        (fleetAssumptions + model.assumptions(given: given) + purchaseAssumptions(currency: currency)).map { a in
            Assumption.cited(a, citations["fleets[\(name)].\(a.key.prefix { $0 != "." })"])
        }
    }

    /// The most nodes the fleet ever has.
    public var maximumNodes: Int { Int(count.maximum.rounded(.down)) }

    /// The efficiency factor at each step of `clock` (that of its calendar year; 1 without `efficiency`).
    public func efficiencyFactors(on clock: StepClock) -> [Double] {
        guard let e = efficiency else { return Array(repeating: 1, count: clock.count) }
        return clock.perYear(e.factor)
    }
}
