import Foundation
import Synchronization
public import UrbanWattCore
public import UrbanWattResults

/// A run's telemetry from the `running` status to `done`: turns each simulated chunk into messages,
/// paces them at the chosen speed through a `TelemetryPublisher`, and at the end flushes and
/// publishes the final status with the counts. Written against `MessageTransport` and
/// `TelemetryClock`, so it runs the same over the MQTT pool and over an in-memory transport.
///
/// `@unchecked Sendable`: used from the simulation's thread only; what other threads read (`live`,
/// `ackLatency`) is an atomic or the publisher's, which guards its own state.
public final class TelemetrySession: @unchecked Sendable {
    public struct Options: Sendable {
        public var qos: Int32 = 0
        public var retain = false
        public var expiry: UInt32?
        /// Simulated seconds per wall second; nil for as fast as the broker accepts.
        public var speed: Double?
        public var maxQueued = 100_000
        /// How long to wait for a broker that stopped answering (`--reconnect-timeout`).
        public var stallTimeout: Double = 60
        /// MQTT connections the nodes are spread over (`--clients`).
        public var clients = 1
        /// Connections opened per second at most (`--connect-rate`); nil: as fast as they complete.
        public var connectRate: Double?
        /// True once the run is interrupted: the broker then gets half a second more, not
        /// `stallTimeout`, so Ctrl-C ends a run within a second even with a broker that hangs.
        public var interrupted: @Sendable () -> Bool = { false }

        public init() {}
    }

    /// Why a run's telemetry ended early: the connection could not be made, or publishing failed.
    public enum Failure: Error, CustomStringConvertible, Sendable {
        case connect(ConnectFailure)
        case publish(TelemetryPublisher.Failure)

        public var description: String {
            switch self {
            case .connect(let c): c.description
            case .publish(let p): p.description
            }
        }
    }

    /// What was generated, acknowledged and dropped; the `done` status and summary.json carry them.
    public struct Counts: Sendable, Equatable {
        public var generated = 0
        public var published = 0
        public var dropped = 0
    }

    let scenario: Scenario
    let config: TelemetryConfig
    let options: Options
    /// Ties `running` and `done` together, so a listener ends on the run it saw start.
    public let runID: String
    let transport: any MessageTransport
    let clock: any TelemetryClock
    let generator: TelemetryGenerator
    /// QoS 0 messages handed over and lost with a connection, counted in `finish` among the dropped.
    private var lostWithConnections = 0
    /// Messages neither acknowledged nor dropped when the stream failed, counted in `finish` among
    /// the dropped.
    private var lostWithFailure = 0
    let publisher: TelemetryPublisher
    private var wallStart = 0.0
    private var generated = 0
    /// `generated`, for readers on other threads (a metrics scrape).
    private let generatedSoFar = Atomic<Int>(0)
    private(set) public var failure: Failure?
    /// The connection this session opened (`connect`), closed by `finish`.
    private var client: (any BrokerConnection)?
    /// Seconds it took to open all the connections (`connect`).
    public private(set) var connectSeconds: Double?

    public init(
        engine: Engine, config: TelemetryConfig, transport: any MessageTransport, clock: any TelemetryClock = SystemClock(),
        options: Options, runID: String = RunID.random()
    ) {
        scenario = engine.scenario
        self.config = config
        self.options = options
        self.runID = runID
        self.transport = transport
        self.clock = clock
        generator = TelemetryGenerator(engine: engine, config: config)
        var p = TelemetryPublisher.Options()
        p.qos = options.qos
        p.retain = options.retain
        p.expiry = options.expiry
        p.capacity = options.maxQueued
        p.window = TelemetryPublisher.Options.window(clients: options.clients)
        p.dropOldest = options.speed != nil
        p.stallTimeout = options.stallTimeout
        p.interrupted = options.interrupted
        publisher = TelemetryPublisher(transport: transport, clock: clock, options: p)
    }

