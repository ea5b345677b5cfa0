import Glibc

/// One connection of `MQTTClientPool`: a non-blocking TCP socket, the bytes waiting to be written
/// and those read, and the MQTT session: messages sent at QoS ≥ 1 and not yet acknowledged (sent
/// again, marked duplicate, after a reconnect) and those held back by the broker's receive maximum.
/// Used by the pool's loop thread only; it reports to the pool through `events`.
final class PoolConnection {
    enum State { case closed, connecting, awaitingConnack, up }

    struct Item {
        var message: OutgoingMessage
        var qos: Int32
        var retain: Bool
        var expiry: UInt32?
        /// QoS 2: PUBREC received, PUBREL sent; only PUBCOMP is awaited.
        var released = false
        /// The run's status sent again after a reconnection: its acknowledgement is the pool's own.
        var announcement = false
    }

    /// What the pool hears from a connection.
    struct Events {
        var acknowledged: (Int32) -> Void
        var connected: (PoolConnection, _ reason: Int32, _ maximumPacketSize: Int?) -> Void
    }

    let index: Int
    let clientID: String
    /// This connection's CONNECT: its id, keep-alive, session, last will and credentials.
    let connectPacket: [UInt8]
    private(set) var state = State.closed
    /// CONNACKs accepted so far: the first, then each reconnection.
    private(set) var connections = 0
    private(set) var fd: Int32 = -1
    // The pool's bookkeeping: the poller's view, the outbox pass, reconnect backoff.
    var watchedFD: Int32 = -1
    var watchingWrite = false
    var touched = false
    var retryAt: Double?
    var backoff = Backoff()
    var downSince: Double?

    private var output: [UInt8] = []
    private var written = 0
    private var input: [UInt8] = []
    /// QoS 0 messages in `output`: written (and so acknowledged) when `output` empties.
    private var unwrittenQoS0 = 0
    private var inflight: [UInt16: Item] = [:]
    /// Packet ids in the order sent, for sending again in order; pruned as acknowledgements arrive.
    private var sentOrder: [UInt16] = []
    private var waiting: [Item] = []
    private var waitingHead = 0
    private var nextID: UInt16 = 0
    private var receiveMaximum = 65_535
    private var lastWrite = 0.0
    private var pingSentAt: Double?
    private var openedAt = 0.0
    var keepAlive = 30.0
    /// Why the connection was last lost, for the person reading the error.
    private(set) var lastProblem = ""

