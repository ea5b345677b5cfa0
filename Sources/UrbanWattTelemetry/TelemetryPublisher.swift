import CMosquitto
import Foundation

/// A message ready to publish, in one allocation: the topic, a NUL, then the payload, so the topic
/// goes to libmosquitto as a C string without a copy.
public struct OutgoingMessage: Sendable {
    public var bytes: [UInt8]
    /// Bytes of the topic, without its NUL.
    public var topicLength: Int

    init(bytes: [UInt8], topicLength: Int) {
        self.bytes = bytes
        self.topicLength = topicLength
    }
}

/// Flow control between the simulation and the broker: a bounded queue that the simulation fills
/// and drains itself, keeping at most `window` messages in flight (handed to libmosquitto but not
/// yet acknowledged, or for QoS 0 not yet written).
///
/// A full queue pauses the simulation (`dropOldest == false`, `--speed max`) or drops its oldest
/// message and counts it (real-time speeds). While the connection is down the queue fills and the
/// client reconnects in the background; QoS ≥ 1 messages in flight are re-sent by libmosquitto.
/// Publishing on the simulation's own thread saves a hand-over per message: on two cores the broker
/// needs the other one.
public final class TelemetryPublisher: @unchecked Sendable {
    public let client: MQTTClient
    let qos: Int32
    let retain: Bool
    let expiry: UInt32?
    let capacity: Int
    let window: Int
    let dropOldest: Bool

    private let condition = NSCondition()
    // Guarded by `condition` (the queue itself is touched by the publishing thread only):
    private var queue: [OutgoingMessage] = []
    private var head = 0
    private var inFlight = 0
    private var acknowledged = 0
    private var dropped = 0
    private var refusal: String?
    private var batch: [OutgoingMessage] = []

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
    }

    /// Counters so far: (acknowledged by the broker, or written for QoS 0; dropped).
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
    private var failed: Bool { refusal != nil || client.hasGivenUp }

    /// Adds messages and sends what the window allows; waits while the queue is full (or drops the
    /// oldest when `dropOldest`). Returns false once the publisher has failed (a refusal, or the
    /// client gave up reconnecting).
    @discardableResult
    public func enqueue(_ messages: [OutgoingMessage]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        for m in messages {
            while pending >= capacity {
                if failed { return false }
                if dropOldest {
                    head += 1
                    dropped += 1
                } else {
                    drainLocked()
                    if pending >= capacity { _ = condition.wait(until: Date().addingTimeInterval(0.05)) }
                }
            }
            queue.append(m)
        }
        drainLocked()
        return !failed
    }

    /// Hands queued messages to libmosquitto while connected and the window has room. Called with
    /// the lock held; releases it while publishing.
    private func drainLocked() {
        while pending > 0 && inFlight < window && client.isConnected {
            let k = min(pending, window - inFlight)
            batch.removeAll(keepingCapacity: true)
            batch.append(contentsOf: queue[head..<head + k])
            head += k
            inFlight += k
            condition.unlock()
            var sent = 0
            for m in batch {
                let rc = m.bytes.withUnsafeBytes { raw in
                    client.publish(cTopic: raw.baseAddress!.assumingMemoryBound(to: CChar.self),
                                   payload: UnsafeRawBufferPointer(rebasing: raw[(m.topicLength + 1)...]),
                                   qos: qos, retain: retain, expiry: expiry)
                }
                if rc != 0 { break }
                sent += 1
            }
            condition.lock()
            if sent < batch.count {
                // The connection went away: put the rest back at the front, in order, and stop.
                head -= batch.count - sent
                inFlight -= batch.count - sent
                return
            }
        }
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
        // Wake a waiting publisher when half the window is free (not on every message: that would
        // cost a context switch per message), and at once on a refusal or an empty window.
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

    /// Sends everything queued and waits for the acknowledgements, or until `timeout` passes without
    /// progress. Returns true when nothing is left.
    public func flush(timeout: Double) -> Bool {
        var lastProgress = Date()
        var last = -1
        condition.lock()
        defer { condition.unlock() }
        while true {
            drainLocked()
            if pending + inFlight == 0 { return true }
            if failed { return false }
            if acknowledged != last {
                last = acknowledged
                lastProgress = Date()
            }
            if Date().timeIntervalSince(lastProgress) > timeout { return false }
            _ = condition.wait(until: Date().addingTimeInterval(0.01))
        }
    }
}
