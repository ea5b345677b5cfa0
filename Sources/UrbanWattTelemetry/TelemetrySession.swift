import Foundation
import Synchronization
import UrbanWattCore

/// A run's telemetry from connect to `done`: connects (exit 69/77 on failure), publishes the
/// running status, turns each simulated chunk into messages at the chosen speed, and at the end
/// flushes, publishes the final status and disconnects.
public final class TelemetrySession: @unchecked Sendable {
    public struct Options: Sendable {
        public var qos: Int32 = 0
        public var retain = false
        public var expiry: UInt32?
        /// Simulated seconds per wall second; nil for as fast as the broker accepts.
        public var speed: Double?
        public var maxQueued = 100_000

        public init() {}
    }

    public enum Failure: Error, CustomStringConvertible {
        case connect(ConnectFailure)
        case refused(String)
        case lost(String)

        public var description: String {
            switch self {
            case .connect(let c): c.description
            case .refused(let s), .lost(let s): s
            }
        }
    }

    let scenario: Scenario
    let config: TelemetryConfig
    let options: Options
    let client: MQTTClient
    let generator: TelemetryGenerator
    var publisher: TelemetryPublisher?
    private var wallStart = Date()
    private(set) public var failure: Failure?

    public init(engine: Engine, config: TelemetryConfig, settings: MQTTSettings, options: Options) throws(MosquittoError) {
        scenario = engine.scenario
        self.config = config
        self.options = options
        var s = settings
        s.persistentSession = options.qos > 0
        s.will = (StatusTopic.topic(engine.scenario.name), StatusTopic.offline, 1, true)
        client = try MQTTClient(s)
        generator = TelemetryGenerator(engine: engine, config: config)
    }

    /// Connects and announces the run.
    public func start() throws(Failure) {
        do { try client.connect() } catch { throw .connect(error) }
        if let refusal = publishStatus(StatusTopic.running(scenario, config: config)) { throw .refused(refusal) }
        publisher = TelemetryPublisher(client: client, qos: options.qos, retain: options.retain, expiry: options.expiry,
                                       capacity: options.maxQueued, dropOldest: options.speed != nil)
        wallStart = Date()
    }

    /// True when the run should stop (the broker refused us, or stayed away too long).
    public var shouldStop: Bool { failure != nil }

    /// Steps whose messages have been generated (less than simulated after an interruption).
    public var streamedSteps: Int { generator.generatedSteps }

    /// Publishes the messages of a simulated chunk, pacing them when a speed is set; stops early
    /// when `shouldStop` answers true.
    public func publish(_ range: Range<Int>, series: [FleetSeries], clock: StepClock, shouldStop: () -> Bool = { false }) {
        guard let publisher, failure == nil else { return }
        generator.generate(range, series: series) { m, batch in
            if shouldStop() { return false }
            if let speed = options.speed {
                let due = wallStart.addingTimeInterval(Double(clock.time(m + 1) - clock.start) / speed)
                let wait = due.timeIntervalSinceNow
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            }
            if !publisher.enqueue(batch) { noteFailure() }
            return failure == nil
        }
    }

    private func noteFailure() {
        if let r = publisher?.refused { failure = .refused(r) } else if client.hasGivenUp {
            failure = .lost("lost the broker at \(client.settings.url) and could not reconnect within \(Int(client.settings.reconnectTimeout)) s")
        }
    }

    /// Sends what is left, publishes `done` (or `interrupted`) with the totals, and disconnects.
    /// Returns the counters for the summary.
    public func finish(totals: JSONValue?, interrupted: Bool) -> (published: Int, dropped: Int) {
        guard let publisher else { return (0, 0) }
        if failure == nil { generator.finish { _, batch in publisher.enqueue(batch) } }
        if failure == nil && !publisher.flush(timeout: client.settings.reconnectTimeout) { noteFailure() }
        if failure == nil && publisher.refused != nil { noteFailure() }
        let counts = publisher.counts
        if failure == nil || interrupted {
            let state = interrupted ? "interrupted" : "done"
            _ = publishStatus(StatusTopic.done(scenario, totals: totals, published: counts.published, dropped: counts.dropped, state: state))
            client.disconnect()
        } else {
            client.stop()
        }
        return counts
    }

    /// Publishes a retained status at QoS 1 and waits for its acknowledgement; returns the broker's
    /// refusal (an ACL denial under MQTT 5), if any.
    private func publishStatus(_ text: String) -> String? {
        let acked = DispatchSemaphore(value: 0)
        let reason = Mutex<Int32>(0)
        client.onPublished = { _, code in
            reason.withLock { $0 = code }
            acked.signal()
        }
        defer { client.onPublished = nil }
        guard (try? client.publish(topic: StatusTopic.topic(scenario.name), text: text, qos: 1, retain: true)) != nil else { return nil }
        _ = acked.wait(timeout: .now() + 10)
        let code = reason.withLock { $0 }
        return code >= 128 ? "the broker refused to publish on \(StatusTopic.topic(scenario.name)): \(MQTTClient.reason(code))" : nil
    }
}
