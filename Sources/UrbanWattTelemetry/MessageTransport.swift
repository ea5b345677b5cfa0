/// Where the publisher hands messages: MQTT connections on an event loop (`MQTTClientPool`) in the
/// product, an `InMemoryTransport` in tests. The publisher's flow control only sees this protocol.
public protocol MessageTransport: AnyObject, Sendable {
    /// True while messages can be handed over.
    var isConnected: Bool { get }
    /// True once the transport gave up reconnecting.
    var hasGivenUp: Bool { get }
    /// The largest packet the peer accepts, in bytes (MQTT 5 CONNACK), if it said.
    var maximumPacketSize: Int? { get }
    /// Hands one message over; the outcome is known at once, its acknowledgement comes later
    /// through the `acknowledged` handler.
    func send(_ message: OutgoingMessage, qos: Int32, retain: Bool, expiry: UInt32?) -> SendResult
    /// Installs the handlers the transport calls, from any thread: `acknowledged(reason)` once per
    /// message handed over (≥ 128: refused), `connection(up)` when the connection goes or returns.
    /// Passing nil removes them; the publisher does so before it goes away.
    func setHandlers(acknowledged: (@Sendable (Int32) -> Void)?, connection: (@Sendable (Bool) -> Void)?)
    /// Why messages already handed over can never be sent, found after `send` returned (a transport
    /// that publishes on a thread of its own); nil while all is well.
    var failureReason: String? { get }
}

extension MessageTransport {
    public var failureReason: String? { nil }
}

/// A transport that is a live connection to a broker, opened before the run and closed after it:
/// `MQTTClientPool`, of one connection or many.
public protocol BrokerConnection: MessageTransport {
    /// Connects, retrying with backoff until the reconnect timeout, and waits for the broker's answer.
    func connect() throws(ConnectFailure)
    /// Says goodbye (DISCONNECT, so no last will is published) and stops.
    func disconnect()
    /// Stops without a goodbye (after a failure).
    func stop()
    /// Properties of every telemetry message (MQTT 5); set before publishing starts.
    var telemetryProperties: MessageProperties { get set }
}

/// What became of a message handed to a transport.
public enum SendResult: Sendable, Equatable {
    case accepted
    /// Not connected: keep the message and try again after reconnecting.
    case disconnected
    /// This message can never be sent (too large for the broker, a topic the protocol forbids).
    case rejected(String)
}
