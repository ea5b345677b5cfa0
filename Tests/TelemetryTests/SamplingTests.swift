import Testing
import UrbanWattCore
import UrbanWattScenario
@testable import UrbanWattTelemetry

/// `--sample 25%` picks each node with probability 1/4 from its own random stream: over 100,000
/// nodes the share is 25 % within three standard deviations, 3 × √(0.25 × 0.75 / 100,000) = 0.41 %.
@Suite struct SamplingTests {
    @Test func aQuarterOfTheNodesPublish() throws {
        let s = try ScenarioDecoder.decode(
            """
            urbanwatt: 1
            name: sampled
            period: {start: 2025-06-01, end: 2025-06-02, step: 1 d}
            fleets:
              - {name: meters, kind: device, count: 100000, power: 1 W}
            """, file: "sampled.yaml")
        let engine = Engine(scenario: s)
        var config = TelemetryConfig(topic: try TopicTemplate(TopicTemplate.standard))
        config.sample = 0.25
        config.interval = 86_400
        let transport = InMemoryTransport()
        let session = TelemetrySession(engine: engine, config: config, transport: transport, clock: ManualClock(), options: .init())
        try session.start()
        _ = engine.run(onChunk: { range, series in session.publish(range, series: series, clock: engine.clock) })
        let counts = session.finish(totals: nil, interrupted: false)
        // One message per sampled node (a day of one step), none dropped.
        let share = Double(counts.published) / 100_000
        #expect(abs(share - 0.25) < 3 * (0.25 * 0.75 / 100_000).squareRoot(), "share \(share)")
        #expect(counts.dropped == 0 && counts.generated == counts.published)
    }
}
