import Foundation
import UrbanWattCore

/// Flow control between the simulation and a transport: a bounded queue that the simulation fills,
/// drained while the simulation waits, with at most `window` messages in flight (handed over but
/// not yet acknowledged, or for QoS 0 not yet written).
///
/// - At `--speed max` a full queue pauses the simulation; nothing is dropped.
/// - At paced speeds a step's messages are released evenly over the step's wall time, and the
///   queue keeps draining while the simulation waits for its next step; only a queue that stays
///   full (a broker slower than the pace, or away) drops its oldest message, counted with why.
/// - A broker that stops acknowledging for `stallTimeout` while messages are in flight, a refusal
///   (MQTT 5 reason ≥ 128), a transport that gave up reconnecting, or a message the transport can
///   never send each end the run with a `Failure`.
///
/// Publishing happens on the caller's (the simulation's) thread: on two cores the broker needs the
/// other one, and a hand-over per message would cost more than the publish.
///
/// `@unchecked Sendable`: `condition` guards the queue, the counters, the times in flight and the
/// failure, which the transport's callbacks change from its own thread.
public final class TelemetryPublisher: @unchecked Sendable {
    public struct Options: Sendable {
        public var qos: Int32 = 0
        public var retain = false
        public var expiry: UInt32?
        /// Messages held at most (`--max-queued`).
        public var capacity = 100_000
        /// Messages in flight at most (handed over, not yet acknowledged).
        public var window = 2000
        /// Drop the oldest message when full (paced speeds) instead of waiting (max speed).
        public var dropOldest = false
        /// How long in-flight messages may go unacknowledged on a live connection (`--reconnect-timeout`).
        public var stallTimeout: Double = 60
        /// True once the run is interrupted (Ctrl-C): from then on the broker gets `grace` seconds
        /// more, after which nothing waits for it: what is queued or unacknowledged counts dropped.
        public var interrupted: @Sendable () -> Bool = { false }
        public var grace = 0.5

        public init() {}

        /// The window for `clients` connections: room for 10 messages in flight on each on average
        /// (mosquitto lets a client have 20), from 2,000 to 100,000 in all (some 30 MB of messages
        /// at most). With 2,000 over 1,000 connections each wrote and read one packet at a time,
        /// and those system calls, not the broker, set the pace.
        public static func window(clients: Int) -> Int { min(100_000, max(2000, 10 * clients)) }
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The broker refused a publish (exit 77).
        case refused(String)
        /// The broker went away, or stopped answering, for longer than the timeout (exit 69).
        case lost(String)
        /// A message that can never be sent: too large for the broker, or a forbidden topic (exit 69).
        case unpublishable(String)

        public var description: String {
            switch self {
            case .refused(let s), .lost(let s), .unpublishable(let s): s
            }
        }
    }

    public let options: Options
    let transport: any MessageTransport
    let clock: any TelemetryClock

    // All state below is guarded by `condition`; the queue is touched by the publishing thread only,
    // the counters also by the transport's callbacks.
    private let condition = NSCondition()
    private var queue: [OutgoingMessage] = []
    private var head = 0
    private var inFlight = 0
    private var acknowledged = 0
    private var dropped = 0
    /// Messages handed to the transport.
    private var sent = 0
    /// When each message in flight was handed over, oldest first (QoS ≥ 1): an acknowledgement is
    /// matched to the oldest, as a connection's come in order, and its wait goes to `ackLatency`.
    /// Over a pool (`--clients N`) the connections' acknowledgements interleave, so single waits
    /// are approximate; the count and the bulk of the distribution hold.
    private var sentAt: [Double] = []
    private var sentAtHead = 0
    /// From hand-over to the broker's acknowledgement (QoS ≥ 1).
    public let ackLatency = LatencyHistogram()
    /// When an interrupted run stops waiting for the broker; set at the first wait that sees it.
    private var giveUpAt: Double?
    /// Set when that time came with messages unacknowledged: they were counted dropped, and their
    /// late acknowledgements are ignored.
    public private(set) var abandoned = false
    /// A status message is in flight alone (`publishAndWait`); its acknowledgement is not counted
    /// as telemetry, and its reason code lands in `controlReason`.
    private var awaitingControl = false
    private var controlReason: Int32?
    private var lastProgress: Double
    private var failure: Failure?
    private var batch: [OutgoingMessage] = []

    public init(transport: any MessageTransport, clock: any TelemetryClock = SystemClock(), options: Options) {
        self.transport = transport
        self.clock = clock
        var o = options
        o.capacity = max(1, o.capacity)
        o.window = max(1, o.window)
        self.options = o
        lastProgress = clock.now()
        queue.reserveCapacity(min(o.capacity, 1 << 16))
        // The handlers hold the publisher weakly: a late callback after it is gone does nothing.
        transport.setHandlers(
            acknowledged: { [weak self] reason in self?.acknowledge(reason) },
            connection: { [weak self] up in self?.connectionChanged(up) })
    }