    /// Announces the run with the retained `running` status; throws when the broker refuses it or
    /// cannot take it.
    public func start() throws(Failure) {
        let status = OutgoingMessage(
            topic: StatusTopic.topic(scenario.name), payload: StatusTopic.running(scenario, config: config, runID: runID), isStatus: true)
        if let limit = transport.maximumPacketSize, status.bytes.count + 5 > limit {
            throw .publish(
                .unpublishable(
                    "the broker's maximum packet size (\(limit) bytes) is smaller than the run's status message (\(status.bytes.count + 5) bytes); raise max_packet_size in the broker"
                ))
        }
        switch publisher.publishAndWait(status, qos: 1, retain: true) {
        case .some(let code) where code >= 128:
            throw .publish(.refused("the broker refused to publish on \(StatusTopic.topic(scenario.name)): \(MQTTReason.text(code))"))
        case .some: break
        case .none:
            throw .publish(
                publisher.failed
                    ?? .lost(
                        "the broker did not acknowledge the run's status (\(status.bytes.count + 5) bytes) within "
                            + "\(durationText(options.stallTimeout)); a broker that is stuck, or whose max_packet_size is smaller, drops it"))
        }
        wallStart = clock.now()
    }

    /// True when the run should stop (the broker refused us, stayed away or stopped answering).
    public var shouldStop: Bool { failure != nil }

    /// Steps whose messages have been generated (less than simulated after an interruption).
    public var streamedSteps: Int { generator.generatedSteps }

    /// The stream so far, as a load tool shows it: generated, and the publisher's counters.
    public struct Live: Sendable, Equatable {
        public var generated: Int
        public var publisher: TelemetryPublisher.Live
    }

    /// Safe from any thread (the progress line, a metrics scrape).
    public var live: Live { Live(generated: generatedSoFar.load(ordering: .relaxed), publisher: publisher.live) }
    /// From hand-over to the broker's acknowledgement, at QoS 1 and 2.
    public var ackLatency: LatencyHistogram { publisher.ackLatency }

    /// Publishes the messages of a simulated chunk, paced when a speed is set (each step's messages
    /// spread over the step's wall time); stops early when `shouldStop` answers true.
    /// `shouldStop` is asked before each step and every `TelemetryPublisher.pollInterval` of a paced
    /// wait (where it may draw progress too): once it answers true, pacing ends.
    public func publish(_ range: Range<Int>, series: [FleetSeries], clock steps: StepClock, shouldStop: @escaping () -> Bool = { false }) {
        guard failure == nil else { return }
        generator.generate(range, series: series) { m, batch in
            // A generated step is always queued (its nodes count it as reported), so that after a
            // stop the stream covers exactly the steps in `streamedSteps`; pacing ends with the stop.
            generated += batch.count
            generatedSoFar.store(generated, ordering: .relaxed)
            let stopping = shouldStop()
            let due = stopping ? nil : options.speed.map { wallStart + Double(steps.time(m + 1) - steps.start) / $0 }
            if !publisher.enqueue(batch, until: due, stop: due == nil ? nil : shouldStop), let f = publisher.failed { failure = .publish(f) }
            return failure == nil && !stopping
        }
    }

