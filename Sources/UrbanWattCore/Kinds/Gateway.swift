/// A gateway (LoRaWAN, NB-IoT relay, router): constant power, passing on all it receives to its `via`.
public struct Gateway: NodeKind, Equatable {
    public static let name = "gateway"
    public static let summary = "power (constant); forwards traffic to its via"
    public static let embodied: Embodied.Default = .cited(
        Embodied(
            manufacturing: 21.6, transport: 0.9, endOfLife: 0.9, lifetime: 4 * Dimension.yearSeconds, mass: 0.34,
            source: "[Google-Wifi2020] a Wi-Fi router, as a proxy for a gateway (U)"))
    public static let defaultLayer = Layer.network
    public static let parameters = [Parameter("power", .quantity(.power), required: true)]

    public var power: Double

    public init(power: Double) { self.power = power }

    public static func make(_ f: KindInput) -> Gateway? { f.number("power").map(Gateway.init) }

    public func assumptions(given: Set<String>) -> [Assumption] { [Assumption("power", power, "W", "scenario")] }

    public var role: TrafficRole { .forwards }
    public func unitPower(_ c: StepperContext) -> [Double] { Array(repeating: power, count: c.clock.count) }
}
