import Glibc
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// `MQTTClientPool`'s connections and their channels, on the pool's event loop alone (the pool
/// reaches it through a `NIOLoopBoundBox`, which checks): it opens them in a ramp, hands them the
/// messages of the outbox, keeps them alive, reconnects them after `Backoff` and says goodbye.
final class PoolLoop {
    private let settings: MQTTSettings
    private let connections: [PoolConnection]
    /// Each open connection's place in its channel: writes start there, toward the socket.
    private var contexts: [ChannelHandlerContext?]
    /// The time, s, as of the last tick or attempt: enough for keep-alives, and read once a second
    /// rather than once a write.
    private var coarseNow = 0.0
    private let connectRate: Double?
    private let shared: PoolShared
    private let loop: any EventLoop
    private lazy var events = PoolConnection.Events(
        acknowledged: { [unowned self] reason in acknowledgements.append(reason) },
        connected: { [unowned self] c, reason, limit in connected(c, reason, maximumPacketSize: limit) },
        properties: { [shared] item in shared.properties(item) },
        message: { [unowned self] delivery in listening.message?(delivery) },
        subscribed: { [unowned self] granted in listening.subscribed?(granted) })
    /// The listener's handlers (`MQTTClientPool.setListening`): the loop's own, read without a lock
    /// for each message.
    var listening: (message: (@Sendable (MQTTPacket.Delivery) -> Void)?, subscribed: (@Sendable ([Int32]) -> Void)?) = (nil, nil)

    private var address: SocketAddress?
    /// The TLS context, and the server's name for SNI and the certificate check (nil for an IP
    /// address, for which NIOSSL checks the peer's address).
    private var tls: (context: NIOSSLContext, serverName: String?)?
    private var ready: EventLoopPromise<Void>?
    private var handshaking = 0
    private var opened = 0
    private var rampStart = 0.0
    private var rampScheduled = false
    private var ticking: Scheduled<Void>?
    private var retries: [Int: Scheduled<Void>] = [:]
    private var drained: [PoolShared.Handover] = []
    /// Reason codes of the acknowledgements read, handed to the publisher after each read.
    private var acknowledgements: [Int32] = []
    private var ending = false

    init(settings: MQTTSettings, connections: [PoolConnection], connectRate: Double?, shared: PoolShared, loop: any EventLoop) {
        self.settings = settings
        self.connections = connections
        contexts = Array(repeating: nil, count: connections.count)
        self.connectRate = connectRate
        self.shared = shared
        self.loop = loop
    }

    private static func now() -> Double { Double(NIODeadline.now().uptimeNanoseconds) / 1e9 }

    /// How long a connection may take from its TCP connect to its CONNACK.
    private var handshakeTimeout: Double { min(30, settings.reconnectTimeout) }

    // MARK: Starting and ending

    /// Opens the connections; `ready` succeeds once all are up, fails when one is refused or given up.
    func start(address: SocketAddress, tls: NIOSSLContext?, ready: EventLoopPromise<Void>) {
        self.address = address
        self.ready = ready
        let host = settings.url.host
        self.tls = tls.map { ($0, TLSContext.isIPAddress(host) ? nil : host) }
        rampStart = PoolLoop.now()
        coarseNow = rampStart
        openDue()
        tick()
    }

    /// Cancels what is scheduled; says goodbye (DISCONNECT, so no last will) when asked, waiting
    /// at most 2 s for it to be written; then closes every channel.
    func finish(goodbye: Bool) -> EventLoopFuture<Void> {
        ending = true
        ready?.fail(ChannelError.alreadyClosed)
        ticking?.cancel()
        for task in retries.values { task.cancel() }
        retries.removeAll()
        var written: [EventLoopFuture<Void>] = []
        if goodbye {
            publishOutbox()
            for c in connections {
                c.goodbye()
                if let future = flush(c, promise: true) { written.append(future) }
            }
        }
        let done = loop.makePromise(of: Void.self)
        EventLoopFuture.andAllComplete(written, on: loop).cascade(to: done)
        loop.scheduleTask(in: .seconds(2)) { done.succeed() }
        return done.futureResult.assumeIsolated().flatMap {
            let closed = self.contexts.compactMap { context -> EventLoopFuture<Void>? in
                guard let context else { return nil }
                let promise = self.loop.makePromise(of: Void.self)
                context.close(promise: promise)
                return promise.futureResult
            }
            return EventLoopFuture.andAllComplete(closed, on: self.loop)
        }.nonisolated()
    }

    // MARK: Opening

