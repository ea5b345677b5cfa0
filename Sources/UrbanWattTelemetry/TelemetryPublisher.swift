import CMosquitto
import Foundation

/// A message ready to publish, in one allocation: the topic, a NUL, then the payload, so the topic
/// goes to libmosquitto as a C string without a copy.
public struct OutgoingMessage: Sendable {
    public var bytes: [UInt8]
    /// Bytes of the topic, without its NUL.
    public var topicLength: Int

    public init(topic: String, payload: [UInt8]) {
        bytes = Array(topic.utf8) + [0] + payload
        topicLength = topic.utf8.count
    }

    init(bytes: [UInt8], topicLength: Int) {
        self.bytes = bytes
        self.topicLength = topicLength
    }

    public var topic: String { String(decoding: bytes[..<topicLength], as: UTF8.self) }
}

/// Flow control between the simulation and the broker: a bounded queue filled by the simulation and
/// drained by a sender thread that keeps at most `window` messages in flight (unacknowledged).
///
/// A full queue pauses the simulation (`dropOldest == false`, `--speed max`) or drops its oldest
/// message and counts it (real-time speeds). While the connection is down the queue fills, and
/// the client reconnects in the background; QoS ≥ 1 messages in flight are re-sent by libmosquitto.
public final class TelemetryPublisher: @unchecked Sendable {
    public let client: MQTTClient
    let qos: Int32
    let retain: Bool
    let expiry: UInt32?
    let capacity: Int
    let window: Int
    let dropOldest: Bool

    private let condition = NSCondition()
    // Guarded by `condition`:
    private var queue: [OutgoingMessage] = []
    private var head = 0
    private var inFlight = 0
    private var stopping = false
    private(set) var published = 0
    private(set) var acknowledged = 0
    private(set) var dropped = 0
    private var refusal: String?
    private var sender: Thread?

    public init(client: MQTTClient, qos: Int32, retain: Bool, expiry: UInt32?, capacity: Int, window: Int = 2000, dropOldest: Bool) {
        self.client = client
        self.qos = qos
        self.retain = retain
        self.expiry = expiry
        self.capacity = max(1, capacity)
        self.window = max(1, window)
        self.dropOldest = dropOldest
        queue.reserveCapacity(min(self.capacity, 1 << 16))
        client.onPublished = { [unowned self] _, reason in self.acknowledge(reason) }
        client.onConnectionChange = { [unowned self] up in self.connectionChanged(up) }
        let thread = Thread { [unowned self] in self.sendLoop() }
        thread.name = "mqtt-sender"
        sender = thread
        thread.start()
    }

    /// Counters so far: (handed to the broker and acknowledged or sent, dropped).
    public var counts: (published: Int, dropped: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (acknowledged, dropped)
    }

    /// A publish the broker refused (MQTT 5 reason code ≥ 128, e.g. not authorised), if any.
    public var refused: String? {
        condition.lock()
        defer { condition.unlock() }
        return refusal
    }

    private var pending: Int { queue.count - head }

    /// Adds messages, waiting while the queue is full (or dropping the oldest when `dropOldest`).
    /// Returns false once the publisher has failed (refusal, or the client gave up reconnecting).
    @discardableResult
    public func enqueue(_ messages: [OutgoingMessage]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        for m in messages {
            while pending >= capacity {
                if refusal != nil || client.hasGivenUp { return false }
                if dropOldest {
                    head += 1
                    dropped += 1
                } else {
                    condition.wait(until: Date().addingTimeInterval(0.2))
                }
            }
            queue.append(m)
        }
        compact()
        condition.broadcast()
        return refusal == nil && !client.hasGivenUp
    }

    /// Drops consumed entries when they make up most of the array.
    private func compact() {
        if head > 4096 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }

    private func acknowledge(_ reason: Int32) {
        condition.lock()
        inFlight = max(0, inFlight - 1)
        acknowledged += 1
        if reason >= 128 && refusal == nil {
            refusal = "the broker refused a publish: \(MQTTClient.reason(reason))"
        }
        // Wake the sender when half the window is free (not on every message: that would cost a
        // context switch per message), and at once on a refusal or an empty window.
        if inFlight == window / 2 || inFlight == 0 || reason >= 128 { condition.broadcast() }
        condition.unlock()
    }

    private func connectionChanged(_ up: Bool) {
        condition.lock()
        // QoS 0 messages handed to libmosquitto are lost with the connection; QoS ≥ 1 ones are re-sent.
        if !up && qos == 0 { inFlight = 0 }
        condition.broadcast()
        condition.unlock()
    }

    private func sendLoop() {
        var batch: [OutgoingMessage] = []
        while true {
            condition.lock()
            while !stopping && (pending == 0 || inFlight >= window || !client.isConnected) {
                condition.wait(until: Date().addingTimeInterval(0.1))
            }
            if stopping && pending == 0 {
                condition.unlock()
                return
            }
            let k = min(pending, window - inFlight)
            batch.removeAll(keepingCapacity: true)
            batch.append(contentsOf: queue[head..<head + k])
            head += k
            inFlight += k
            compact()
            condition.unlock()
            var sent = 0
            for m in batch {
                let ok = m.bytes.withUnsafeBytes { raw in
                    let topic = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                    let payload = UnsafeRawBufferPointer(rebasing: raw[(m.topicLength + 1)...])
                    return client.publish(cTopic: topic, payload: payload, qos: qos, retain: retain, expiry: expiry) == 0
                }
                if !ok { break }
                sent += 1
            }
            if sent < batch.count {
                // Not connected any more: put the rest back at the front, in order.
                condition.lock()
                let rest = Array(batch[sent...])
                queue.replaceSubrange(head..<head, with: rest)
                inFlight -= rest.count
                condition.unlock()
                Thread.sleep(forTimeInterval: 0.05)
            }
            condition.lock()
            published += sent
            condition.unlock()
        }
    }

    /// Waits until everything queued has been handed over and acknowledged, or `timeout` passes
    /// without progress. Returns true when nothing is left.
    public func flush(timeout: Double) -> Bool {
        var lastProgress = Date()
        var last = -1
        while true {
            condition.lock()
            let left = pending + inFlight
            let acked = acknowledged
            condition.unlock()
            if left == 0 { return true }
            if refused != nil || client.hasGivenUp { return false }
            if acked != last { last = acked; lastProgress = Date() }
            if Date().timeIntervalSince(lastProgress) > timeout { return false }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// Stops the sender thread once the queue is empty.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        while let s = sender, s.isExecuting { Thread.sleep(forTimeInterval: 0.005) }
        sender = nil
    }
}
