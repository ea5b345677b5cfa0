import Foundation
import Glibc
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Publishing over `--clients N` MQTT connections (N ≥ 1), as a city of devices would connect,
/// each with its own client id (`{id}-{k}`; one connection keeps `{id}`), session and last will,
/// all on one SwiftNIO event loop, not a thread per connection; `mqtts://` through NIOSSL. The
/// listener is a pool of one connection that subscribes (`subscribe`, `setListening`).
///
/// - A node always publishes over the same connection (`OutgoingMessage.route` mod N), so its
///   messages stay in order; status messages go over the first.
/// - Connections open at most `connectRate` a second, with at most `maxHandshakes` waiting for
///   their CONNACK at a time, so a burst does not overflow the broker's listen backlog.
/// - A connection that drops reconnects after `Backoff`; while any is down the publisher waits,
///   and at QoS ≥ 1 what was not acknowledged is sent again. One that stays away for the
///   reconnect timeout ends the run (`hasGivenUp`).
///
/// It speaks MQTT itself (`MQTTPacket`, `PoolConnection`): a connection is one open file (a
/// libmosquitto client took three), so 10,000 clients fit in the usual 20,000-file limit.
///
/// Concurrency (the design note "Concurrency" in the catalogue): the connections are `PoolLoop`'s,
/// on the event loop alone. The caller's threads hand messages over through `PoolShared.outbox`,
/// read what the loop reports from `PoolShared`, and wait on the loop's futures.
package final class MQTTClientPool: BrokerConnection, Sendable {
    package let settings: MQTTSettings
    package let count: Int
    /// Connections opened per second at most (nil: as fast as handshakes complete).
    package let connectRate: Double?
    static let maxHandshakes = 64
    /// Open files a connection takes.
    static let filesPerClient = 1

    private let group: MultiThreadedEventLoopGroup
    private let shared: PoolShared
    private let core: NIOLoopBoundBox<PoolLoop>
    private var loop: any EventLoop { core.eventLoop }

    /// `incomingLimit`: the largest packet read (the listener's is larger than a publisher's).
    package init(_ settings: MQTTSettings, clients: Int, connectRate: Double? = nil, incomingLimit: Int = MQTTPacket.maxIncoming) {
        self.settings = settings
        count = max(1, clients)
        self.connectRate = connectRate
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let shared = PoolShared(v5: settings.version == .v5)
        self.shared = shared
        let will = settings.will.map { MQTTPacket.Will(topic: $0.topic, payload: Array($0.payload.utf8), qos: $0.qos, retain: $0.retain) }
        let connections = (0..<count).map { [count] k in
            let id = count == 1 ? settings.clientID : MQTTClientPool.clientID(settings.clientID, k)
            let connect = MQTTPacket.connect(
                clientID: id, v5: settings.version == .v5, keepAlive: Int(settings.keepAlive),
                sessionExpiry: settings.persistentSession ? 3600 : nil, will: will,
                username: settings.url.username, password: settings.url.username == nil ? nil : settings.password,
                maximumPacketSize: incomingLimit == MQTTPacket.maxIncoming ? nil : UInt32(incomingLimit))
            return PoolConnection(
                index: k, clientID: id, connectPacket: connect, keepAlive: Double(settings.keepAlive), keepsSession: settings.persistentSession,
                incomingLimit: incomingLimit)
        }
        // Handed to the loop, which owns it from here on.
        core = .makeBoxSendingValue(
            PoolLoop(settings: settings, connections: connections, connectRate: connectRate, shared: shared, loop: loop), eventLoop: loop)
    }

    deinit { stop() }

    /// Connection k's client id: the pool's id with the connection's number, `{id}-{k}`, k from 1.
    package static func clientID(_ base: String, _ k: Int) -> String { "\(base)-\(k + 1)" }

    // MARK: The caller's side

    package var isConnected: Bool { shared.connectedCount.load(ordering: .acquiring) == count }

    package var hasGivenUp: Bool { shared.state.withLock { $0.gaveUp } }

    package var maximumPacketSize: Int? { shared.state.withLock { $0.packetLimit } }

    package var failureReason: String? { shared.state.withLock { $0.rejected } }

    package var telemetryProperties: MessageProperties {
        get { shared.state.withLock { $0.telemetryProperties } }
        set { shared.setTelemetryProperties(newValue) }
    }

    package func setHandlers(acknowledged: (@Sendable (Int32) -> Void)?, connection: (@Sendable (Bool) -> Void)?) {
        shared.state.withLock { $0.handlers = (acknowledged, connection) }
    }

    /// The listener's handlers, called on the loop: each message received (once each at QoS 2),
    /// and the QoS granted to each filter of a subscription. Set before `connect`: the loop takes
    /// them in order with everything else handed to it.
    func setListening(message: (@Sendable (MQTTPacket.Delivery) -> Void)?, subscribed: (@Sendable ([Int32]) -> Void)?) {
        let core = core
        loop.execute { core.value.listening = (message, subscribed) }
    }

    /// Subscribes to `filters` at `qos` (the first connection; the broker answers through
    /// `setListening`'s `subscribed`).
    func subscribe(_ filters: [String], qos: Int32) {
        let core = core
        loop.execute { core.value.subscribe(filters, qos: qos) }
    }

    /// Opens every connection (ramped) and waits until all are connected; throws when the broker
    /// refuses one, or they are not all up within the reconnect timeout plus the ramp.
    package func connect() throws(ConnectFailure) {
        try MQTTClientPool.makeRoomForFiles(clients: count)
        let address: SocketAddress
        do {
            address = try SocketAddress.makeAddressResolvingHost(settings.url.host, port: settings.url.port)
        } catch {
            throw .unavailable("cannot resolve \(settings.url.host): \(error)")
        }
        let tls = try settings.url.tls ? TLSContext.make(settings) : nil
        let ramp = connectRate.map { Double(count) / $0 } ?? 0
        let ready = loop.makePromise(of: Void.self)
        let core = core
        loop.execute { core.value.start(address: address, tls: tls, ready: ready) }
        let limit = settings.reconnectTimeout + ramp
        let timeout = loop.scheduleTask(in: .interval(limit)) { ready.fail(PoolShared.NotConnected()) }
        let outcome = Result { try ready.futureResult.wait() }
        timeout.cancel()
        if case .success = outcome { return }
        let (code, why) = shared.state.withLock { ($0.refusal, $0.lastError) }
        let up = shared.connectedCount.load(ordering: .acquiring)
        stop()
        if let code {
            let message = "\(settings.url) refused a connection: \(MQTTReason.text(code))"
            if MQTTReason.isAuthRefusal(code) { throw .refused(message + " (check the user name and URBANWATT_MQTT_PASSWORD / --password-file)") }
            throw .unavailable(message)
        }
        let within = "within \(Int(limit.rounded(.up))) s" + (why.isEmpty ? "" : ": \(why)")
        throw .unavailable(
            count == 1 ? "cannot reach the broker at \(settings.url) \(within)" : "only \(up) of \(count) clients connected to \(settings.url) \(within)")
    }

    /// Raises this process's soft limit on open files as far as needed and allowed; throws when
    /// `clients` connections cannot fit.
    static func makeRoomForFiles(clients: Int) throws(ConnectFailure) {
        let needed = rlim_t(clients * filesPerClient + 64)
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        if limit.rlim_cur >= needed { return }
        var raised = limit
        raised.rlim_cur = min(limit.rlim_max, needed)
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        if limit.rlim_cur < needed {
            throw .unavailable(
                "--clients \(clients) needs about \(needed) open files; this process may open \(limit.rlim_cur): "
                    + "raise the limit (ulimit -n \(needed)) or use fewer clients")
        }
    }

    package func send(_ message: OutgoingMessage, qos: Int32, retain: Bool, expiry: UInt32?) -> SendResult {
        let (rejected, packetLimit) = shared.state.withLock { ($0.rejected, $0.packetLimit) }
        if let rejected { return .rejected(rejected) }
        // The broker's limit (MQTT 5), else the protocol's own.
        let limit = packetLimit ?? MQTTPacket.largestPacket
        if message.packetSize(qos: qos, properties: shared.encoded(status: message.isStatus, expiry: expiry)?.bytes) > limit {
            return .rejected(
                "a message of \(message.bytes.count) bytes on \(message.shortTopic) is larger than \(packetLimit == nil ? "MQTT's" : "the broker's") "
                    + "maximum packet size (\(limit) bytes)")
        }
        // At QoS 0 a message for a connection that is down would be lost: keep it.
        if qos == 0 && !isConnected { return .disconnected }
        if message.isStatus && retain { shared.state.withLock { $0.lastStatus = message } }
        let k = message.isStatus ? 0 : Int(message.route % UInt32(count))
        let item = PoolConnection.Item(message: message, qos: qos, retain: retain, expiry: expiry)
        let ring = shared.outbox.withLock { items in
            items.append(PoolShared.Handover(connection: k, item: item))
            return items.count == 1
        }
        if ring {
            let core = core
            loop.execute { core.value.publishOutbox() }
        }
        return .accepted
    }

    /// Sends DISCONNECT on every connection (so the broker publishes no last will) and stops.
    package func disconnect() { end(goodbye: true) }

    /// Stops without a goodbye and waits until the loop has ended.
    package func stop() { end(goodbye: false) }

    private func end(goodbye: Bool) {
        let first = shared.state.withLock { s in
            defer { s.ending = true }
            return !s.ending
        }
        guard first else { return }
        let core = core
        _ = try? loop.flatSubmit { core.value.finish(goodbye: goodbye) }.wait()
        try? group.syncShutdownGracefully()
    }
}

