/// A data centre: a base IT load (optionally shaped by a profile) and IT energy for what it
/// processes, per byte and per message received (a sensor reading stored, a video frame analysed),
/// times the PUE. PUE and IT efficiency may follow year maps (the Energy Efficiency Act's limits;
/// hardware that does more per joule), so compute can grow with what the city sends while each
/// unit of work gets cheaper.
public struct Datacenter: NodeKind, Equatable {
    public static let name = "datacenter"
    public static let summary = "PUE(year) × it_efficiency(year) × (it_power × profile(t) + per_gb × bytes + per_message × messages received) / step"
    public static let embodied: Embodied.Default = .none("the servers carry theirs on server fleets; the building and its plant are outside the model")
    public static let defaultLayer = Layer.compute
    // PUE = facility energy / IT energy: 1.0 at best; 10 is far beyond any data centre.
    static let pueShape = Parameter.Shape.number(1...10)
    public static let parameters = [
        Parameter("it_power", .quantity(.power), required: true),
        Parameter("profile", .schedule),
        Parameter("pue", .anyOf([pueShape, .yearMap(pueShape)]), what: "a PUE (facility energy / IT energy)"),
        Parameter("per_gb", .quantity(.intensity)),
        Parameter("per_message", .quantity(.energy), what: "IT energy per message processed, such as \"2 J\" (inference on a video frame)"),
        Parameter(
            "it_efficiency", .anyOf([.fraction(maximum: 10), .yearMap(.fraction(maximum: 10))]),
            what: "a factor on the IT energy, base and per unit of work, such as {2025: 100%, 2035: 40%}"),
    ]

    public var itPower: Double
    public var schedule: Schedule
    public var pue: YearMap
    /// IT energy per byte that reaches it, J/B, and per message, J.
    public var perByte: Double
    public var perMessage: Double
    /// The factor on the IT energy, base and per unit of work, in each year (1: as given).
    public var itEfficiency: YearMap

    public init(
        itPower: Double, schedule: Schedule = .constant(1), pue: YearMap = YearMap(1), perByte: Double = 0, perMessage: Double = 0,
        itEfficiency: YearMap = YearMap(1)
    ) {
        self.itPower = itPower
        self.schedule = schedule
        self.pue = pue
        self.perByte = perByte
        self.perMessage = perMessage
        self.itEfficiency = itEfficiency
    }

    public static func make(_ f: KindInput) -> Datacenter? {
        guard let it = f.number("it_power") else { return nil }
        return Datacenter(
            itPower: it, schedule: f.schedule("profile") ?? .constant(1), pue: f.yearMap("pue") ?? YearMap(1), perByte: f.number("per_gb") ?? 0,
            perMessage: f.number("per_message") ?? 0, itEfficiency: f.yearMap("it_efficiency") ?? YearMap(1))
    }

    public func assumptions(given: Set<String>) -> [Assumption] {
        func path(_ key: String, _ m: YearMap, _ unit: String, _ otherwise: String) -> [Assumption] {
            m.isConstant
                ? [Assumption(key, m.points[0].value, unit, Assumption.source(key, given: given, otherwise: otherwise))]
                : m.points.map { Assumption("\(key).\($0.year)", $0.value, unit, "scenario") }
        }
        return [Assumption("it_power", itPower, "W", "scenario")] + path("pue", pue, "", "none (1.0: no overhead)")
            + [Assumption("per_gb", perByte * 1e9 / 3.6e6, "kWh/GB", Assumption.source("per_gb", given: given, otherwise: "none (0)"))]
            + (perMessage > 0 ? [Assumption("per_message", perMessage, "J", "scenario")] : [])
            + (given.contains("it_efficiency") ? path("it_efficiency", itEfficiency, "factor", "scenario") : [])
    }

    public var role: TrafficRole { .ingests }

    /// PUE × IT efficiency at each step: what a joule of IT work costs the facility.
    func facility(on clock: StepClock) -> [Double] {
        let p = pue.series(on: clock), e = itEfficiency.series(on: clock)
        return p.indices.map { p[$0] * e[$0] }
    }

    public func unitPower(_ c: StepperContext) -> [Double] {
        let f = facility(on: c.clock)
        return zip(schedule.series(on: c.clock), f).map { $1 * itPower * $0 }
    }
    public func perByte(on clock: StepClock) -> [Double]? { perByte > 0 ? facility(on: clock).map { $0 * perByte } : nil }
    public func perMessage(on clock: StepClock) -> [Double]? { perMessage > 0 ? facility(on: clock).map { $0 * perMessage } : nil }
}
