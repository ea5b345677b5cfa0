/// A cellular base station after the EARTH power model (Auer et al., "How much energy is needed to run
/// a wireless network?", IEEE Wireless Communications 18(5), 2011):
/// `P = N_trx (P0 + Δp · P_max · load)` for load > 0, `N_trx · P_sleep` at zero load.
///
/// A base station receives the traffic of the fleets whose `via` names it and passes it on to its
/// own `via`; with `capacity`, that traffic adds to its `load`: received ÷ (nodes × capacity), the
/// sum at most 1.
public struct BaseStation: NodeKind, Equatable {
    public static let name = "base-station"
    public static let summary = "EARTH: N_trx (P0 + Δp P_max load), N_trx P_sleep at zero load"
    public static let embodied: Embodied.Default = .cited(
        Embodied(
            manufacturing: 1000, lifetime: 10 * Dimension.yearSeconds,
            source: "[UCLouvain-BS] production of a 4G/5G base station, the lowest of six configurations; lifetime (U)"))
    public static let defaultLayer = Layer.network
    /// Each key but `preset` overrides the preset's figure (macro by default).
    public static let parameters = [
        Parameter("preset", .choice(Preset.allCases.map(\.rawValue)), what: "an EARTH preset"),
        Parameter("trx", .quantity(.count, maximum: 1000, positive: true, whole: true)),
        Parameter("p_max", .quantity(.power)),
        Parameter("p0", .quantity(.power)),
        Parameter("slope", .quantity(.count, maximum: 1000)),
        Parameter("sleep", .quantity(.power)),
        Parameter("load", .schedule),
        Parameter("capacity", .quantity(.dataRate, positive: true), what: "the traffic one base station carries at full load, such as \"150 Mbit/s\""),
    ]

    public var transceivers: Double
    /// Maximum RF output power per transceiver, W.
    public var maxPower: Double
    /// Power at minimum non-zero load per transceiver, W.
    public var p0: Double
    /// Δp, the slope of load-dependent power.
    public var slope: Double
    /// Sleep power per transceiver, W.
    public var sleep: Double
    public var load: Schedule
    /// Bytes per second one base station carries at full load; nil when the traffic received adds no load.
    public var capacity: Double?

    public init(transceivers: Double, maxPower: Double, p0: Double, slope: Double, sleep: Double, load: Schedule, capacity: Double? = nil) {
        self.transceivers = transceivers
        self.maxPower = maxPower
        self.p0 = p0
        self.slope = slope
        self.sleep = sleep
        self.load = load
        self.capacity = capacity
    }

    /// The EARTH presets of Auer et al. 2011, Table 2: (N_trx, P_max, P0, Δp, P_sleep).
    public enum Preset: String, CaseIterable, Sendable {
        case macro, micro, pico, femto

        public var parameters: (trx: Double, pMax: Double, p0: Double, slope: Double, sleep: Double) {
            switch self {
            case .macro: (6, 20, 130, 4.7, 75)
            case .micro: (2, 6.3, 56, 2.6, 39)
            case .pico: (2, 0.13, 6.8, 4.0, 4.3)
            case .femto: (2, 0.05, 4.8, 8.0, 2.9)
            }
        }

        public static let source = "EARTH model [Auer2011], table 2"
    }

    public init(preset: Preset, load: Schedule) {
        let p = preset.parameters
        self.init(transceivers: p.trx, maxPower: p.pMax, p0: p.p0, slope: p.slope, sleep: p.sleep, load: load)
    }

    /// Power at a load in [0, 1], W.
    public func power(load: Double) -> Double {
        load > 0 ? transceivers * (p0 + slope * maxPower * load) : transceivers * sleep
    }

    public static func make(_ f: KindInput) -> BaseStation? {
        let d = (f.text("preset").flatMap(Preset.init(rawValue:)) ?? .macro).parameters
        // `mobile-traffic` is in `BuiltinProfiles`' table, so the lookup cannot miss.
        let load = f.schedule("load") ?? .profile(name: "mobile-traffic", BuiltinProfiles.named("mobile-traffic")!, scale: 1)
        return BaseStation(
            transceivers: f.number("trx") ?? d.trx, maxPower: f.number("p_max") ?? d.pMax, p0: f.number("p0") ?? d.p0,
            slope: f.number("slope") ?? d.slope, sleep: f.number("sleep") ?? d.sleep, load: load, capacity: f.number("capacity"))
    }

    public func assumptions(given: Set<String>) -> [Assumption] {
        let preset = "[Auer2011] table 2"
        return [
            Assumption("trx", transceivers, "", Assumption.source("trx", given: given, otherwise: preset)),
            Assumption("p_max", maxPower, "W", Assumption.source("p_max", given: given, otherwise: preset)),
            Assumption("p0", p0, "W", Assumption.source("p0", given: given, otherwise: preset)),
            Assumption("slope", slope, "", Assumption.source("slope", given: given, otherwise: preset)),
            Assumption("sleep", sleep, "W", Assumption.source("sleep", given: given, otherwise: preset)),
        ] + (capacity.map { [Assumption("capacity", $0 * 8, "bit/s", "scenario")] } ?? [])
    }

    public var role: TrafficRole { .forwards }
    public var isShardable: Bool { capacity == nil }

    public func unitPower(_ c: StepperContext) -> [Double] { load.series(on: c.clock).map { power(load: $0) } }

    public func stepper(_ c: StepperContext) -> any FleetStepper {
        guard let capacity else { return unitPowerStepper(c) }
        return ReceivedLoadStepper(base: load, capacity: capacity, population: c.population) { [self] in power(load: $0) }
    }
}