/// What the caller's threads and the pool's loop share, each part under its own lock.
final class PoolShared: Sendable {
    struct Handover {
        var connection: Int
        var item: PoolConnection.Item
    }

    struct State {
        var refusal: Int32?
        var gaveUp = false
        /// Set once the pool cannot go on (a reconnection refused): every later `send` is refused.
        var rejected: String?
        var lastError = ""
        /// `disconnect` or `stop` was called: connections that close are not reopened.
        var ending = false
        var packetLimit: Int?
        var handlers: (acknowledged: (@Sendable (Int32) -> Void)?, connection: (@Sendable (Bool) -> Void)?) = (nil, nil)
        /// The last retained status message sent, published again on a connection that reconnects.
        var lastStatus: OutgoingMessage?
        var telemetryProperties = MessageProperties()
    }

    /// `connect` ended without every connection up: refused, given up or out of time. Why is in
    /// `State`.
    struct NotConnected: Error {}

    let v5: Bool
    let state = Mutex(State())
    let outbox = Mutex<[Handover]>([])
    let connectedCount = Atomic<Int>(0)
    /// MQTT 5 properties encoded, for status messages (`true`) and telemetry, with their expiry:
    /// the same bytes size the packet in `send` and go out on the loop.
    private let cache = Mutex<[Bool: (expiry: UInt32?, bytes: [UInt8], stamped: Bool)]>([:])

