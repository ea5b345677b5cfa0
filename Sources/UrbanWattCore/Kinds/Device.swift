/// Any mains device with a rated power, optionally shaped by a profile: `power × profile(t)`.
public struct Device: NodeKind, Equatable {
    public static let name = "device"
    public static let summary = "power × profile(t) if a profile is given, else power"
    public static let embodied: Embodied.Default = .cited(
        Embodied(
            manufacturing: 36.1, lifetime: 5 * Dimension.yearSeconds, abioticDepletion: 4.41e-5, primaryEnergy: 525e6,
            source: "[ADEME-Box] a home network box, as a proxy for a smart-meter gateway (U)"))
    public static let defaultLayer = Layer.sensing
    public static let parameters = [
        Parameter("power", .quantity(.power), required: true),
        Parameter("profile", .schedule),
    ]

    public var power: Double
    public var schedule: Schedule

    public init(power: Double, schedule: Schedule = .constant(1)) {
        self.power = power
        self.schedule = schedule
    }

    public static func make(_ f: KindInput) -> Device? {
        guard let power = f.number("power") else { return nil }
        return Device(power: power, schedule: f.schedule("profile") ?? .constant(1))
    }

    public func assumptions(given: Set<String>) -> [Assumption] { [Assumption("power", power, "W", "scenario")] }

    public func unitPower(_ c: StepperContext) -> [Double] { schedule.series(on: c.clock).map { power * $0 } }
}
