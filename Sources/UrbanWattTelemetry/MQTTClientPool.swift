import Foundation
import Glibc
import Synchronization

/// `--clients N`: the nodes spread over N MQTT connections, as a city of devices would connect,
/// each with its own client id (`{id}-{k}`), session and last will, all driven by one thread over
/// non-blocking sockets (epoll), not a thread per connection.
///
/// - A node always publishes over the same connection (`OutgoingMessage.route` mod N), so its
///   messages stay in order; status messages go over the first.
/// - Connections open at most `connectRate` a second, with at most `maxHandshakes` waiting for
///   their CONNACK at a time, so a burst does not overflow the broker's listen backlog.
/// - A connection that drops reconnects with backoff (0.5 s to 30 s, with jitter); while any is
///   down the publisher waits, and at QoS ≥ 1 what was not acknowledged is sent again. One that
///   stays away for `reconnectTimeout` ends the run (`hasGivenUp`).
///
/// It speaks MQTT itself (`MQTTPacket`, `PoolConnection`): a connection is one open file, where
/// libmosquitto takes three, so 10,000 clients fit in the usual 20,000-file limit. Plain TCP only:
/// `mqtts://` takes one connection (`MQTTClient`).
///
/// Threads: the connections belong to the loop thread. `send` hands messages over through
/// `outbox` and rings the poller when the outbox was empty.
///
/// `@unchecked Sendable`: `outbox`, `connectedCount` and the encoded properties are a Mutex, an
/// Atomic and a Mutex; `condition` guards what the caller's thread waits for; the connections and
/// the loop's own state are the loop thread's alone; `telemetryProperties` is set before `connect`.
package final class MQTTClientPool: BrokerConnection, @unchecked Sendable {
    package let settings: MQTTSettings
    package let count: Int
    /// Connections opened per second at most (nil: as fast as handshakes complete).
    package let connectRate: Double?
    static let maxHandshakes = 64
    /// Open files a connection takes.
    static let filesPerClient = 1

    private struct Handover {
        var connection: Int
        var item: PoolConnection.Item
    }

    private let connections: [PoolConnection]
    private let poller: Poller
    private let outbox = Mutex<[Handover]>([])
    private let connectedCount = Atomic<Int>(0)
    /// MQTT 5 properties encoded, for status messages (`true`) and telemetry, with their expiry:
    /// the same bytes size the packet in `send` and go out on the loop thread.
    private let encodedProperties = Mutex<[Bool: (expiry: UInt32?, bytes: [UInt8], stamped: Bool)]>([:])
    private let v5: Bool

    // Guarded by `condition`: what the caller's thread waits for.
    private let condition = NSCondition()
    private var allConnectedOnce = false
    private var refusal: Int32?
    private var gaveUp = false
    private var rejected: String?
    private var lastError = ""
    private var stopping = false
    private var sayingGoodbye = false
    private var loopRunning = false
    private var packetLimit: Int?
    private var handlers: (acknowledged: (@Sendable (Int32) -> Void)?, connection: (@Sendable (Bool) -> Void)?) = (nil, nil)

    // The loop thread's own state.
    private var address: SocketAddress?
    private var handshaking = 0
    private var opened = 0
    private var rampStart = 0.0
    private var retrying: [Int] = []
    private var drained: [Handover] = []
    /// The last retained status message sent, published again on a connection that reconnects.
    private var lastStatus: OutgoingMessage?
    private var events: PoolConnection.Events!

    package nonisolated(unsafe) var telemetryProperties = MessageProperties() {
        didSet { encodedProperties.withLock { $0.removeAll() } }
    }

    package init(_ settings: MQTTSettings, clients: Int, connectRate: Double? = nil) throws(MosquittoError) {
        self.settings = settings
        count = max(1, clients)
        self.connectRate = connectRate
        v5 = settings.version == .v5
        poller = try Poller()
        let will = settings.will.map { MQTTPacket.Will(topic: $0.topic, payload: Array($0.payload.utf8), qos: $0.qos, retain: $0.retain) }
        connections = (0..<count).map { k in
            let id = MQTTClientPool.clientID(settings.clientID, k)
            let connect = MQTTPacket.connect(
                clientID: id, v5: settings.version == .v5, keepAlive: Int(settings.keepAlive),
                sessionExpiry: settings.persistentSession ? 3600 : nil, will: will,
                username: settings.url.username, password: settings.url.username == nil ? nil : settings.password)
            return PoolConnection(index: k, clientID: id, connectPacket: connect)
        }
        events = PoolConnection.Events(
            acknowledged: { [unowned self] reason in acknowledged(reason) },
            connected: { [unowned self] c, reason, limit in connected(c, reason, maximumPacketSize: limit) })
        for c in connections {
            c.keepAlive = Double(settings.keepAlive)
            c.encodeProperties = { [unowned self] item in
                guard let encoded = encoded(status: item.message.isStatus, expiry: item.expiry) else { return nil }
                guard encoded.stamped else { return encoded.bytes }
                // `sent_at` is the last property, its 13 digits the bytes' last: stamped as it goes out.
                var bytes = encoded.bytes
                let stamp = MessageProperties.stamp(Date().timeIntervalSince1970).utf8
                bytes.replaceSubrange(bytes.count - stamp.count..<bytes.count, with: stamp)
                return bytes
            }
        }
    }

    deinit { stop() }

    /// Connection k's client id: the pool's id with the connection's number, `{id}-{k}`, k from 1.
    package static func clientID(_ base: String, _ k: Int) -> String { "\(base)-\(k + 1)" }

    // MARK: The caller's side

    package var isConnected: Bool { connectedCount.load(ordering: .acquiring) == count }

    package var hasGivenUp: Bool { locked { gaveUp } }

    package var maximumPacketSize: Int? { locked { packetLimit } }

    package var failureReason: String? { locked { rejected } }

    package func setHandlers(acknowledged: (@Sendable (Int32) -> Void)?, connection: (@Sendable (Bool) -> Void)?) {
        locked { handlers = (acknowledged, connection) }
    }

    /// Opens every connection (ramped) and waits until all are connected; throws when the broker
    /// refuses one, or they are not all up within the reconnect timeout plus the ramp.
    package func connect() throws(ConnectFailure) {
        if settings.url.tls { throw .unavailable("--clients speaks plain MQTT; for \(settings.url) use one connection (--clients 1)") }
        try MQTTClientPool.makeRoomForFiles(clients: count)
        address = try SocketAddress.resolve(settings.url.host, port: settings.url.port)
        let ramp = connectRate.map { Double(count) / $0 } ?? 0
        let deadline = Date().addingTimeInterval(settings.reconnectTimeout + ramp)
        locked { loopRunning = true }
        let thread = Thread { [self] in
            loop()
            locked {
                loopRunning = false
                condition.broadcast()
            }
        }
        thread.name = "mqtt-clients"
        thread.start()
        condition.lock()
        while !allConnectedOnce && refusal == nil && !gaveUp && Date() < deadline { _ = condition.wait(until: deadline) }
        let (done, code, why) = (allConnectedOnce, refusal, lastError)
        condition.unlock()
        let up = connectedCount.load(ordering: .acquiring)
        if done { return }
        stop()
        if let code {
            let message = "\(settings.url) refused a connection: \(MQTTReason.text(code))"
            if MQTTReason.isAuthRefusal(code) { throw .refused(message + " (check the user name and URBANWATT_MQTT_PASSWORD / --password-file)") }
            throw .unavailable(message)
        }
        throw .unavailable(
            "only \(up) of \(count) clients connected to \(settings.url) within \(Int((settings.reconnectTimeout + ramp).rounded(.up))) s"
                + (why.isEmpty ? "" : ": \(why)"))
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
        if let why = failureReason { return .rejected(why) }
        if let limit = maximumPacketSize, message.packetSize(qos: qos, properties: properties(status: message.isStatus, expiry: expiry)) > limit {
            return .rejected(
                "a message of \(message.bytes.count) bytes on \(message.shortTopic) is larger than the broker's maximum packet size (\(limit) bytes)")
        }
        // At QoS 0 a message for a connection that is down would be lost: keep it.
        if qos == 0 && !isConnected { return .disconnected }
        if message.isStatus && retain { locked { lastStatus = message } }
        let k = message.isStatus ? 0 : Int(message.route % UInt32(count))
        let ring = outbox.withLock { items in
            items.append(Handover(connection: k, item: PoolConnection.Item(message: message, qos: qos, retain: retain, expiry: expiry)))
            return items.count == 1
        }
        if ring { poller.wake() }
        return .accepted
    }

    /// Sends DISCONNECT on every connection (so the broker publishes no last will) and stops.
    package func disconnect() {
        locked { sayingGoodbye = true }
        poller.wake()
        waitForLoop()
    }

    /// Stops the loop without a goodbye and waits until it has ended.
    package func stop() {
        locked { stopping = true }
        poller.wake()
        waitForLoop()
    }

    private func waitForLoop() {
        condition.lock()
        while loopRunning { condition.wait() }
        condition.unlock()
    }

    private func locked<T>(_ body: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }

    // MARK: The loop thread

    private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    private func loop() {
        rampStart = MQTTClientPool.now()
        var lastTick = rampStart
        var goodbyeDeadline: Double?
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let (stop, goodbye) = locked { (stopping, sayingGoodbye) }
            if stop { break }
            let now = MQTTClientPool.now()
            if goodbye {
                if goodbyeDeadline == nil {
                    goodbyeDeadline = now + 2
                    publishOutbox(now: now)
                    retrying.removeAll()
                    for c in connections {
                        c.goodbye()
                        flush(c, now: now)
                    }
                }
                if connections.allSatisfy(\.goodbyeWritten) || now > goodbyeDeadline! { break }
            } else {
                openDue(now)
                retryDue(now)
            }
            let busy = opened < count || !retrying.isEmpty || goodbye
            for e in poller.wait(milliseconds: busy ? 20 : 1000) where e.token > 0 {
                let c = connections[Int(e.token - 1)]
                let now = MQTTClientPool.now()
                if e.readable && c.fd >= 0 && !c.readable(v5: v5, now: now, buffer: buffer, events: events) { lost(c, now: now) }
                if e.writable && c.fd >= 0 && !c.writable(now: now, events: events) { lost(c, now: now) }
                watch(c)
            }
            publishOutbox(now: MQTTClientPool.now())
            let later = MQTTClientPool.now()
            if later - lastTick >= 1 {
                for c in connections where c.fd >= 0 {
                    if !c.tick(now: later, handshakeTimeout: min(30, settings.reconnectTimeout)) { lost(c, now: later) }
                    flush(c, now: later)
                }
                lastTick = later
            }
        }
        for c in connections where c.fd >= 0 {
            poller.remove(c.fd)
            c.close()
        }
    }

    /// Writes what `c` has waiting, and follows its socket.
    private func flush(_ c: PoolConnection, now: Double) {
        if c.fd >= 0 && !c.flush(now: now, events: events) { lost(c, now: now) }
        watch(c)
    }

    /// Starts the connections whose turn has come in the ramp.
    private func openDue(_ now: Double) {
        while opened < count && handshaking < MQTTClientPool.maxHandshakes {
            // Connection k (from 0) opens k / rate seconds after the first.
            if let rate = connectRate, Double(opened) > (now - rampStart) * rate { break }
            let c = connections[opened]
            opened += 1
            c.downSince = now
            attempt(c, now: now)
        }
    }

    /// Reconnects the connections whose backoff has passed; gives up on one away too long.
    private func retryDue(_ now: Double) {
        guard !retrying.isEmpty else { return }
        var waiting: [Int] = []
        for k in retrying {
            let c = connections[k]
            guard let at = c.retryAt, at <= now else {
                waiting.append(k)
                continue
            }
            if let since = c.downSince, now - since > settings.reconnectTimeout {
                locked {
                    gaveUp = true
                    lastError = "\(c.clientID): \(c.lastProblem)"
                    condition.broadcast()
                }
                continue
            }
            c.retryAt = nil
            attempt(c, now: now)
            if c.retryAt != nil { waiting.append(k) }
        }
        retrying = waiting
    }

    private func attempt(_ c: PoolConnection, now: Double) {
        if let address, c.open(address, now: now) {
            handshaking += 1
            watch(c)
        } else {
            locked { lastError = c.lastProblem }
            scheduleRetry(c, now: now)
        }
    }

    private func scheduleRetry(_ c: PoolConnection, now: Double) {
        if c.retryAt == nil { retrying.append(c.index) }
        c.retryAt = now + c.backoff.next()
    }

    /// Keeps the poller's view of `c`'s socket in step with it after every read, write or close
    /// (so a closed socket's number is forgotten before another connection can be given it).
    private func watch(_ c: PoolConnection) {
        let fd = c.fd
        let write = fd >= 0 && c.wantsWrite
        if fd != c.watchedFD {
            if c.watchedFD >= 0 { poller.remove(c.watchedFD) }
            if fd >= 0 { poller.add(fd, token: UInt64(c.index + 1), write: write) }
            c.watchedFD = fd
            c.watchingWrite = write
        } else if fd >= 0 && write != c.watchingWrite {
            poller.modify(fd, token: UInt64(c.index + 1), write: write)
            c.watchingWrite = write
        }
    }

    /// Queues what `send` handed over on each node's connection, then writes.
    private func publishOutbox(now: Double) {
        outbox.withLock { items in swap(&items, &drained) }
        guard !drained.isEmpty else { return }
        var touched: [PoolConnection] = []
        for h in drained {
            let c = connections[h.connection]
            c.enqueue(h.item)
            if !c.touched {
                c.touched = true
                touched.append(c)
            }
        }
        drained.removeAll(keepingCapacity: true)
        for c in touched {
            c.touched = false
            flush(c, now: now)
        }
    }

    /// A message's MQTT 5 properties, encoded once per kind (status or telemetry) and expiry.
    private func properties(status: Bool, expiry: UInt32?) -> [UInt8]? { encoded(status: status, expiry: expiry)?.bytes }

    /// The properties encoded once, and whether their last bytes are a `sent_at` to stamp: decided
    /// from the very properties encoded, so a later change of `telemetryProperties` cannot make a
    /// stamp overwrite another property.
    private func encoded(status: Bool, expiry: UInt32?) -> (bytes: [UInt8], stamped: Bool)? {
        guard v5 else { return nil }
        return encodedProperties.withLock { cache in
            if let cached = cache[status], cached.expiry == expiry { return (cached.bytes, cached.stamped) }
            let p = status ? MessageProperties(contentType: "application/json") : telemetryProperties
            let bytes = MQTTPacket.publishProperties(p, expiry: expiry)
            let stamped = !status && p.user.last?.key == MessageProperties.sentAt && p.user.last?.value.utf8.count == 13
            cache[status] = (expiry, bytes, stamped)
            return (bytes, stamped)
        }
    }

    // MARK: Events, on the loop thread

    private func connected(_ c: PoolConnection, _ reason: Int32, maximumPacketSize: Int?) {
        // A refused handshake ends in `lost`, which counts it.
        guard reason == 0 else {
            locked {
                refusal = refusal ?? reason
                lastError = MQTTReason.text(reason)
                if allConnectedOnce && rejected == nil { rejected = "\(settings.url) refused to reconnect \(c.clientID): \(MQTTReason.text(reason))" }
                condition.broadcast()
            }
            return
        }
        handshaking -= 1
        c.backoff.reset()
        c.downSince = nil
        // Every connection carries the run's last will, which the broker published when this one
        // was lost: the run's last status says again that it is alive, or done.
        if c.connections > 1, let status = locked({ lastStatus }) {
            c.enqueue(PoolConnection.Item(message: status, qos: 1, retain: true, expiry: nil, announcement: true))
        }
        let up = connectedCount.add(1, ordering: .acquiringAndReleasing).newValue
        var notify: (@Sendable (Bool) -> Void)?
        locked {
            if packetLimit == nil { packetLimit = maximumPacketSize }
            if up == count {
                if allConnectedOnce { notify = handlers.connection }
                allConnectedOnce = true
            }
            condition.broadcast()
        }
        notify?(true)
    }

    /// `c` lost its connection (or never made it): close, and reconnect after a backoff.
    private func lost(_ c: PoolConnection, now: Double) {
        let wasUp = c.state == .up
        if c.state == .connecting || c.state == .awaitingConnack { handshaking -= 1 }
        c.close()
        watch(c)
        var notify: (@Sendable (Bool) -> Void)?
        if wasUp {
            let before = connectedCount.subtract(1, ordering: .acquiringAndReleasing).oldValue
            if before == count { notify = locked { handlers.connection } }
        }
        let (ending, refused) = locked {
            lastError = "\(c.clientID): \(c.lastProblem)"
            return (stopping || sayingGoodbye, refusal != nil)
        }
        notify?(false)
        guard !ending && !refused else { return }
        if c.downSince == nil { c.downSince = now }
        scheduleRetry(c, now: now)
    }

    private func acknowledged(_ reason: Int32) {
        let handler = locked { handlers.acknowledged }
        handler?(reason)
    }
}
