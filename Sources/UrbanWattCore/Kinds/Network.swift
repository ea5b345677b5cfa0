/// An access network by its power model (Malmodin et al. 2020; Mytton, Lundén & Malmodin 2024): a
/// network draws mostly baseload power whatever it carries, so each node attached to it by `via`
/// gets a share of that baseload (`per_node`), and the bytes it carries add a marginal energy
/// (`per_byte`). A `link`'s kWh/GB, by contrast, allocates a network's whole energy to the bytes.
/// A network is a fleet of one; its energy is linear in what is attached and carried, so shards add up.
public struct Network: NodeKind, Equatable {
    public static let name = "network"
    public static let summary = "nodes attached by via × per_node + carried bytes × per_byte (power model)"
    public static let embodied: Embodied.Default = .none("the network's equipment is shared: its share is in per_node, not on a fleet")
    public static let defaultLayer = Layer.network
    public static let replaceable = false
    public static let isSingleNode = true
    public static let parameters = [
        Parameter("access", .choice(Access.allCases.map(\.rawValue)), what: "cellular or fixed"),
        Parameter("per_node", .quantity(.power), what: "the baseload share per attached node, such as \"1.2 W\""),
        Parameter("per_byte", .quantity(.intensity), what: "the marginal energy per byte, such as \"3.4 Wh/GB\""),
    ]

    /// The Carbon Trust's coefficients (2021) after Malmodin et al. (2020): per connection, a
    /// baseload and an energy per Mbit/s (1.53 W per Mbit/s is 1.53 J per Mbit, 3.4 Wh/GB).
    public enum Access: String, CaseIterable, Sendable {
        case cellular, fixed

        var perNode: Double { self == .cellular ? 1.2 : 9.55 }
        /// J/B: W per Mbit/s × 8 bit/B / 1e6.
        var perByte: Double { (self == .cellular ? 1.53 : 0.03) * 8 / 1e6 }
    }

    public var access: Access
    /// W per attached node, and J per byte carried.
    public var perNode: Double
    public var perByteCarried: Double

    public init(access: Access, perNode: Double? = nil, perByte: Double? = nil) {
        self.access = access
        self.perNode = perNode ?? access.perNode
        self.perByteCarried = perByte ?? access.perByte
    }

    public static func make(_ f: KindInput) -> Network? {
        let access = f.text("access").flatMap(Access.init(rawValue:)) ?? .cellular
        return Network(access: access, perNode: f.number("per_node"), perByte: f.number("per_byte"))
    }

    public func assumptions(given: Set<String>) -> [Assumption] {
        let preset = "[CarbonTrust2021] after [Malmodin2020], \(access.rawValue) access"
        return [
            Assumption("per_node", perNode, "W per attached node", Assumption.source("per_node", given: given, otherwise: preset)),
            Assumption("per_byte", perByteCarried * 1e9 / 3600, "Wh/GB", Assumption.source("per_byte", given: given, otherwise: preset)),
        ]
    }

    public var role: TrafficRole { [.forwards, .carries] }
    public func perByte(on clock: StepClock) -> [Double]? { Array(repeating: perByteCarried, count: clock.count) }
    public func perAttachedNode(on clock: StepClock) -> [Double]? { Array(repeating: perNode, count: clock.count) }
}
