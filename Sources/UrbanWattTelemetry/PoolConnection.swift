import NIOCore

/// The MQTT session of one connection of `MQTTClientPool`, without I/O: the bytes to write and
/// those read, messages sent at QoS ≥ 1 and not yet acknowledged (sent again, marked duplicate,
/// after a reconnect) and those held back by the broker's receive maximum; for the listener, its
/// subscriptions and the messages it receives, acknowledged at their QoS. The pool's channel
/// handler feeds it what the socket read and writes what it produced. Used on the pool's event
/// loop only; it reports to the pool through `events`.
final class PoolConnection {
    /// `connecting`: TCP (and TLS) under way; `awaitingConnack`: CONNECT written.
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

    /// What the pool hears from a connection. A class: handed along with each message and each
    /// read, it costs one reference, not one per closure.
    final class Events {
        var acknowledged: (Int32) -> Void
        var connected: (PoolConnection, _ reason: Int32, _ maximumPacketSize: Int?) -> Void
        /// A message's MQTT 5 properties as they go out, and the time to stamp as their `sent_at`
        /// (nil under 3.1.1).
        var properties: (Item) -> (bytes: [UInt8], sentAt: Double?)?
        /// A message received (the listener's), once each.
        var message: (MQTTPacket.Delivery) -> Void
        /// A SUBACK: the QoS granted to each filter.
        var subscribed: ([Int32]) -> Void

        init(
            acknowledged: @escaping (Int32) -> Void, connected: @escaping (PoolConnection, Int32, Int?) -> Void,
            properties: @escaping (Item) -> (bytes: [UInt8], sentAt: Double?)?, message: @escaping (MQTTPacket.Delivery) -> Void = { _ in },
            subscribed: @escaping ([Int32]) -> Void = { _ in }
        ) {
            self.acknowledged = acknowledged
            self.connected = connected
            self.properties = properties
            self.message = message
            self.subscribed = subscribed
        }
    }

    let index: Int
    let clientID: String
    /// This connection's CONNECT: its id, keep-alive, session, last will and credentials.
    let connectPacket: [UInt8]
    private(set) var state = State.closed
    /// CONNACKs accepted so far: the first, then each reconnection.
    private(set) var connections = 0
    /// Attempts to connect so far: a channel's events name theirs, so a late one is ignored.
    private(set) var attempt = 0
    // The pool's bookkeeping: the outbox pass, reconnect backoff.
    var touched = false
    var backoff = Backoff()
    var downSince: Double?
    /// When the last CONNACK came, and whether the broker acknowledged a message of the run (or
    /// delivered one to the listener) since: a connection is back from an outage only once it has
    /// proved itself (`provedUp`).
    private var upAt: Double?
    private var progressedSinceConnack = false

    /// What waits to be written: handed to the channel as it is, and used again once written.
    private var output = ByteBuffer()
    /// The start of a packet that has not all come yet.
    private var input: [UInt8] = []
    /// QoS 0 messages in `output`: acknowledged once the socket took them.
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
    /// Seconds without writing before a PINGREQ: ours, or the broker's from its CONNACK.
    private var keepAlive: Double
    /// Why the connection was last lost, for the person reading the error.
    var lastProblem = ""

    /// QoS 2 messages received and acknowledged (PUBREC) whose PUBREL has not come: one sent again
    /// meanwhile is the same message, not delivered twice.
    private var receivedQoS2: Set<UInt16> = []
    /// The CONNECT asks for a session the broker keeps: it remembers `receivedQoS2` too.
    private let keepsSession: Bool
    /// The largest packet read: a publisher's small limit, or the listener's.
    private let incomingLimit: Int

    init(
        index: Int, clientID: String, connectPacket: [UInt8], keepAlive: Double = 30, keepsSession: Bool = false,
        incomingLimit: Int = MQTTPacket.maxIncoming
    ) {
        self.index = index
        self.clientID = clientID
        self.connectPacket = connectPacket
        self.keepAlive = keepAlive
        self.keepsSession = keepsSession
        self.incomingLimit = incomingLimit
    }

    /// Whether the connection, now lost, had been truly back: the broker acknowledged a message of
    /// the run on it (not the status re-announced) or delivered one, or kept it `stable` seconds. A broker that
    /// accepts a connection and drops it at once (a packet over its limit, an ACL that disconnects)
    /// has not ended the outage, so the reconnect timeout still counts from its start.
    func provedUp(now: Double, stable: Double = 10) -> Bool {
        guard let upAt else { return false }
        return progressedSinceConnack || now - upAt >= stable
    }

    /// Messages handed over and not yet acknowledged (QoS ≥ 1) or held back.
    var unacknowledged: Int { inflight.count + waiting.count - waitingHead }

    // MARK: Opening and closing

