/// A message ready to publish, in one allocation: the topic, a NUL, then the payload (the layout
/// libmosquitto took; the pool's codec writes topic and payload from it without a copy).
public struct OutgoingMessage: Sendable {
    public var bytes: [UInt8]
    /// Bytes of the topic, without its NUL.
    public var topicLength: Int
    /// A status message (JSON, whatever the telemetry's format), not telemetry.
    public var isStatus = false
    /// Which connection carries it under `--clients N` (this mod N): the same for all of a node's
    /// messages, so they stay in order.
    public var route: UInt32 = 0

    public init(bytes: [UInt8], topicLength: Int) {
        self.bytes = bytes
        self.topicLength = topicLength
    }

    /// A message from a topic and a text payload (status messages, tests).
    public init(topic: String, payload: String, isStatus: Bool = false) {
        bytes = Array(topic.utf8) + [0] + Array(payload.utf8)
        topicLength = topic.utf8.count
        self.isStatus = isStatus
    }

    public var topic: String { String(decoding: bytes[..<topicLength], as: UTF8.self) }
    /// The topic shortened for a message to a person.
    var shortTopic: String { topicLength > 100 ? String(topic.prefix(60)) + "…" + String(topic.suffix(30)) : topic }
    public var payload: [UInt8] { Array(bytes[(topicLength + 1)...]) }
    public var payloadText: String { String(decoding: bytes[(topicLength + 1)...], as: UTF8.self) }
}
