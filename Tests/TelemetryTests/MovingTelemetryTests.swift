import Testing
import UrbanWattCore
import UrbanWattResults
import UrbanWattScenario
@testable import UrbanWattTelemetry

/// Issue 23, item 3: a node of a fleet that moves names, in its topic and payload, the district it
/// is in when it sends (the InfluxDB line's `district` tag). 1,000 buses are all in the centre until noon, then a quarter of them stay:
/// those whose fixed draw is below 0.25 (`FleetNodes.districtDraw`), each hour the same ones.
struct MovingTelemetryTests {
    /// `count` buses over `days` from Monday 6 January 2025, all in the centre until noon and a
    /// quarter of them after, each district with its base station.
    static func buses(count: Int, days: Int, name: String = "buses") throws -> Scenario {
        try ScenarioDecoder.decode(
            """
            urbanwatt: 1
            name: \(name)
            period: {start: 2025-01-06, end: 2025-01-0\(6 + days), step: 1 h}
            location: {latitude: 52.5, longitude: 13.4, timezone: UTC}
            profiles:
              centre: {weekday: [1,1,1,1,1,1,1,1,1,1,1,1, 0.25,0.25,0.25,0.25,0.25,0.25,0.25,0.25,0.25,0.25,0.25,0.25]}
              north: {weekday: [0,0,0,0,0,0,0,0,0,0,0,0, 0.75,0.75,0.75,0.75,0.75,0.75,0.75,0.75,0.75,0.75,0.75,0.75]}
            districts: [centre, north]
            fleets:
              - {name: bs-centre, kind: base-station, district: centre}
              - {name: bs-north, kind: base-station, district: north}
              - name: buses
                kind: vehicle
                count: \(count)
                drive: 50%
                uplink: {interval: 30 s}
                presence: {centre: centre, north: north}
                via: {centre: bs-centre, north: bs-north}
            """, file: "buses.yaml")
    }

    @Test func eachMessageNamesTheDistrictItWasSentFrom() throws {
        let s = try Self.buses(count: 1000, days: 1)
        let engine = Engine(scenario: s)
        var config = TelemetryConfig(topic: try TopicTemplate(TopicTemplate.standard))
        config.interval = 3600
        config.format = .influx
        let generator = TelemetryGenerator(engine: engine, config: config)
        let nodes = engine.nodes(ofFleet: 2)
        let inCentre = Set((0..<1000).filter { nodes.districtDraw($0) < 0.25 })
        // A quarter within three standard deviations: 3 × √(0.25 × 0.75 / 1,000) = 4.1 %.
        #expect(abs(Double(inCentre.count) / 1000 - 0.25) < 0.041)
        var energy = 0.0
        _ = engine.run { range, series in
            energy += series[2].energy.reduce(0, +)
            generator.generate(range, series: series) { step, batch in
                let buses = batch.filter { String(decoding: $0.bytes[..<$0.topicLength], as: UTF8.self).contains("/vehicle/") }
                #expect(buses.count == 1000)
                for m in buses {
                    let topic = String(decoding: m.bytes[..<m.topicLength], as: UTF8.self)
                    let node = Int(topic.split(separator: "-").last ?? "") ?? -1
                    let district = step < 12 || inCentre.contains(node) ? "centre" : "north"
                    #expect(topic == "urbanwatt/buses/\(district)/vehicle/buses/buses-\(node)", "step \(step)")
                    let payload = String(decoding: m.bytes[(m.topicLength + 1)...], as: UTF8.self)
                    #expect(payload.contains(",district=\(district),"), "\(payload)")
                }
                return true
            }
        }
        // The fleet's energy is still all reported: 1,000 × (0.5 × 0.76 W + 0.5 × 0.048 W) × 24 h.
        #expect(abs(energy - 1000 * (0.5 * 0.0633 * 12 + 0.5 * 0.00404 * 12) * 86_400) < 1e-6 * energy)
    }

    /// `listen` counts each message of a fleet that moves in the district its topic names: in
    /// `--telemetry fleets` each step sends one message per district with its share of the energy,
    /// so the listener's districts are the run's, to rounding.
    /// The district is the topic's `{district}` level (the `running` status gives the template), so
    /// a scenario named like a district is no trouble; a FIWARE topic names only the device, and
    /// the payload's `d` says the district.
    @Test(arguments: [("buses", PayloadFormat.json), ("north", .json), ("buses", .fiwareUL), ("north", .fiwareJSON)])
    func theListenerCountsEachMessageWhereItWasSent(scenario: String, format: PayloadFormat) throws {
        let s = try Self.buses(count: 10, days: 2, name: scenario)
        let engine = Engine(scenario: s)
        var config = TelemetryConfig(topic: try TopicTemplate(format.defaultTopic))
        config.format = format
        config.mode = .fleets
        let generator = TelemetryGenerator(engine: engine, config: config)
        var listener = Aggregator()
        listener.running(try JSONParser.parse(StatusTopic.running(s, config: config, runID: "t")))
        let breakdown = Breakdown.run(
            engine, concurrent: false,
            onChunk: { range, series in
                generator.generate(range, series: series) { _, batch in
                    for m in batch {
                        listener.add(topic: String(decoding: m.bytes[..<m.topicLength], as: UTF8.self), payload: Array(m.bytes[(m.topicLength + 1)...]))
                    }
                    return true
                }
            })
        let run = RunSummary(breakdown, run: RunInfo(wallSeconds: 0))
        guard case .object(let heard)? = listener.summary()["by_district"] else {
            Issue.record("no by_district")
            return
        }
        #expect(listener.invalid == 0 && heard.map(\.0) == ["centre", "north"])
        for (name, value) in heard {
            let expected = try #require(run.byDistrict.first { $0.name == name }?.value.energyKWh)
            let got = try #require(value["energy_kwh"]?.doubleValue)
            #expect(abs(got - expected) < 1e-9 * expected, "\(name): \(got) against \(expected)")
        }
    }
}
