import Foundation
import Synchronization
import Testing
import UrbanWattCore
import UrbanWattScenario
import UrbanWattResults
@testable import UrbanWattTelemetry

/// Flow control on the in-memory transport and a manual clock: no broker, no sleeps, the same result
/// every run.
@Suite struct FlowControlTests {
    static func messages(_ n: Int, prefix: String = "m") -> [OutgoingMessage] {
        (0..<n).map { OutgoingMessage(topic: "t/\(prefix)\($0)", payload: "\($0)") }
    }

    static func options(capacity: Int, window: Int, dropOldest: Bool, stall: Double = 60) -> TelemetryPublisher.Options {
        var o = TelemetryPublisher.Options()
        o.capacity = capacity
        o.window = window
        o.dropOldest = dropOldest
        o.stallTimeout = stall
        return o
    }

    /// A broker that acknowledges `rate` messages per second of clock time, driven by the clock's waits.
    /// `@unchecked Sendable`: its one mutable state, `credit`, is a Mutex; the transport guards its own.
    final class RateLimitedBroker: @unchecked Sendable {
        let transport = InMemoryTransport(acknowledgement: .manual)
        let rate: Double
        let credit = Mutex<(last: Double, carry: Double)>((0, 0))

        init(rate: Double) { self.rate = rate }

        func advance(to now: Double) {
            let n = credit.withLock { c -> Int in
                let due = c.carry + (now - c.last) * rate
                c.last = now
                let whole = due.rounded(.down)
                c.carry = due - whole
                return Int(whole)
            }
            transport.acknowledge(n)
        }
    }

    @Test func atMaxSpeedAFullQueuePausesTheSimulationAndDropsNothing() {
        let broker = RateLimitedBroker(rate: 1000)
        let waits = Atomic<Int>(0)
        let clock = ManualClock(onWait: { now in
            waits.add(1, ordering: .relaxed)
            broker.advance(to: now)
        })
        let p = TelemetryPublisher(transport: broker.transport, clock: clock, options: Self.options(capacity: 10, window: 4, dropOldest: false))
        #expect(p.enqueue(Self.messages(500)))
        #expect(p.flush())
        #expect(p.counts.published == 500 && p.counts.dropped == 0)
        #expect(broker.transport.sent.map(\.topic) == Self.messages(500).map(\.topic))
        // It had to wait for the broker: 500 messages at 1000/s take half a second of clock time.
        #expect(waits.load(ordering: .relaxed) > 0)
        #expect(clock.now() >= 0.49)
    }

    /// Up to 10 messages in flight per connection, 2,000 at least: before the broker acknowledges
    /// anything, one connection is handed 2,000 of 5,000 messages and 300 connections 3,000; all
    /// are published in the end.
    @Test(arguments: [(1, 2000), (300, 3000)])
    func theWindowGrowsWithTheConnections(clients: Int, inFlight: Int) {
        let broker = RateLimitedBroker(rate: 100_000)
        let clock = ManualClock(onWait: { broker.advance(to: $0) })
        let window = TelemetryPublisher.Options.window(clients: clients)
        let p = TelemetryPublisher(transport: broker.transport, clock: clock, options: Self.options(capacity: 10_000, window: window, dropOldest: false))
        #expect(p.enqueue(Self.messages(5000)))
        #expect(broker.transport.sent.count == inFlight && broker.transport.unacknowledged == inFlight)
        #expect(p.flush())
        #expect(p.counts.published == 5000 && p.counts.dropped == 0)
    }