    init(index: Int, clientID: String, connectPacket: [UInt8]) {
        self.index = index
        self.clientID = clientID
        self.connectPacket = connectPacket
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    var wantsWrite: Bool { state == .connecting || written < output.count }

    /// Messages handed over and not yet acknowledged (QoS ≥ 1) or held back.
    var unacknowledged: Int { inflight.count + waiting.count - waitingHead }

    // MARK: Opening and closing

    /// Starts a non-blocking TCP connect to `address`; false (with `lastProblem`) when it failed at once.
    func open(_ address: SocketAddress, now: Double) -> Bool {
        close()
        let s = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { return fail("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        _ = setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        fd = s
        state = .connecting
        openedAt = now
        let rc = withUnsafeBytes(of: address.storage) { raw in
            connect(s, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), address.length)
        }
        if rc != 0 && errno != EINPROGRESS {
            let why = String(cString: strerror(errno))
            close()
            return fail("connect: \(why)")
        }
        return true
    }

    private func fail(_ why: String) -> Bool {
        lastProblem = why
        return false
    }

    /// Closes the socket. Unwritten QoS 0 messages are lost; QoS ≥ 1 ones stay for the next connection.
    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        state = .closed
        output.removeAll(keepingCapacity: false)
        written = 0
        input.removeAll(keepingCapacity: false)
        unwrittenQoS0 = 0
        pingSentAt = nil
    }

    // MARK: Readiness

    /// The socket can be written: finishes the TCP connect (then sends CONNECT) or writes what waits.
    /// False when the connection is lost.
    func writable(now: Double, events: Events) -> Bool {
        if state == .connecting {
            if let error = socketError { return fail("connect: \(error)") }
            state = .awaitingConnack
            output += connectPacket
        }
        return flush(now: now, events: events)
    }

    /// The pending error of the socket (a refused or failed connect), if any.
    private var socketError: String? {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        return error == 0 ? nil : String(cString: strerror(error))
    }

    /// Writes what it can without blocking; acknowledges QoS 0 messages once all is written.
    func flush(now: Double, events: Events) -> Bool {
        guard fd >= 0, state != .connecting else { return true }
        while written < output.count {
            let n = output.withUnsafeBytes { raw in Glibc.send(fd, raw.baseAddress! + written, raw.count - written, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                written += n
                lastWrite = now
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                break
            } else {
                return fail("send: \(String(cString: strerror(errno)))")
            }
        }
        if written == output.count {
            output.removeAll(keepingCapacity: true)
            written = 0
            let k = unwrittenQoS0
            unwrittenQoS0 = 0
            for _ in 0..<k { events.acknowledged(0) }
        } else if written > 1 << 16 && written * 2 > output.count {
            output.removeFirst(written)
            written = 0
        }
        return true
    }

    /// The socket has data (or an error): reads and handles every whole packet. False when lost.
    func readable(v5: Bool, now: Double, buffer: UnsafeMutableRawBufferPointer, events: Events) -> Bool {
        guard fd >= 0 else { return true }
        // Still connecting: an error ends the attempt, anything else waits for writability.
        if state == .connecting { return socketError.map { fail("connect: \($0)") } ?? true }
        while true {
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n > 0 {
                input.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                if n < buffer.count { break }
            } else if n == 0 {
                return fail("the broker closed the connection")
            } else if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                break
            } else {
                return fail("recv: \(String(cString: strerror(errno)))")
            }
        }
        var used = 0
        defer { if used > 0 { input.removeFirst(used) } }
        while used < input.count {
            let packet: (MQTTPacket.Incoming, Int)?
            do {
                packet = try input.withUnsafeBufferPointer { b throws(MQTTPacketError) in try MQTTPacket.read(UnsafeBufferPointer(rebasing: b[used...]), v5: v5)
                }
            } catch {
                return fail(error.description)
            }
            guard let (incoming, length) = packet else { break }
            used += length
            if !handle(incoming, v5: v5, now: now, events: events) { return false }
        }
        return flush(now: now, events: events)
    }

    private func handle(_ incoming: MQTTPacket.Incoming, v5: Bool, now: Double, events: Events) -> Bool {
        switch incoming {
        case .connack(let reason, let limit, let receive, let serverKeepAlive):
            if reason == 0 { connections += 1 }
            events.connected(self, reason, limit)
            guard reason == 0 else { return fail("refused: \(MQTTReason.text(reason))") }
            state = .up
            receiveMaximum = receive ?? 65_535
            if let serverKeepAlive { keepAlive = Double(serverKeepAlive) }
            resend()
        case .puback(let id, let reason), .pubcomp(let id, let reason):
            guard let item = inflight.removeValue(forKey: id) else { break }
            if !item.announcement { events.acknowledged(reason) }
            release()
        case .pubrec(let id, let reason):
            guard let item = inflight[id] else { break }
            if reason >= 128 {
                inflight.removeValue(forKey: id)
                if !item.announcement { events.acknowledged(reason) }
                release()
            } else {
                inflight[id]!.released = true // `item` was just read from inflight[id]
                MQTTPacket.pubrel(id: id, into: &output)
            }
        case .pingresp:
            pingSentAt = nil
        case .disconnect(let reason):
            return fail("the broker disconnected: \(MQTTReason.text(reason))")
        case .other:
            break
        }
        return true
    }

    // MARK: Publishing

    /// Queues a message; it is written on the next flush. A QoS 0 message while not connected is lost.
    func enqueue(_ item: Item) {
        if item.qos == 0 {
            guard state == .up else { return }
            MQTTPacket.publish(item.message, qos: 0, retain: item.retain, duplicate: false, id: 0, properties: encodeProperties(item), into: &output)
            unwrittenQoS0 += 1
        } else if state == .up && inflight.count < receiveMaximum && waitingHead == waiting.count {
            send(item, duplicate: false)
        } else {
            waiting.append(item)
        }
    }

    /// A message's MQTT 5 properties, encoded (set by the pool; nil under 3.1.1).
    var encodeProperties: (Item) -> [UInt8]? = { _ in nil }

    private func send(_ item: Item, duplicate: Bool) {
        nextID = nextID == UInt16.max ? 1 : nextID + 1
        while inflight[nextID] != nil { nextID = nextID == UInt16.max ? 1 : nextID + 1 }
        inflight[nextID] = item
        sentOrder.append(nextID)
        if sentOrder.count > 2 * inflight.count + 1024 { sentOrder.removeAll { inflight[$0] == nil } }
        MQTTPacket.publish(
            item.message, qos: item.qos, retain: item.retain, duplicate: duplicate, id: nextID, properties: encodeProperties(item), into: &output)
    }

    /// Sends held-back messages while the receive maximum allows.
    private func release() {
        while state == .up && waitingHead < waiting.count && inflight.count < receiveMaximum {
            let item = waiting[waitingHead]
            waitingHead += 1
            send(item, duplicate: false)
        }
        if waitingHead == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            waitingHead = 0
        }
    }

