/// A server: `idle + (max − idle) × utilisation`. The utilisation is a schedule, or, with `capacity`,
/// follows the traffic the server receives (a fog tier): received ÷ (nodes × capacity), at most 1,
/// passing `forward` of it on to its own `via`.
public struct Server: NodeKind, Equatable {
    public static let name = "server"
    public static let summary = "idle + (max − idle) × utilisation(t); with capacity, utilisation = received / (nodes × capacity)"
    public static let embodied: Embodied.Default = .cited(
        Embodied(
            manufacturing: 947.7, lifetime: 4 * Dimension.yearSeconds, abioticDepletion: 0.1425, primaryEnergy: 12_580e6,
            source: "[Boavizta] default server archetype, manufacturing only"))
    public static let defaultLayer = Layer.compute
    public static let parameters = [
        Parameter("idle", .quantity(.power), required: true),
        Parameter("max", .quantity(.power), required: true),
        Parameter("utilisation", .schedule, what: "a fraction, a profile name or {profile, scale}"),
        Parameter("capacity", .quantity(.dataRate, positive: true), what: "the traffic one node handles at full load, such as \"10 kB/s\""),
        Parameter("forward", .fraction(), what: "the share of the traffic received that goes on to `via`, such as 20%"),
    ]

    public var idle: Double
    public var max: Double
    /// Utilisation over time; ignored when `capacity` is given.
    public var utilisation: Schedule
    /// Bytes per second one node handles at full load; nil when utilisation is a schedule.
    public var capacity: Double?
    /// Share of the received traffic passed on to `via`.
    public var forward: Double

    public init(idle: Double, max: Double, utilisation: Schedule = .constant(0), capacity: Double? = nil, forward: Double = 1) {
        self.idle = idle
        self.max = max
        self.utilisation = utilisation
        self.capacity = capacity
        self.forward = forward
    }

    public static func make(_ f: KindInput) -> Server? {
        guard let idle = f.number("idle"), let max = f.number("max") else { return nil }
        if max < idle { f.error("max", "expected `max` of at least `idle` (\(idle) W), got \(max) W"); return nil }
        let capacity = f.number("capacity")
        switch (f["utilisation"] != nil, capacity != nil) {
        case (true, true): f.error("capacity", "give either `utilisation` or `capacity` (utilisation then follows the traffic received)"); return nil
        case (false, false):
            f.error("utilisation", "missing; expected a fraction, a profile name or {profile, scale}, or a `capacity` such as \"10 kB/s\""); return nil
        default: break
        }
        if f["forward"] != nil && capacity == nil {
            f.error("forward", "`forward` needs `capacity`: only a server that receives traffic passes it on"); return nil
        }
        guard let u = f.schedule("utilisation") ?? (capacity != nil ? .constant(0) : nil) else { return nil }
        return Server(idle: idle, max: max, utilisation: u, capacity: capacity, forward: f.number("forward") ?? 1)
    }

    public func assumptions(given: Set<String>) -> [Assumption] {
        [Assumption("idle", idle, "W", "scenario"), Assumption("max", self.max, "W", "scenario")]
            + (capacity.map {
                [
                    Assumption("capacity", $0, "B/s", "scenario"),
                    Assumption("forward", forward, "fraction", Assumption.source("forward", given: given, otherwise: "all (100 %)")),
                ]
            } ?? [])
    }

    public var role: TrafficRole { capacity == nil ? [] : .forwards }
    public var forwardShare: Double { forward }
    public var isShardable: Bool { capacity == nil }

    public func unitPower(_ c: StepperContext) -> [Double] {
        utilisation.series(on: c.clock).map { power(utilisation: $0) }
    }

    public func power(utilisation u: Double) -> Double { idle + (max - idle) * u }

    public func stepper(_ c: StepperContext) -> any FleetStepper {
        guard let capacity else { return unitPowerStepper(c) }
        return ReceivedLoadStepper(base: .constant(0), capacity: capacity, population: c.population) { [self] in power(utilisation: $0) }
    }
}