    init(v5: Bool) { self.v5 = v5 }

    func setTelemetryProperties(_ p: MessageProperties) {
        state.withLock { $0.telemetryProperties = p }
        cache.withLock { $0.removeAll() }
    }

    /// The properties encoded once, and whether their last bytes are a `sent_at` to stamp: decided
    /// from the very properties encoded, so a later change of `telemetryProperties` cannot make a
    /// stamp overwrite another property.
    func encoded(status: Bool, expiry: UInt32?) -> (bytes: [UInt8], stamped: Bool)? {
        guard v5 else { return nil }
        if let cached = cache.withLock({ $0[status] }), cached.expiry == expiry { return (cached.bytes, cached.stamped) }
        let p = status ? MessageProperties(contentType: "application/json") : state.withLock { $0.telemetryProperties }
        let bytes = MQTTPacket.publishProperties(p, expiry: expiry)
        let stamped = !status && p.user.last?.key == MessageProperties.sentAt && p.user.last?.value.utf8.count == MessageProperties.stampWidth
        cache.withLock { $0[status] = (expiry, bytes, stamped) }
        return (bytes, stamped)
    }

    /// An item's properties as they go out, and where they carry a `sent_at` (the last property,
    /// its 13 digits the bytes' last), the time to stamp it with: now.
    func properties(_ item: PoolConnection.Item) -> (bytes: [UInt8], sentAt: Double?)? {
        guard let encoded = encoded(status: item.message.isStatus, expiry: item.expiry) else { return nil }
        return (encoded.bytes, encoded.stamped ? Date().timeIntervalSince1970 : nil)
    }
}
