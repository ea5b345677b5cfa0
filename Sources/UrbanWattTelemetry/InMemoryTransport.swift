import Foundation

/// A transport that keeps what it is sent, in the spirit of swift-nio's `EmbeddedChannel`: tests
/// drive acknowledgements, outages and refusals by hand and read back every message, so flow
/// control, drops, pauses and status ordering are tested without a broker and without sleeping.
///
/// `@unchecked Sendable`: `lock` guards every mutable field.
public final class InMemoryTransport: MessageTransport, @unchecked Sendable {
    /// How the transport answers a message it accepted.
    public enum Acknowledgement: Sendable {
        /// At once, inside `send` (a broker that keeps up).
        case immediate
        /// Only when the test calls `acknowledge(_:)` (a slow or frozen broker).
        case manual
    }

    // Guarded by `lock`: every field below.
    private let lock = NSLock()
    private var connected = true
    private var gaveUp = false
    private var pendingAcks = 0
    private var acknowledgedHandler: (@Sendable (Int32) -> Void)?
    private var connectionHandler: (@Sendable (Bool) -> Void)?
    private var sentMessages: [OutgoingMessage] = []
    private var mode: Acknowledgement
    private var packetLimit: Int?
    private var refusalCode: Int32 = 0
    private var times: [Double] = []
    private let clock: (any TelemetryClock)?

    /// With a `clock`, the time of every accepted message is kept in `sentAt`.
    public init(acknowledgement: Acknowledgement = .immediate, maximumPacketSize: Int? = nil, clock: (any TelemetryClock)? = nil) {
        mode = acknowledgement
        packetLimit = maximumPacketSize
        self.clock = clock
    }

    /// Every message accepted so far, in order.
    public var sent: [OutgoingMessage] { locked { sentMessages } }
    /// When each message in `sent` was accepted, on the clock given at init.
    public var sentAt: [Double] { locked { times } }
    /// Messages accepted and not yet acknowledged.
    public var unacknowledged: Int { locked { pendingAcks } }

    public var isConnected: Bool { locked { connected } }
    public var hasGivenUp: Bool { locked { gaveUp } }
    public var maximumPacketSize: Int? { locked { packetLimit } }

    public func send(_ message: OutgoingMessage, qos: Int32, retain: Bool, expiry: UInt32?) -> SendResult {
        lock.lock()
        guard connected else { lock.unlock(); return .disconnected }
        if let packetLimit, message.bytes.count + 5 > packetLimit {
            lock.unlock()
            return .rejected("a message of \(message.bytes.count) bytes is larger than the broker's maximum packet size (\(packetLimit) bytes)")
        }
        sentMessages.append(message)
        if let clock { times.append(clock.now()) }
        let ackNow = mode == .immediate
        if !ackNow { pendingAcks += 1 }
        let handler = acknowledgedHandler, code = refusalCode
        lock.unlock()
        if ackNow { handler?(code) }
        return .accepted
    }

    public func setHandlers(acknowledged: (@Sendable (Int32) -> Void)?, connection: (@Sendable (Bool) -> Void)?) {
        locked {
            acknowledgedHandler = acknowledged
            connectionHandler = connection
        }
    }

    /// Acknowledges up to `count` waiting messages (all when nil), in order.
    public func acknowledge(_ count: Int? = nil) {
        let (n, handler, code) = locked { () -> (Int, (@Sendable (Int32) -> Void)?, Int32) in
            let n = min(count ?? pendingAcks, pendingAcks)
            pendingAcks -= n
            return (n, acknowledgedHandler, refusalCode)
        }
        for _ in 0..<n { handler?(code) }
    }

    /// Switches between acknowledging at once and by hand.
    public func setAcknowledgement(_ a: Acknowledgement) { locked { mode = a } }

    /// From now on every acknowledgement carries `reason` (≥ 128 is a refusal, as an ACL denial).
    public func refuse(with reason: Int32) { locked { refusalCode = reason } }

    /// Drops or restores the connection. At QoS 0 unacknowledged messages are lost with it.
    public func setConnected(_ up: Bool) {
        let handler = locked { () -> (@Sendable (Bool) -> Void)? in
            connected = up
            return connectionHandler
        }
        handler?(up)
    }

    /// The transport gives up reconnecting, as the pool does after the reconnect timeout.
    public func giveUp() {
        locked {
            connected = false
            gaveUp = true
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