    /// A new attempt begins (the pool opens its channel); returns its number.
    func begin(now: Double) -> Int {
        close()
        upAt = nil
        progressedSinceConnack = false
        attempt += 1
        state = .connecting
        openedAt = now
        return attempt
    }

    /// The channel is open (TCP, and TLS when asked): CONNECT goes first.
    func opened() {
        guard state == .connecting else { return }
        state = .awaitingConnack
        output.writeBytes(connectPacket)
    }

    @discardableResult
    func fail(_ why: String) -> Bool {
        lastProblem = why
        return false
    }

    /// The connection is gone. Unwritten QoS 0 messages are lost; QoS ≥ 1 ones stay for the next.
    func close() {
        state = .closed
        output = ByteBuffer()
        input.removeAll(keepingCapacity: false)
        unwrittenQoS0 = 0
        pingSentAt = nil
    }

    // MARK: Bytes

    /// Hands what is waiting to `write` with the QoS 0 messages among it (acknowledged once
    /// written), then empties it; nil when nothing waits or the channel cannot take it yet. The
    /// channel usually writes it at once and lets go of it, so its memory serves the next packets;
    /// one it still holds (a full socket) leaves a small new buffer, not a copy of a large one.
    func writeOutput<T>(now: Double, _ write: (ByteBuffer, _ qos0: Int) -> T) -> T? {
        let handed = output.readableBytes
        guard handed > 0, state != .closed, state != .connecting else { return nil }
        let qos0 = unwrittenQoS0
        unwrittenQoS0 = 0
        lastWrite = now
        let result = write(output, qos0)
        // Only what was handed over goes: a close during the write left an empty buffer, and
        // anything added meanwhile (nothing does today) waits for the next write.
        if output.readableBytes == handed {
            output.clear(minimumCapacity: 1024)
        } else if output.readableBytes > handed {
            output.moveReaderIndex(forwardBy: handed)
        }
        return result
    }

    /// Bytes the socket read: handles every whole packet, keeping the start of one not all read.
    /// False when the connection must end.
    func receive(_ bytes: UnsafeRawBufferPointer, v5: Bool, now: Double, events: Events) -> Bool {
        // Usually whole packets: read where they lie, and only an unfinished one is kept.
        if input.isEmpty {
            let b = bytes.assumingMemoryBound(to: UInt8.self)
            var used = 0
            defer { if used < b.count && state != .closed { input.append(contentsOf: b[used...]) } }
            return receivePackets(&used, count: b.count, v5: v5, now: now, events: events) { k throws(MQTTPacketError) in
                try MQTTPacket.read(UnsafeBufferPointer(rebasing: b[k...]), v5: v5, limit: incomingLimit)
            }
        }
        // The rest of a packet begun earlier: gathered where it is, so that a large one coming a
        // read at a time costs each byte once, and read there once whole.
        input.append(contentsOf: bytes)
        var used = 0
        defer { input.removeFirst(min(used, input.count)) }
        return receivePackets(&used, count: input.count, v5: v5, now: now, events: events) { k throws(MQTTPacketError) in
            try input.withUnsafeBufferPointer { b throws(MQTTPacketError) in
                try MQTTPacket.read(UnsafeBufferPointer(rebasing: b[k...]), v5: v5, limit: incomingLimit)
            }
        }
    }

    /// Reads and handles packets from `used` on while `next` finds whole ones among `count` bytes.
    private func receivePackets(
        _ used: inout Int, count: Int, v5: Bool, now: Double, events: Events, next: (Int) throws(MQTTPacketError) -> (MQTTPacket.Incoming, Int)?
    ) -> Bool {
        while used < count {
            let packet: (MQTTPacket.Incoming, Int)?
            do {
                packet = try next(used)
            } catch {
                return fail(error.description)
            }
            guard let (incoming, length) = packet else { break }
            used += length
            if !handle(incoming, v5: v5, now: now, events: events) { return false }
        }
        return true
    }

