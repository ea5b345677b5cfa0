import Foundation
public import UrbanWattCore

/// `urbanwatt listen`: subscribes, aggregates every message, and ends at the `done` of a run it saw
/// start: the `done` must carry the run id of a `running` status received before it, so a retained
/// `done` of an earlier run, or a status any other client publishes, does not end it.
///
/// `@unchecked Sendable`: `condition` guards the aggregator, the run ids and the times, which the
/// pool's event loop writes and the caller's thread reads.
public final class TelemetryListener: @unchecked Sendable {
    /// One connection on the pool's event loop, as publishing has.
    let client: MQTTClientPool
    let filters: [String]
    let qos: Int32
    private let condition = NSCondition()
    private var aggregator = Aggregator()
    private var runs: Set<String> = []
    private var doneAt: Date?
    private var lostRun: String?
    private var lostSince: Date?
    /// Each followed run's scenario, from its `running` status: a message whose topic names the
    /// lost run's scenario shows the run alive after all.
    private var scenarios: [String: String] = [:]
    private var finishedRuns: Set<String> = []

    /// How long after a run's last will the listener waits for it to announce itself again or send
    /// anything before taking it as lost.
    public static let lostAfter = 10.0

    /// The run id of a followed run whose last will (`offline`) arrived and that neither announced
    /// itself again nor sent anything within `lostAfter`: it died mid-stream.
    public var lost: String? {
        condition.withLock { lostSince.map { Date().timeIntervalSince($0) >= Self.lostAfter } == true ? lostRun : nil }
    }
    private var lastMessage = Date()
    private var granted: [Int32] = []
    /// Statuses that did not end the listener: a `done` of a run not seen starting, or unreadable.
    public private(set) var ignoredStatuses = 0
    /// Connections to the broker lost so far (each is retried).
    private var losses = 0
    private var stopping = false
    /// Called on the pool's event loop when the connection is lost: the count so far, and whether a
    /// session keeps the messages meanwhile. Set before `start`.
    public var onConnectionLost: (@Sendable (Int, Bool) -> Void)?
    /// With `listen --latency`: each counted message's receipt less its publish time, the `sent_at`
    /// user property (MQTT 5), or else the payload's own time where it is within an hour of the
    /// clock (at `--speed realtime`; a simulated time elsewhere times nothing).
    public let latency: LatencyHistogram?
    /// Messages timed by `sent_at` and by the payload's time.
    private var timed = (sentAt: 0, payload: 0)

    /// `session`: keep a persistent session under that client id, so messages published while the
    /// listener is away wait for it on the broker; without one, the broker keeps nothing.
    public init(
        settings: MQTTSettings, filters wanted: [String], qos: Int32, session: String? = nil,
        maximumFleets: Int = Aggregator.defaultMaximumFleets, latency: Bool = false
    ) {
        aggregator.maximumFleets = maximumFleets
        self.latency = latency ? LatencyHistogram() : nil
        var s = settings
        s.persistentSession = session != nil
        if let session { s.clientID = session }
        client = MQTTClientPool(s, clients: 1, incomingLimit: Self.largestPacket)
        filters = wanted.contains(StatusTopic.filter) ? wanted : wanted + [StatusTopic.filter]
        self.qos = qos
        let persistent = session != nil
        // Weak: a callback that comes late, after the listener is gone, does nothing.
        client.setListening(
            message: { [weak self] d in self?.received(d.topic, d.payload, d.retain, d.properties) },
            subscribed: { [weak self] codes in self?.subscribed(codes) })
        let connection: @Sendable (Bool) -> Void = { [weak self] up in
            guard let self else { return }
            if up { self.subscribe(); return }
            // Said, not silent: without a session the broker keeps nothing meanwhile, and what is
            // published until the reconnection is lost (gaps, once `done` says what was sent).
            guard
                let count = self.condition.withLock({ () -> Int? in
                    if self.stopping { return nil } // our own goodbye
                    self.losses += 1
                    return self.losses
                })
            else { return }
            self.onConnectionLost?(count, persistent)
        }
        client.setHandlers(acknowledged: nil, connection: connection)
    }

    /// The largest packet the listener reads: the largest status it reads, and room for its
    /// topic and properties. Under MQTT 5 the broker is told, and drops a larger message for it.
    static let largestPacket = PayloadDecoder.maximumPayload * 64 + 65_536

    deinit { client.setHandlers(acknowledged: nil, connection: nil) }

    private func subscribe() { client.subscribe(filters, qos: qos) }

    private func subscribed(_ codes: [Int32]) {
        condition.lock()
        granted += codes
        condition.broadcast()
        condition.unlock()
    }

    /// Connects (connecting subscribes) and waits for the broker to grant every subscription, so
    /// that nothing published after `start` returns is missed; a refused filter is an error.
    public func start() throws(ConnectFailure) {
        try client.connect()
        subscribe()
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(client.settings.reconnectTimeout)
        while granted.count < filters.count && Date() < deadline { _ = condition.wait(until: min(deadline, Date().addingTimeInterval(0.1))) }
        if granted.count < filters.count {
            throw .unavailable("\(client.settings.url) did not acknowledge the subscription to \(filters.joined(separator: ", "))")
        }
        if let k = granted.prefix(filters.count).firstIndex(where: { $0 >= 128 }) {
            throw .refused("\(client.settings.url) refused the subscription to \(filters[k]): \(MQTTReason.text(granted[k]))")
        }
    }

