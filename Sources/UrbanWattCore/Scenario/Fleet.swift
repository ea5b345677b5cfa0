import Foundation

/// A group of nodes of one kind that share their parameters.
public struct Fleet: Sendable {
    public var name: String
    public var kind: FleetKind
    public var layer: Layer
    public var district: String
    /// Number of nodes over time; node `i` exists at t when `i < floor(count(t))`.
    public var count: YearMap
    public var efficiency: Efficiency?
    /// Half-width of each node's fixed power factor, uniform in [1 − jitter, 1 + jitter]; 0 for none.
    public var jitter: Double
    /// The fleet that receives this fleet's traffic.
    public var via: String?
    public var model: FleetModel
    /// The equipment this fleet replaces, with the same count and schedule (`replaces:`).
    public var replaces: FleetModel?

    public init(
        name: String, kind: FleetKind? = nil, layer: Layer? = nil, district: String = "city", count: YearMap = YearMap(1),
        efficiency: Efficiency? = nil, jitter: Double = 0, via: String? = nil, model: FleetModel,
        replaces: FleetModel? = nil
    ) {
        let kind = kind ?? model.kind
        self.name = name
        self.kind = kind
        self.layer = layer ?? kind.defaultLayer
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

    /// The most nodes the fleet ever has.
    public var maximumNodes: Int { Int(count.maximum.rounded(.down)) }
}

/// The power model of a fleet's nodes, with its parameters in canonical units.
public enum FleetModel: Sendable, Equatable {
    case device(power: Double, schedule: Schedule)
    case sensor(Sensor)
    case gateway(power: Double)
    case baseStation(BaseStation)
    case link(LinkIntensity)
    case server(idle: Double, max: Double, utilisation: Schedule)
    case datacenter(Datacenter)
    case streetlight(Streetlight)
    case trafficSignal(TrafficSignal)
    case evCharger(EVCharger)

    public var kind: FleetKind {
        switch self {
        case .device: .device
        case .sensor: .sensor
        case .gateway: .gateway
        case .baseStation: .baseStation
        case .link: .link
        case .server: .server
        case .datacenter: .datacenter
        case .streetlight: .streetlight
        case .trafficSignal: .trafficSignal
        case .evCharger: .evCharger
        }
    }
}

/// A data centre: IT load (optionally shaped by a profile), PUE, and IT energy per byte ingested.
public struct Datacenter: Sendable, Equatable {
    public var itPower: Double
    public var schedule: Schedule
    public var pue: Double
    /// IT energy per byte that reaches it, J/B.
    public var perByte: Double

    public init(itPower: Double, schedule: Schedule = .constant(1), pue: Double = 1, perByte: Double = 0) {
        self.itPower = itPower
        self.schedule = schedule
        self.pue = pue
        self.perByte = perByte
    }
}

/// A network link's energy intensity, `value · 0.5^((Y − year) / halving)` in calendar year Y.
public struct LinkIntensity: Sendable, Equatable {
    /// J/B in `year`.
    public var value: Double
    public var year: Int
    /// Halving time in years; nil or 0 for a constant intensity.
    public var halving: Double?

    public init(value: Double, year: Int, halving: Double? = nil) {
        self.value = value
        self.year = year
        self.halving = halving
    }

    /// J/B in calendar year `y`.
    public func intensity(year y: Int) -> Double {
        guard let h = halving, h > 0 else { return value }
        return value * pow(0.5, Double(y - year) / h)
    }
}
