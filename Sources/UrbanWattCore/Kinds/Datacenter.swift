/// A data centre: IT load (optionally shaped by a profile), PUE, and IT energy per byte ingested.
public struct Datacenter: NodeKind, Equatable {
    public static let name = "datacenter"
    public static let summary = "PUE × (it_power × profile(t) + per_gb × ingested bytes / step)"
    public static let embodied: Embodied.Default = .none("the servers carry theirs on server fleets; the building and its plant are outside the model")
    public static let defaultLayer = Layer.compute
    public static let parameters = [
        Parameter("it_power", .quantity(.power), required: true),
        Parameter("profile", .schedule),
        // PUE = facility energy / IT energy: 1.0 at best; 10 is far beyond any data centre.
        Parameter("pue", .number(1...10), what: "a PUE (facility energy / IT energy)"),
        Parameter("per_gb", .quantity(.intensity)),
    ]

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

    public static func make(_ f: KindInput) -> Datacenter? {
        guard let it = f.number("it_power") else { return nil }
        return Datacenter(itPower: it, schedule: f.schedule("profile") ?? .constant(1), pue: f.number("pue") ?? 1, perByte: f.number("per_gb") ?? 0)
    }

    public func assumptions(given: Set<String>) -> [Assumption] {
        [Assumption("it_power", itPower, "W", "scenario"),
         Assumption("pue", pue, "", Assumption.source("pue", given: given, otherwise: "none (1.0: no overhead)")),
         Assumption("per_gb", perByte * 1e9 / 3.6e6, "kWh/GB", Assumption.source("per_gb", given: given, otherwise: "none (0)"))]
    }

    public var role: TrafficRole { .ingests }
    public func unitPower(_ c: StepperContext) -> [Double] { schedule.series(on: c.clock).map { pue * itPower * $0 } }
    public func perByte(on clock: StepClock) -> [Double]? {
        perByte > 0 ? Array(repeating: pue * perByte, count: clock.count) : nil
    }
}