    /// Starts the connections whose turn has come in the ramp; schedules the next turn.
    private func openDue() {
        rampScheduled = false
        guard !ending else { return }
        let now = PoolLoop.now()
        while opened < connections.count && handshaking < MQTTClientPool.maxHandshakes {
            // Connection k (from 0) opens k / rate seconds after the first.
            if let rate = connectRate, Double(opened) > (now - rampStart) * rate {
                let at = rampStart + Double(opened) / rate
                rampScheduled = true
                loop.assumeIsolated().scheduleTask(in: .interval(max(0, at - now))) { self.openDue() }
                break
            }
            let c = connections[opened]
            opened += 1
            c.downSince = now
            attempt(c)
        }
    }

    private func attempt(_ c: PoolConnection) {
        guard let address, !ending else { return }
        let number = c.begin(now: PoolLoop.now())
        handshaking += 1
        let tls = tls
        let handler = NIOLoopBound(PoolChannelHandler(pool: self, index: c.index, attempt: number), eventLoop: loop)
        ClientBootstrap(group: loop)
            .connectTimeout(.interval(handshakeTimeout))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            // A broker sends acknowledgements of 4 or 5 bytes: small reads, from a buffer reused.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 1024))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverName)) }
                    try channel.pipeline.syncOperations.addHandler(handler.value)
                }
            }
            .connect(to: address).assumeIsolated().whenFailure { error in
                guard c.attempt == number else { return }
                c.fail("connect: \(PoolLoop.describe(error))")
                self.lost(c)
            }
    }

    // MARK: What a channel reports

    /// Channel `k` of attempt `number` is open (TCP, and TLS under way): CONNECT goes out.
    func opened(_ k: Int, attempt number: Int, context: ChannelHandlerContext) {
        let c = connections[k]
        guard c.attempt == number, !ending else {
            context.close(promise: nil)
            return
        }
        contexts[k] = context
        c.opened()
        flush(c)
    }

    /// Bytes read on channel `k`; nil when all is well, else why the channel must close.
    func received(_ k: Int, attempt number: Int, _ bytes: ByteBuffer) -> String? {
        let c = connections[k]
        guard c.attempt == number else { return nil }
        let fine = bytes.withUnsafeReadableBytes { c.receive($0, v5: shared.v5, now: coarseNow, events: events) }
        deliverAcknowledgements()
        if !fine { return c.lastProblem }
        flush(c)
        return nil
    }

    /// Channel `k` closed, for `why`.
    func closed(_ k: Int, attempt number: Int, why: String) {
        let c = connections[k]
        guard c.attempt == number, c.state != .closed else { return }
        c.fail(why)
        // Closed by `finish`: nothing to tell, nothing to reopen.
        if ending {
            c.close()
            contexts[k] = nil
            return
        }
        lost(c)
    }

    /// An error as the person reading the message needs it: the system's words for a socket's
    /// error, and TLS failures saying so.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let e as IOError: String(cString: strerror(e.errnoCode))
        case ChannelError.connectTimeout: "no answer to the TCP connection"
        case is NIOSSLError, is BoringSSLError: "TLS: \(error)"
        default: "\(error)"
        }
    }

    // MARK: Publishing and subscribing

    /// Subscribes the first connection (the listener's only one) to `filters`.
    func subscribe(_ filters: [String], qos: Int32) {
        guard let c = connections.first else { return }
        c.subscribe(filters, qos: qos, v5: shared.v5)
        flush(c)
    }

    /// Queues what `send` handed over on each node's connection, then writes.
    func publishOutbox() {
        shared.outbox.withLock { items in swap(&items, &drained) }
        guard !drained.isEmpty else { return }
        var touched: [PoolConnection] = []
        for h in drained {
            let c = connections[h.connection]
            c.enqueue(h.item, events: events)
            if !c.touched {
                c.touched = true
                touched.append(c)
            }
        }
        drained.removeAll(keepingCapacity: true)
        for c in touched {
            c.touched = false
            flush(c)
        }
    }

    /// Writes what `c` has waiting. QoS 0 messages count acknowledged once the channel took them
    /// below its high-water mark (NIO's 64 KiB), else once the socket did, so that a slow broker
    /// holds the publisher back. With `promise`, returns a future for the write.
    @discardableResult
    private func flush(_ c: PoolConnection, promise: Bool = false) -> EventLoopFuture<Void>? {
        guard let context = contexts[c.index] else { return nil }
        return c.writeOutput(now: coarseNow) { buffer, qos0 -> EventLoopFuture<Void>? in
            if !promise && (qos0 == 0 || context.channel.isWritable) {
                context.writeAndFlush(NIOAny(buffer), promise: nil)
                if qos0 > 0 { acknowledge(qos0) }
                return nil
            }
            let written = loop.makePromise(of: Void.self)
            context.writeAndFlush(NIOAny(buffer), promise: written)
            if qos0 > 0 { written.futureResult.assumeIsolated().whenSuccess { self.acknowledge(qos0) } }
            return written.futureResult
        } ?? nil
    }

    /// `count` QoS 0 messages are on their way.
    private func acknowledge(_ count: Int) {
        acknowledgements.append(contentsOf: repeatElement(0, count: count))
        deliverAcknowledgements()
    }

    /// Hands the acknowledgements gathered to the publisher's handler, fetched once for them all.
    private func deliverAcknowledgements() {
        guard !acknowledgements.isEmpty else { return }
        if let handler = shared.state.withLock({ $0.handlers.acknowledged }) {
            for reason in acknowledgements { handler(reason) }
        }
        acknowledgements.removeAll(keepingCapacity: true)
    }

    // MARK: Keeping alive and reconnecting

    /// Once a second: keep-alive pings, handshakes that take too long.
    private func tick() {
        guard !ending else { return }
        let now = PoolLoop.now()
        coarseNow = now
        for c in connections where c.state != .closed {
            if !c.tick(now: now, handshakeTimeout: handshakeTimeout), let context = contexts[c.index] {
                context.close(promise: nil)
            }
            flush(c)
        }
        ticking = loop.assumeIsolated().scheduleTask(in: .seconds(1)) { self.tick() }
    }

    /// `c` lost its connection (or never made it): reconnect after a backoff, or give up.
    private func lost(_ c: PoolConnection) {
        let wasUp = c.state == .up
        if c.state == .connecting || c.state == .awaitingConnack { handshaking -= 1 }
        c.close()
        contexts[c.index] = nil
        var notify: (@Sendable (Bool) -> Void)?
        if wasUp {
            let before = shared.connectedCount.subtract(1, ordering: .acquiringAndReleasing).oldValue
            if before == connections.count { notify = shared.state.withLock { $0.handlers.connection } }
        }
        let refused = shared.state.withLock { s in
            s.lastError = "\(c.clientID): \(c.lastProblem)"
            return s.refusal != nil
        }
        notify?(false)
        if !rampScheduled { openDue() }
        guard !ending && !refused else { return }
        let now = PoolLoop.now()
        if c.provedUp(now: now) {
            c.downSince = now
            c.backoff.reset()
        } else if c.downSince == nil {
            c.downSince = now
        }
        let wait = c.backoff.next()
        retries[c.index] = loop.assumeIsolated().scheduleTask(in: .interval(wait)) { self.retry(c) }
    }

    private func retry(_ c: PoolConnection) {
        retries[c.index] = nil
        if let since = c.downSince, PoolLoop.now() - since > settings.reconnectTimeout {
            shared.state.withLock { s in
                s.gaveUp = true
                s.lastError = "\(c.clientID): \(c.lastProblem)"
            }
            ready?.fail(PoolShared.NotConnected())
            return
        }
        attempt(c)
    }

    // MARK: Events

    private func connected(_ c: PoolConnection, _ reason: Int32, maximumPacketSize: Int?) {
        // A refused handshake ends in `lost`, which counts it.
        guard reason == 0 else {
            let connecting = ready != nil
            shared.state.withLock { s in
                s.refusal = s.refusal ?? reason
                s.lastError = MQTTReason.text(reason)
                if !connecting && s.rejected == nil { s.rejected = "\(settings.url) refused to reconnect \(c.clientID): \(MQTTReason.text(reason))" }
            }
            ready?.fail(PoolShared.NotConnected())
            return
        }
        handshaking -= 1
        // Every connection carries the run's last will, which the broker published when this one
        // was lost: the run's last status says again that it is alive, or done.
        if c.connections > 1, let status = shared.state.withLock({ $0.lastStatus }) {
            c.enqueue(PoolConnection.Item(message: status, qos: 1, retain: true, expiry: nil, announcement: true), events: events)
        }
        let up = shared.connectedCount.add(1, ordering: .acquiringAndReleasing).newValue
        let notify = shared.state.withLock { s in
            if s.packetLimit == nil { s.packetLimit = maximumPacketSize }
            return s.handlers.connection
        }
        if up == connections.count {
            if let ready {
                ready.succeed()
                self.ready = nil
            } else {
                notify?(true)
            }
        }
        if !rampScheduled { openDue() }
    }
}

extension TimeAmount {
    /// `seconds` as NIO's time amount, to the nanosecond.
    static func interval(_ seconds: Double) -> TimeAmount { .nanoseconds(Int64(seconds * 1e9)) }
}
