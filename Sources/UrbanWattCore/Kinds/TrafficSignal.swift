/// Traffic signals: `heads × lamp + controller`.
public struct TrafficSignal: NodeKind, Equatable {
    public static let name = "traffic-signal"
    public static let summary = "heads × lamp + controller"
    public static let embodied: Embodied.Default = .cited(
        Embodied(
            manufacturing: 800, lifetime: 15 * Dimension.yearSeconds, mass: 300,
            source: "(U): a junction's signal heads, poles and controller; no citable LCA at hand"))
    public static let defaultLayer = Layer.mobility
    public static let parameters = [
        Parameter("heads", .quantity(.count, maximum: 1000, whole: true), required: true, what: "a number of signal heads"),
        Parameter("lamp", .quantity(.power), required: true),
        Parameter("controller", .quantity(.power)),
    ]

    public var heads: Double
    public var lamp: Double
    public var controller: Double

    public init(heads: Double, lamp: Double, controller: Double) {
        self.heads = heads
        self.lamp = lamp
        self.controller = controller
    }

    public static func make(_ f: KindInput) -> TrafficSignal? {
        guard let heads = f.number("heads"), let lamp = f.number("lamp") else { return nil }
        return TrafficSignal(heads: heads, lamp: lamp, controller: f.number("controller") ?? 0)
    }

    public func assumptions(given: Set<String>) -> [Assumption] {
        [
            Assumption("heads", heads, "", "scenario"), Assumption("lamp", lamp, "W", "scenario"),
            Assumption("controller", controller, "W", Assumption.source("controller", given: given, otherwise: "none (0 W)")),
        ]
    }

    public var power: Double { heads * lamp + controller }
    /// The controller is ICT; the heads are the load it serves.
    public var ictPower: Double? { controller }
    public func unitPower(_ c: StepperContext) -> [Double] { Array(repeating: power, count: c.clock.count) }
}