    @Test func pacedMessagesAreSpreadOverTheStepsWallTime() {
        let clock = ManualClock()
        let transport = InMemoryTransport(clock: clock)
        let p = TelemetryPublisher(transport: transport, clock: clock, options: Self.options(capacity: 1000, window: 2000, dropOldest: true))
        #expect(p.enqueue(Self.messages(100), until: 10))
        let times = transport.sentAt
        #expect(times.count == 100)
        // Message k is released at 10 × k / 100 s, not all at once.
        for (k, t) in times.enumerated() { #expect(abs(t - Double(k) / 10) < 1e-9, "message \(k) at \(t)") }
        #expect(clock.now() == 10)
        #expect(p.counts.dropped == 0)
    }

    /// The paced drop bug: the queue must drain while the simulation waits. At half the broker's
    /// rate nothing is dropped; at twice its rate the excess is dropped and counted.
    @Test(arguments: [(0.5, false), (2.0, true)])
    func aPaceWithinTheBrokersRateDropsNothing(share: Double, drops: Bool) {
        let broker = RateLimitedBroker(rate: 1000)
        let clock = ManualClock(onWait: { broker.advance(to: $0) })
        let p = TelemetryPublisher(transport: broker.transport, clock: clock, options: Self.options(capacity: 200, window: 50, dropOldest: true))
        // 20 steps of 100 messages, each step lasting 100 / (share × 1000) s.
        let stepSeconds = 100 / (share * 1000)
        for step in 0..<20 {
            #expect(p.enqueue(Self.messages(100, prefix: "s\(step)-"), until: Double(step + 1) * stepSeconds))
        }
        #expect(p.flush())
        let c = p.counts
        #expect(c.published + c.dropped == 2000)
        if drops {
            // The broker takes 1000/s for 1 s of pacing plus the flush; the rest overflowed the queue.
            #expect(c.dropped > 500, "\(c)")
        } else {
            #expect(c.dropped == 0, "\(c)")
        }
    }

    @Test func aFrozenBrokerEndsTheRunAfterTheStallTimeout() {
        let clock = ManualClock()
        let transport = InMemoryTransport(acknowledgement: .manual)
        let p = TelemetryPublisher(transport: transport, clock: clock, options: Self.options(capacity: 10, window: 5, dropOldest: false, stall: 5))
        #expect(!p.enqueue(Self.messages(100)))
        #expect(p.failed == .lost("the broker stopped acknowledging: no answer for 5 s with 5 messages in flight"))
        #expect(clock.now() >= 5 && clock.now() < 5.2)
        #expect(p.counts.published == 0)
    }

    /// Interrupted into a broker that stopped answering: with messages in flight, they count
    /// dropped after the half-second grace and the status is sent without waiting; with nothing in
    /// flight, the status is waited for until the grace ends, not the 60 s stall timeout.
    @Test func anInterruptedRunWaitsForAHungBrokerOnlyItsGrace() {
        for inFlight in [5, 0] {
            let clock = ManualClock()
            let transport = InMemoryTransport(acknowledgement: .manual)
            var o = Self.options(capacity: 100, window: 10, dropOldest: false)
            o.interrupted = { true }
            let p = TelemetryPublisher(transport: transport, clock: clock, options: o)
            #expect(p.enqueue(Self.messages(inFlight)))
            let status = OutgoingMessage(topic: "urbanwatt/x/status", payload: "{}", isStatus: true)
            #expect(p.publishAndWait(status, qos: 1, retain: true) == nil)
            #expect(clock.now() <= 0.55, "waited \(clock.now()) s with \(inFlight) in flight")
            #expect(p.counts.dropped == inFlight && p.counts.published == 0 && p.abandoned == (inFlight > 0))
            #expect(transport.sent.last?.topic == "urbanwatt/x/status")
        }
    }

    @Test func aBrokerAwayFillsTheQueueAndARestartDrainsIt() {
        let clock = ManualClock()
        let transport = InMemoryTransport()
        let p = TelemetryPublisher(transport: transport, clock: clock, options: Self.options(capacity: 100, window: 10, dropOldest: true, stall: 5))
        transport.setConnected(false)
        #expect(p.enqueue(Self.messages(150), until: 30)) // 30 s away: not a stall, the reconnect timeout's business
        #expect(p.counts.published == 0 && p.counts.dropped == 50)
        transport.setConnected(true)
        #expect(p.flush())
        #expect(p.counts.published == 100)
        // The oldest were dropped: what arrived is the newest 100, in order.
        #expect(transport.sent.map(\.topic) == Self.messages(150).suffix(100).map(\.topic))
    }

    @Test func aTransportThatGaveUpEndsTheRun() {
        let transport = InMemoryTransport()
        let p = TelemetryPublisher(transport: transport, clock: ManualClock(), options: Self.options(capacity: 10, window: 5, dropOldest: false, stall: 7))
        transport.giveUp()
        #expect(!p.enqueue(Self.messages(20)))
        #expect(p.failed == .lost("lost the broker and could not reconnect within 7 s"))
    }

    @Test func aRefusalEndsTheRunWithItsReason() {
        let transport = InMemoryTransport()
        transport.refuse(with: 135)
        let p = TelemetryPublisher(transport: transport, clock: ManualClock(), options: Self.options(capacity: 10, window: 5, dropOldest: false))
        #expect(!p.enqueue(Self.messages(20)))
        #expect(p.failed == .refused("the broker refused a publish: not authorised (135)"))
    }

    @Test func aMessageLargerThanTheBrokerTakesIsAnErrorNotASilentLoss() {
        let transport = InMemoryTransport(maximumPacketSize: 12)
        let p = TelemetryPublisher(transport: transport, clock: ManualClock(), options: Self.options(capacity: 10, window: 5, dropOldest: false))
        #expect(!p.enqueue([OutgoingMessage(topic: "t/a", payload: String(repeating: "x", count: 40))]))
        #expect(p.failed == .unpublishable("a message of 44 bytes is larger than the broker's maximum packet size (12 bytes)"))
    }

    // MARK: The session: status ordering and counts

    static let town = """
        urbanwatt: 1
        name: flowtown
        period: {start: 2025-06-01, end: 2025-06-02, step: 1 h}
        fleets:
          - {name: meters, kind: sensor, count: 5, radio: {type: nbiot}, uplink: {interval: 1 h, payload: 20 B}, via: gw}
          - {name: gw, kind: gateway, count: 1, power: 3 W}
        """

    static func engine() throws -> Engine {
        Engine(scenario: try ScenarioDecoder.decode(town, file: "flowtown.yaml"))
    }

    @Test func statusRunningComesFirstAndDoneLastWithTheSameRunIDAndTheCounts() throws {
        let engine = try Self.engine()
        let clock = ManualClock()
        let transport = InMemoryTransport(clock: clock)
        var options = TelemetrySession.Options()
        options.qos = 1
        options.speed = 3600 // an hour a second
        let session = TelemetrySession(
            engine: engine, config: TelemetryConfig(topic: try TopicTemplate(TopicTemplate.standard)),
            transport: transport, clock: clock, options: options, runID: "00000000000000ab")
        try session.start()
        let result = engine.run(chunk: 4, onChunk: { range, series in session.publish(range, series: series, clock: engine.clock) })
        #expect(result.complete)
        let counts = session.finish(totals: RunSummary.Totals(energyKWh: 1, peakKW: 0), interrupted: false)
        let sent = transport.sent
        #expect(sent.first?.topic == "urbanwatt/flowtown/status")
        #expect(sent.first?.payloadText.contains("\"state\":\"running\",\"scenario\":\"flowtown\",\"run_id\":\"00000000000000ab\"") == true)
        #expect(sent.last?.topic == "urbanwatt/flowtown/status")
        let done = try JSONParser.parse(sent.last!.payloadText)
        #expect(done["state"] == .string("done") && done["run_id"] == .string("00000000000000ab"))
        let telemetry = sent.count - 2
        #expect(counts == TelemetrySession.Counts(generated: telemetry, published: telemetry, dropped: 0))
        #expect(done["published"] == .integer(telemetry) && done["dropped"] == .integer(0) && done["generated"] == .integer(telemetry))
        // 5 meters × 24 uplinks, and the gateway once a step (the 15 min interval is shorter than the
        // 1 h step), paced over 24 s of clock time.
        #expect(telemetry == 5 * 24 + 24)
        #expect(abs(clock.now() - 24) < 1e-9)
        #expect(session.dropReason(counts) == nil)
    }

    @Test func aBrokerWhosePacketLimitIsBelowTheStatusIsRefusedAtTheStart() throws {
        let session = TelemetrySession(
            engine: try Self.engine(), config: TelemetryConfig(topic: try TopicTemplate(TopicTemplate.standard)),
            transport: InMemoryTransport(maximumPacketSize: 100), clock: ManualClock(), options: .init())
        #expect(throws: TelemetrySession.Failure.self) { try session.start() }
        do { try session.start() } catch {
            #expect(error.description.hasPrefix("the broker's maximum packet size (100 bytes) is smaller than the run's status message"))
        }
    }
}

/// Ctrl-C while streaming: the results are cut to the steps whose messages went out, and the stream's
/// energies add up to exactly those results.
@Suite struct InterruptedStreamTests {
    @Test func theStreamAndTheResultsCoverTheSameSteps() throws {
        let s = try ScenarioDecoder.decode(
            """
            urbanwatt: 1
            name: cut
            period: {start: 2025-06-01, end: 2025-06-03, step: 15 min}
            fleets:
              - {name: meters, kind: sensor, count: 30, jitter: 10%, radio: {type: nbiot}, uplink: {interval: 10 min, payload: 20 B}, via: gw}
              - {name: gw, kind: gateway, count: 2, power: 3 W}
            """, file: "cut.yaml")
        let engine = Engine(scenario: s)
        let transport = InMemoryTransport()
        let session = TelemetrySession(
            engine: engine, config: TelemetryConfig(topic: try TopicTemplate(TopicTemplate.standard)),
            transport: transport, clock: ManualClock(), options: .init())
        try session.start()
        // Ctrl-C arrives while step 70 is generated (in the middle of a chunk of 4).
        var asked = 0
        var simulatedJ = 0.0
        var result = engine.run(
            chunk: 4, shouldStop: { session.streamedSteps > 70 },
            onChunk: { range, series in
                session.publish(
                    range, series: series, clock: engine.clock,
                    shouldStop: {
                        asked += 1; return session.streamedSteps > 70
                    })
                let streamed = min(range.count, session.streamedSteps - range.lowerBound)
                for f in series { simulatedJ += f.energy[0..<max(0, streamed)].reduce(0, +) }
            })
        result.completedSteps = min(result.completedSteps, session.streamedSteps)
        _ = session.finish(totals: nil, interrupted: true)
        #expect(asked > 0 && result.completedSteps == 71)
        var heard = Aggregator()
        for m in transport.sent where !m.topic.hasSuffix("/status") { heard.add(topic: m.topic, payload: m.payload) }
        #expect(heard.invalid == 0 && heard.gaps == 0)
        let simulated = simulatedJ / 3.6e6
        #expect(abs(heard.energyKWh - simulated) <= 1e-9 * simulated, "stream \(heard.energyKWh) kWh, results \(simulated) kWh")
    }
}