    private func received(_ topic: String, _ payload: [UInt8], _ retained: Bool, _ properties: MessageProperties) {
        condition.lock()
        defer { condition.unlock() }
        lastMessage = Date()
        if topic.hasPrefix("urbanwatt/") && topic.hasSuffix("/status") {
            guard payload.count <= PayloadDecoder.maximumPayload * 64, let status = try? JSONParser.parse(String(decoding: payload, as: UTF8.self)),
                let run = status["run_id"]?.stringValue
            else {
                ignoredStatuses += 1
                return
            }
            switch status["state"]?.stringValue {
            case "running":
                runs.insert(run)
                scenarios[run] = status["scenario"]?.stringValue
                if lostRun == run { (lostRun, lostSince) = (nil, nil) } // it reconnected
                aggregator.running(status)
            case "done", "interrupted":
                // Once per run: under MQTT 5 a broker delivers a message once per matching
                // subscription, and `urbanwatt/#` and `urbanwatt/+/status` both match a status.
                if !retained && runs.contains(run) && finishedRuns.insert(run).inserted {
                    aggregator.finished(status)
                    doneAt = Date()
                    condition.broadcast()
                } else {
                    ignoredStatuses += 1
                }
            case "offline":
                // The broker's last will: the run died (no `done` will ever come), or its connection
                // or the broker went and it is reconnecting (it then announces itself again).
                if !retained && runs.contains(run) && !finishedRuns.contains(run) {
                    (lostRun, lostSince) = (run, Date())
                } else {
                    ignoredStatuses += 1
                }
            default: break
            }
            return
        }
        let counted = aggregator.addAll(topic: topic, payload: payload, properties: properties)
        for d in counted {
            // A run that still sends is not lost; another run's messages say nothing of it.
            if let s = lostRun.flatMap({ scenarios[$0] }), topic.contains(s) { (lostRun, lostSince) = (nil, nil) }
            self.counted?(d, aggregator.step ?? 900)
        }
        if let latency, !counted.isEmpty {
            let now = lastMessage.timeIntervalSince1970
            if let stamp = properties.user(MessageProperties.sentAt).flatMap(Double.init) {
                latency.record(seconds: now - stamp / 1000)
                timed.sentAt += 1
            } else if let t = counted.first?.time, abs(now - t) <= 3600 {
                // A payload's time is the simulated one: wall time only at --speed realtime.
                latency.record(seconds: now - t)
                timed.payload += 1
            }
        }
    }

    /// The latency's percentiles and where its times came from, for listen-summary.json.
    public var latencySummary: JSONValue? {
        guard let latency else { return nil }
        let s = latency.snapshot
        let (sentAt, payload) = condition.withLock { timed }
        func ms(_ x: Double) -> JSONValue { .number((x * 1e6).rounded() / 1e3) }
        return .object([
            ("messages", .integer(s.count)), ("timed_by_sent_at", .integer(sentAt)), ("timed_by_payload_time", .integer(payload)),
            ("p50_ms", ms(s.p50)), ("p95_ms", ms(s.p95)), ("p99_ms", ms(s.p99)), ("max_ms", ms(s.max)), ("mean_ms", ms(s.mean)),
        ])
    }

    /// Called, under the listener's lock (so it must not call back into the listener), with every
    /// message counted (not duplicates, not invalid) and the run's step (900 s until it is known).
    public var onCounted: (@Sendable (PayloadDecoder.Decoded, Double) -> Void)? {
        get { condition.withLock { counted } }
        set { condition.withLock { counted = newValue } }
    }
    private var counted: (@Sendable (PayloadDecoder.Decoded, Double) -> Void)?

    /// The scenario, layer and district of every fleet the `running` status named.
    public var fleetLabels: [String: (scenario: String, layer: String, district: String, kind: String)] {
        condition.withLock {
            let scenario = aggregator.scenario ?? ""
            return aggregator.fleets.filter { $0.value.district != "?" }.mapValues { (scenario, $0.layer, $0.district, $0.kind) }
        }
    }

    /// A copy of the aggregate so far.
    public var snapshot: Aggregator {
        condition.lock()
        defer { condition.unlock() }
        return aggregator
    }

    /// Waits for `done` (then `grace` seconds more for stragglers) or until `shouldStop`/`timeout`,
    /// calling `tick` about 20 times a second (take a `snapshot` there only when it is shown: a copy
    /// makes the next message copy the per-node tables). Returns true when `done` was seen.
    public func wait(untilDone: Bool, grace: Double = 0.5, timeout: Double?, shouldStop: () -> Bool, tick: () -> Void) -> Bool {
        let started = Date()
        while true {
            condition.lock()
            let done = doneAt
            let quietFor = Date().timeIntervalSince(lastMessage)
            condition.unlock()
            if untilDone, let done, Date().timeIntervalSince(done) >= grace, quietFor >= min(grace, 0.2) { return true }
            if shouldStop() { return done != nil }
            if lost != nil { return false }
            if let timeout, Date().timeIntervalSince(started) > timeout { return done != nil }
            if client.hasGivenUp { return false }
            tick()
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    public func stop() {
        condition.withLock { stopping = true }
        client.disconnect()
    }
}
