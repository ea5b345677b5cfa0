/// The five layers every breakdown uses.
public enum Layer: String, CaseIterable, Sendable, Codable {
    case sensing, network, compute, lighting, mobility

    /// The layers whose energy is the ICT overhead of a smart city.
    public var isICT: Bool { self == .sensing || self == .network || self == .compute }
}

/// The kinds of fleet UrbanWatt models, each with its default layer.
public enum FleetKind: String, CaseIterable, Sendable, Codable {
    case device, sensor, gateway
    case baseStation = "base-station"
    case link, server, datacenter, streetlight
    case trafficSignal = "traffic-signal"
    case evCharger = "ev-charger"

    public var defaultLayer: Layer {
        switch self {
        case .device, .sensor: .sensing
        case .gateway, .baseStation, .link: .network
        case .server, .datacenter: .compute
        case .streetlight: .lighting
        case .trafficSignal, .evCharger: .mobility
        }
    }

    /// Whether a fleet of this kind may receive traffic through another fleet's `via:`.
    public var receivesTraffic: Bool { self == .gateway || self == .link || self == .datacenter }

    /// One line on what the kind draws, for `urbanwatt list`.
    public var summary: String {
        switch self {
        case .device: "power × profile(t) if a profile is given, else power"
        case .sensor: "sleep + energy of the uplinks sent in the step / step length"
        case .gateway: "power (constant); forwards traffic to its via"
        case .baseStation: "EARTH: N_trx (P0 + Δp P_max load), N_trx P_sleep at zero load"
        case .link: "carried bytes × intensity(year), intensity halving every `halving` years"
        case .server: "idle + (max − idle) × utilisation(t)"
        case .datacenter: "PUE × (it_power × profile(t) + per_gb × ingested bytes / step)"
        case .streetlight: "power × dimming level while the sun is down, plus controller"
        case .trafficSignal: "heads × lamp + controller"
        case .evCharger: "power while a session charges, else standby; Poisson sessions per day"
        }
    }
}
