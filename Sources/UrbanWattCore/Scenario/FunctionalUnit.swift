/// What a fleet's service is counted in, for its Software Carbon Intensity (`functional_unit:`,
/// after ISO/IEC 21031:2024): per node-hour in service (a light-point-hour) or per message sent.
public struct FunctionalUnit: Sendable, Equatable {
    public enum Per: String, Sendable, CaseIterable {
        case nodeHour = "node-hour"
        case message
    }

    public var name: String
    public var per: Per

    public init(name: String, per: Per) { (self.name, self.per) = (name, per) }
}
