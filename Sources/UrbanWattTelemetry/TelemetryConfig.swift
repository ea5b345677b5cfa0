/// What `run --mqtt` publishes: per node or per fleet, in which format, on which topics.
public struct TelemetryConfig: Sendable {
    public enum Mode: String, Sendable, CaseIterable { case nodes, fleets }

    public var mode: Mode = .nodes
    public var format: PayloadFormat = .json
    public var topic: TopicTemplate
    public var apikey = "urbanwatt"
    /// Share of nodes that publish, chosen by each node's own random stream; 1 for all.
    public var sample: Double = 1
    /// Seconds between two messages of a node that is not a sensor (a sensor publishes per uplink).
    public var interval: Int64 = 900

    public init(topic: TopicTemplate) { self.topic = topic }
}