    /// Sends what is left (a node's last remainder, or what was queued at Ctrl-C), publishes `done`
    /// (or `interrupted`) with the totals and counts, and returns the counts.
    /// `balance`: the run's ICT overhead, savings and net (summary.json's `balance`), for the `done` status.
    public func finish(totals: RunSummary.Totals?, balance: RunSummary.Balance? = nil, interrupted: Bool) -> Counts {
        if failure == nil {
            generator.finish { _, batch in
                generated += batch.count
                return publisher.enqueue(batch)
            }
        }
        if failure == nil && !publisher.flush(), let f = publisher.failed { failure = .publish(f) }
        let c = publisher.counts
        var counts = Counts(generated: generated, published: c.published, dropped: c.dropped)
        // What is neither published nor dropped was lost, and counts dropped so that the counts add
        // up: with the stream, when a failure ended it (the broker lost for good, a refusal) before
        // the broker took or acknowledged it; or at QoS 0 with a connection the broker closed
        // without a word (as it does on a publish its ACL refuses).
        let unaccounted = counts.generated - counts.published - counts.dropped
        if unaccounted > 0 && failure != nil {
            lostWithFailure = unaccounted
        } else if unaccounted > 0 && options.qos == 0 {
            lostWithConnections = unaccounted
        }
        counts.dropped += lostWithFailure + lostWithConnections
        // Every generated message ends published or dropped; one that did neither is a bug to say.
        if failure == nil && counts.generated != counts.published + counts.dropped {
            failure = .publish(
                .lost(
                    "\(counts.generated - counts.published - counts.dropped) of \(counts.generated) messages neither published nor dropped "
                        + "(\(counts.published) published, \(counts.dropped) dropped)"))
        }
        if failure == nil {
            let status = StatusTopic.done(
                scenario, runID: runID, totals: totals, balance: balance, counts: counts,
                messagesByFleet: generator.messagesByFleet, state: interrupted ? "interrupted" : "done")
            let heard = publisher.publishAndWait(
                OutgoingMessage(topic: StatusTopic.topic(scenario.name), payload: status, isStatus: true), qos: 1, retain: true)
            // A broker that ignored an interrupted run's last messages, or its status, would not
            // read a goodbye either: leave at once (it publishes `offline` when it comes back).
            if heard == nil && interrupted { client?.stop() } else { client?.disconnect() }
        } else {
            client?.stop()
        }
        return counts
    }

    /// Why messages were dropped, for the warning on stderr; nil when none were.
    public func dropReason(_ counts: Counts) -> String? {
        guard counts.dropped > 0 else { return nil }
        if lostWithFailure > 0 { return "dropped \(counts.dropped) of \(counts.generated) messages: the stream failed before the broker took them" }
        let lost = lostWithConnections
        if lost > 0 {
            return "dropped \(counts.dropped) of \(counts.generated) messages, \(lost) of them handed over at QoS 0 and lost with a connection "
                + "the broker closed (a broker closes it on a publish its ACL refuses; at QoS 1 and 2 such a refusal is reported instead)"
        }
        let interrupted = "the run was interrupted while the broker had not taken or acknowledged them within half a second"
        // At --speed max a full queue waits: only an interruption drops.
        guard let speed = options.speed else { return "dropped \(counts.dropped) of \(counts.generated) messages: \(interrupted)" }
        return "dropped \(counts.dropped) of \(counts.generated) messages: the broker took fewer than the pace asked for "
            + "(--speed \(FixedDecimal.format(speed, digits: 0))), or was away, and the queue (--max-queued \(options.maxQueued)) overflowed\(publisher.abandoned ? ", or \(interrupted)" : ""); "
            + "use --speed max, a larger --max-queued, or a faster broker"
    }
}

extension TelemetrySession {
    /// Connects to the broker of `settings` and returns a session that has announced the run.
    public static func connect(engine: Engine, config: TelemetryConfig, settings: MQTTSettings, options: Options) throws(Failure) -> TelemetrySession {
        var s = settings
        s.persistentSession = options.qos > 0
        let runID = RunID.random()
        s.will = (StatusTopic.topic(engine.scenario.name), StatusTopic.offline(runID: runID), 1, true)
        let client: any BrokerConnection = MQTTClientPool(s, clients: options.clients, connectRate: options.connectRate)
        // MQTT 5: every message says its content type and units.
        client.telemetryProperties = .telemetry(config.format)
        let started = SystemClock().now()
        do { try client.connect() } catch { throw .connect(error) }
        let connected = SystemClock().now() - started
        var o = options
        o.stallTimeout = settings.reconnectTimeout
        let session = TelemetrySession(engine: engine, config: config, transport: client, options: o, runID: runID)
        session.client = client
        session.connectSeconds = connected
        do {
            try session.start()
        } catch {
            client.stop()
            throw error
        }
        return session
    }
}