    deinit { transport.setHandlers(acknowledged: nil, connection: nil) }

    /// Counters so far: acknowledged by the broker (or written, at QoS 0), and dropped.
    public var counts: (published: Int, dropped: Int) {
        locked { (acknowledged, dropped) }
    }

    /// What a load tool shows while it runs.
    public struct Live: Sendable, Equatable {
        /// Handed to the broker connection, acknowledged (written, at QoS 0), dropped, handed over and
        /// not yet acknowledged, and waiting to be handed over.
        public var sent = 0, acknowledged = 0, dropped = 0, inFlight = 0, queued = 0
    }

    public var live: Live { locked { Live(sent: sent, acknowledged: acknowledged, dropped: dropped, inFlight: inFlight, queued: pending) } }

    /// Why publishing stopped, if it did.
    public var failed: Failure? { locked { checkFailureLocked() } }

    private var pending: Int { queue.count - head }

    /// Adds `messages` and publishes them. With `until` (paced speeds), releases them evenly until
    /// that time on the clock and keeps draining until it is reached; without, as fast as the window
    /// allows, waiting while the queue is full. Returns false once publishing has failed.
    ///
    /// `stop`, asked at least every `pollInterval` of a paced wait (a step at `--speed realtime`
    /// lasts minutes), ends the pacing: the rest of `messages` is queued at once and the call
    /// returns, so Ctrl-C stops a paced run within a second. It may also draw progress.
    @discardableResult
    public func enqueue(_ messages: [OutgoingMessage], until deadline: Double? = nil, stop: (() -> Bool)? = nil) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let start = clock.now()
        let span = max(0, (deadline ?? start) - start)
        var released = 0
        var stopped = false
        /// Waits until `time`, or a poll interval when `stop` is given; true once `stop` says so.
        func wait(until time: Double) -> Bool {
            guard let stop else { clock.wait(condition, until: time); return false }
            clock.wait(condition, until: min(time, clock.now() + TelemetryPublisher.pollInterval))
            condition.unlock()
            defer { condition.lock() }
            return stop()
        }
        while released < messages.count {
            if checkFailureLocked() != nil { return false }
            // Message k is due at start + span × k / n; release every message due by now.
            func due(_ k: Int) -> Double { stopped ? -.infinity : start + span * Double(k) / Double(messages.count) }
            while released < messages.count && clock.now() >= due(released) {
                if !pushLocked(messages[released]) { return false }
                released += 1
            }
            drainLocked()
            if released < messages.count && !stopped { stopped = wait(until: due(released)) }
        }
        // The simulation waits for the step's wall time: keep the broker busy meanwhile.
        if let deadline {
            while clock.now() < deadline && !stopped {
                if checkFailureLocked() != nil { return false }
                drainLocked()
                // Woken by acknowledgements (half the window free) and reconnects.
                stopped = wait(until: deadline)
            }
        }
        return checkFailureLocked() == nil
    }

    /// How often a paced wait asks its `stop`.
    public static let pollInterval = 0.2

    /// Sends everything queued and waits for the acknowledgements. Returns false on a failure,
    /// including a broker that stays silent for `stallTimeout`.
    public func flush() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if checkFailureLocked() != nil { return false }
            drainLocked()
            if pending + inFlight == 0 { return true }
            if givingUpLocked() {
                abandonLocked()
                return true
            }
            clock.wait(condition, until: clock.now() + 0.05)
        }
    }

    /// Whether an interrupted run's grace is over (starting it when the interruption is first seen).
    private func givingUpLocked() -> Bool {
        if giveUpAt == nil && options.interrupted() { giveUpAt = clock.now() + options.grace }
        return giveUpAt.map { clock.now() >= $0 } ?? false
    }

    /// Counts what is queued or unacknowledged as dropped, once the broker had its grace.
    private func abandonLocked() {
        dropped += pending + inFlight
        head = queue.count
        inFlight = 0
        (sentAt, sentAtHead) = ([], 0)
        abandoned = true
    }

    /// Publishes one message with its own QoS and retain flag after everything queued, and waits for
    /// its acknowledgement: the retained status messages. Returns the broker's reason code (≥ 128:
    /// refused), or nil when it could not be sent or acknowledged within `stallTimeout`.
    public func publishAndWait(_ message: OutgoingMessage, qos: Int32, retain: Bool) -> Int32? {
        guard flush() else { return nil }
        condition.lock()
        defer {
            awaitingControl = false
            condition.unlock()
        }
        // Interrupted: the broker has its grace from now even if nothing was left to flush.
        _ = givingUpLocked()
        // Once messages went unanswered, an acknowledgement could be a late one of theirs, not the
        // status's: send it, and do not wait for a broker that let the rest go.
        let waitForAnswer = !abandoned
        awaitingControl = waitForAnswer
        controlReason = nil
        condition.unlock()
        let result = transport.send(message, qos: qos, retain: retain, expiry: nil)
        condition.lock()
        guard result == .accepted, waitForAnswer else { return nil }
        // An interrupted run waits for its status until its grace ends.
        let deadline = giveUpAt.map { max($0, clock.now() + 0.2) } ?? clock.now() + options.stallTimeout
        while controlReason == nil && clock.now() < deadline && !transport.hasGivenUp {
            clock.wait(condition, until: min(deadline, clock.now() + 0.05))
        }
        return controlReason
    }

    /// Queues one message; when the queue is full, drops the oldest (paced) or waits for room.
    private func pushLocked(_ m: OutgoingMessage) -> Bool {
        while pending >= options.capacity {
            if options.dropOldest {
                head += 1
                dropped += 1
                break
            }
            drainLocked()
            if pending < options.capacity { break }
            if checkFailureLocked() != nil { return false }
            if givingUpLocked() {
                dropped += 1
                return true
            }
            clock.wait(condition, until: clock.now() + 0.05)
        }
        queue.append(m)
        return true
    }

    /// Hands queued messages to the transport while connected and the window has room. Called with
    /// the lock held; releases it while sending, so acknowledgements can arrive meanwhile.
    private func drainLocked() {
        while pending > 0 && inFlight < options.window && failure == nil && transport.isConnected {
            let k = min(pending, options.window - inFlight)
            batch.removeAll(keepingCapacity: true)
            batch.append(contentsOf: queue[head..<head + k])
            head += k
            inFlight += k
            // Their hand-over time goes in before the lock is released: an acknowledgement can come
            // back before the last of the batch is sent.
            if options.qos > 0 {
                let now = clock.now()
                sentAt.append(contentsOf: repeatElement(now, count: k))
            }
            condition.unlock()
            var sent = 0
            var outcome = SendResult.accepted
            for m in batch {
                outcome = transport.send(m, qos: options.qos, retain: options.retain, expiry: options.expiry)
                if outcome != .accepted { break }
                sent += 1
            }
            condition.lock()
            self.sent += sent
            if options.qos > 0 && sent < batch.count {
                sentAt.removeLast(min(batch.count - sent, sentAt.count - sentAtHead))
            }
            if sent < batch.count {
                // Put the rest back at the front, in order.
                head -= batch.count - sent
                inFlight -= batch.count - sent
                if case .rejected(let why) = outcome, failure == nil { failure = .unpublishable(why) }
                break
            }
        }
        if head > 4096 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }

    /// The failure, noticing a transport that gave up and a broker that stopped acknowledging.
    private func checkFailureLocked() -> Failure? {
        if failure == nil && transport.hasGivenUp {
            failure = .lost("lost the broker and could not reconnect within \(durationText(options.stallTimeout))")
        }
        if failure == nil, let why = transport.failureReason { failure = .unpublishable(why) }
        if failure == nil && inFlight > 0 && transport.isConnected && clock.now() - lastProgress > options.stallTimeout {
            failure = .lost("the broker stopped acknowledging: no answer for \(durationText(options.stallTimeout)) with \(inFlight) messages in flight")
        }
        return failure
    }

    private func acknowledge(_ reason: Int32) {
        condition.lock()
        lastProgress = clock.now()
        if abandoned && !awaitingControl {
            condition.unlock()
            return
        }
        if awaitingControl {
            controlReason = reason
            condition.broadcast()
            condition.unlock()
            return
        }
        inFlight = max(0, inFlight - 1)
        acknowledged += 1
        if sentAtHead < sentAt.count {
            ackLatency.record(seconds: clock.now() - sentAt[sentAtHead])
            sentAtHead += 1
            if sentAtHead > 4096 && sentAtHead * 2 > sentAt.count {
                sentAt.removeFirst(sentAtHead)
                sentAtHead = 0
            }
        }
        if reason >= 128 && failure == nil {
            failure = .refused("the broker refused a publish: \(MQTTReason.text(reason))")
        }
        // Wake a waiting publisher when half the window is free (not on every message: that would
        // cost a context switch per message), and at once on a refusal or an empty window.
        if inFlight == options.window / 2 || inFlight == 0 || reason >= 128 { condition.broadcast() }
        condition.unlock()
    }

    private func connectionChanged(_ up: Bool) {
        condition.lock()
        // QoS 0 messages handed over are lost with the connection (the session counts them at the
        // end: generated − published − dropped); QoS ≥ 1 ones are re-sent.
        if !up && options.qos == 0 { inFlight = 0 }
        // Silence while away is the reconnect timeout's business, not a stall.
        lastProgress = clock.now()
        condition.broadcast()
        condition.unlock()
    }

    private func locked<T>(_ body: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }
}