    /// After a CONNACK: everything unacknowledged again, in the order first sent, marked duplicate
    /// (a PUBREL for QoS 2 messages already received), then what was held back.
    private func resend() {
        let ids = sentOrder.filter { inflight[$0] != nil }
        sentOrder = ids
        for id in ids {
            let item = inflight[id]! // `ids` keeps only ids in inflight
            if item.released {
                MQTTPacket.pubrel(id: id, into: &output)
            } else {
                MQTTPacket.publish(item.message, qos: item.qos, retain: item.retain, duplicate: true, id: id, properties: encodeProperties(item), into: &output)
            }
        }
        release()
    }

    /// Keep-alive: PINGREQ after `keepAlive` without writing; lost when its answer does not come
    /// within another `keepAlive`, or the handshake takes longer than `handshakeTimeout`.
    func tick(now: Double, handshakeTimeout: Double) -> Bool {
        switch state {
        case .closed: return true
        case .connecting, .awaitingConnack:
            return now - openedAt < handshakeTimeout || fail("no CONNACK within \(Int(handshakeTimeout)) s")
        case .up:
            if let sent = pingSentAt, now - sent > keepAlive { return fail("no answer to a keep-alive ping within \(Int(keepAlive)) s") }
            if pingSentAt == nil && keepAlive > 0 && now - lastWrite >= keepAlive {
                output += MQTTPacket.pingreq
                pingSentAt = now
            }
            return true
        }
    }

    /// Queues DISCONNECT (normal, so the broker does not publish the last will).
    func goodbye() {
        guard state == .up else { return close() }
        output += MQTTPacket.disconnect
    }

    var goodbyeWritten: Bool { fd < 0 || written == output.count }
}

/// A resolved broker address, for `connect`.
struct SocketAddress {
    var family: Int32
    var storage: sockaddr_storage
    var length: socklen_t

    /// The first address of `host` at `port` (getaddrinfo).
    static func resolve(_ host: String, port: Int) throws(ConnectFailure) -> SocketAddress {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else { throw .unavailable("cannot resolve \(host): \(String(cString: gai_strerror(rc)))") }
        defer { freeaddrinfo(list) }
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(first.pointee.ai_addrlen)))
        }
        return SocketAddress(family: first.pointee.ai_family, storage: storage, length: first.pointee.ai_addrlen)
    }
}
