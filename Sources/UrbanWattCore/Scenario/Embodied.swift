/// What making, shipping and disposing of one node emits, and how long it serves (`embodied:`).
///
/// `co2e` is cradle to grave and is incurred when the node is installed; given split, the
/// manufacturing and transport are incurred at installation and the end of life when the node
/// is replaced or retired. Amortised, the whole is spread evenly over the lifetime.
public struct Embodied: Sendable, Equatable {
    public struct Battery: Sendable, Equatable {
        public var co2e: Double
        public var mass: Double?
        public init(co2e: Double, mass: Double? = nil) { (self.co2e, self.mass) = (co2e, mass) }
    }

    /// kg CO2e of manufacturing (cradle to gate), of transport, and of end of life.
    public var manufacturing: Double
    public var transport: Double
    public var endOfLife: Double
    /// Seconds a node serves before it is replaced by a like one.
    public var lifetime: Double
    /// kg of the node, to waste electrical equipment when it is replaced or retired; nil if not given.
    public var mass: Double?
    /// Whether the nodes present at the start are installed then (`new`) or are stock of every
    /// age up to the lifetime (`existing`, the default), due for replacement evenly over it.
    public var installedNew: Bool
    /// The ages, in seconds, existing stock is spread evenly over at the start (`installed: {age:
    /// [2 years, 6 years]}`); nil: from new to the lifetime.
    public var stockAge: ClosedRange<Double>?
    /// kg CO2e and kg of each replacement battery (`battery: {co2e, mass}`); the first is in the
    /// node's own figures. A battery is replaced when it runs out, at the battery life the run
    /// computes, unless the node is replaced first.
    public var battery: Battery?
    /// kg Sb-eq of abiotic depletion and J of primary energy of making a node, where the source
    /// gives them (`abiotic_depletion`, `primary_energy`); nil: absent, not zero.
    public var abioticDepletion: Double?
    public var primaryEnergy: Double?
    /// Where the figures come from: `scenario`, or a kind's cited default.
    public var source = "scenario"

    public init(
        manufacturing: Double, transport: Double = 0, endOfLife: Double = 0, lifetime: Double, mass: Double? = nil, installedNew: Bool = false,
        battery: Battery? = nil, abioticDepletion: Double? = nil, primaryEnergy: Double? = nil, source: String = "scenario"
    ) {
        (self.abioticDepletion, self.primaryEnergy) = (abioticDepletion, primaryEnergy)
        (self.manufacturing, self.transport, self.endOfLife) = (manufacturing, transport, endOfLife)
        (self.lifetime, self.mass, self.installedNew, self.battery, self.source) = (lifetime, mass, installedNew, battery, source)
    }

    /// A kind's library default: cited figures, or why there are none.
    public enum Default: Sendable {
        case cited(Embodied)
        case none(String)

        public var value: Embodied? { if case .cited(let e) = self { e } else { nil } }
    }

    /// kg CO2e over a node's whole life.
    public var total: Double { manufacturing + transport + endOfLife }

    /// Replacement batteries over one node's lifetime, for batteries that last `life` seconds.
    public func batteriesPerLife(_ life: Double?) -> Double {
        guard battery != nil, let life, life > 0, life < lifetime else { return 0 }
        return (lifetime / life).rounded(.up) - 1
    }

    /// What the run used, as the scenario gave it.
    public var assumptions: [Assumption] {
        var out = [Assumption("embodied.co2e", total, "kg CO2e per node, cradle to grave", source)]
        if transport != 0 || endOfLife != 0 {
            out += [
                Assumption("embodied.manufacturing", manufacturing, "kg CO2e per node", source),
                Assumption("embodied.transport", transport, "kg CO2e per node", source),
                Assumption("embodied.end_of_life", endOfLife, "kg CO2e per node", source),
            ]
        }
        out.append(Assumption("embodied.lifetime", lifetime / Dimension.yearSeconds, "years", source))
        if let mass { out.append(Assumption("embodied.mass", mass, "kg per node", source)) }
        if let ages = stockAge {
            out.append(Assumption("installed.age_min", ages.lowerBound / Dimension.yearSeconds, "years, the youngest of the stock at the start", "scenario"))
            out.append(Assumption("installed.age_max", ages.upperBound / Dimension.yearSeconds, "years, the oldest of the stock at the start", "scenario"))
        }
        if let a = abioticDepletion { out.append(Assumption("embodied.abiotic_depletion", a, "kg Sb-eq per node", source)) }
        if let p = primaryEnergy { out.append(Assumption("embodied.primary_energy", p / 1e6, "MJ per node", source)) }
        if let battery {
            out.append(Assumption("embodied.battery.co2e", battery.co2e, "kg CO2e per replacement battery", source))
            if let m = battery.mass { out.append(Assumption("embodied.battery.mass", m, "kg per battery", source)) }
        }
        return out
    }
}