    private func handle(_ incoming: MQTTPacket.Incoming, v5: Bool, now: Double, events: Events) -> Bool {
        switch incoming {
        case .connack(let reason, let limit, let receive, let serverKeepAlive):
            if reason == 0 { connections += 1 }
            events.connected(self, reason, limit)
            guard reason == 0 else { return fail("refused: \(MQTTReason.text(reason))") }
            state = .up
            upAt = now
            if !keepsSession { receivedQoS2.removeAll() }
            // MQTT 5 says its quota, or has none; 3.1.1 cannot say, and mosquitto then holds a
            // client to 20 QoS 2 messages in flight (`max_inflight_messages`), as libmosquitto does.
            receiveMaximum = receive ?? (v5 ? 65_535 : 20)
            if let serverKeepAlive { keepAlive = Double(serverKeepAlive) }
            resend(events: events)
        case .puback(let id, let reason), .pubcomp(let id, let reason):
            guard let item = inflight.removeValue(forKey: id) else { break }
            if !item.announcement {
                events.acknowledged(reason)
                progressedSinceConnack = true
            }
            release(events: events)
        case .pubrec(let id, let reason):
            guard let item = inflight[id] else { break }
            if reason >= 128 {
                inflight.removeValue(forKey: id)
                if !item.announcement { events.acknowledged(reason) }
                release(events: events)
            } else {
                inflight[id]!.released = true // `item` was just read from inflight[id]
                MQTTPacket.acknowledgement(MQTTPacket.pubrel, id: id, into: &output)
            }
        case .pingresp:
            pingSentAt = nil
        case .publish(let d):
            // QoS 1 is delivered at least once, QoS 2 once: PUBREC now, PUBCOMP at the PUBREL.
            if d.qos < 2 || receivedQoS2.insert(d.id).inserted { events.message(d) }
            progressedSinceConnack = true
            if d.qos > 0 { MQTTPacket.acknowledgement(d.qos == 1 ? MQTTPacket.puback : MQTTPacket.pubrec, id: d.id, into: &output) }
        case .pubrel(let id):
            receivedQoS2.remove(id)
            MQTTPacket.acknowledgement(MQTTPacket.pubcomp, id: id, into: &output)
        case .suback(_, let granted):
            events.subscribed(granted)
        case .disconnect(let reason):
            return fail("the broker disconnected: \(MQTTReason.text(reason))")
        case .other:
            break
        }
        return true
    }

    // MARK: Publishing

    /// Queues a message; it is written on the next flush. A QoS 0 message while not connected is lost.
    func enqueue(_ item: Item, events: Events) {
        if item.qos == 0 {
            guard state == .up else { return }
            write(item, duplicate: false, id: 0, events: events)
            unwrittenQoS0 += 1
        } else if state == .up && inflight.count < receiveMaximum && waitingHead == waiting.count {
            send(item, duplicate: false, events: events)
        } else {
            waiting.append(item)
        }
    }

    /// Subscribes to `filters` at `qos`; a connection that is down subscribes again once it is up
    /// (the listener does so when the pool reports it back).
    func subscribe(_ filters: [String], qos: Int32, v5: Bool) {
        guard state == .up else { return }
        output.writeBytes(MQTTPacket.subscribe(id: takeID(), filters: filters, qos: qos, v5: v5))
    }

    /// The next packet id not in flight.
    private func takeID() -> UInt16 {
        nextID = nextID == UInt16.max ? 1 : nextID + 1
        while inflight[nextID] != nil { nextID = nextID == UInt16.max ? 1 : nextID + 1 }
        return nextID
    }

    private func send(_ item: Item, duplicate: Bool, events: Events) {
        _ = takeID()
        inflight[nextID] = item
        sentOrder.append(nextID)
        if sentOrder.count > 2 * inflight.count + 1024 { sentOrder.removeAll { inflight[$0] == nil } }
        write(item, duplicate: duplicate, id: nextID, events: events)
    }

    /// The item's PUBLISH, into `output`.
    private func write(_ item: Item, duplicate: Bool, id: UInt16, events: Events) {
        let p = events.properties(item)
        MQTTPacket.publish(
            item.message, qos: item.qos, retain: item.retain, duplicate: duplicate, id: id, properties: p?.bytes, sentAt: p?.sentAt, into: &output)
    }

    /// Sends held-back messages while the receive maximum allows.
    private func release(events: Events) {
        while state == .up && waitingHead < waiting.count && inflight.count < receiveMaximum {
            let item = waiting[waitingHead]
            waitingHead += 1
            send(item, duplicate: false, events: events)
        }
        if waitingHead == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            waitingHead = 0
        }
    }

    /// After a CONNACK: everything unacknowledged again, in the order first sent, marked duplicate
    /// (a PUBREL for QoS 2 messages already received), then what was held back.
    private func resend(events: Events) {
        let ids = sentOrder.filter { inflight[$0] != nil }
        sentOrder = ids
        for id in ids {
            let item = inflight[id]! // `ids` keeps only ids in inflight
            if item.released {
                MQTTPacket.acknowledgement(MQTTPacket.pubrel, id: id, into: &output)
            } else {
                write(item, duplicate: true, id: id, events: events)
            }
        }
        release(events: events)
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
                output.writeBytes(MQTTPacket.pingreq)
                pingSentAt = now
            }
            return true
        }
    }

    /// Queues DISCONNECT (normal, so the broker does not publish the last will).
    func goodbye() {
        guard state == .up else { return close() }
        output.writeBytes(MQTTPacket.disconnect)
    }
}
