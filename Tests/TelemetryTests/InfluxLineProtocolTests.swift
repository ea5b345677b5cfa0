import Foundation
import TestSupport
import Testing
import UrbanWattCore
@testable import UrbanWattScenario
@testable import UrbanWattTelemetry

/// `--payload influx` read by a real InfluxDB: every message is accepted, and the energies it sums
/// per fleet, and the last counter per node, are the run's to 1e-9 (drawn chargers report their own
/// sessions, expected ones their share of the fleet's mean).
@Suite(.serialized) struct InfluxLineProtocolTests {
    @Test func aRealInfluxDBSumsTheStreamToTheRunsEnergies() throws {
        let s = try ScenarioDecoder.decode(
            """
            urbanwatt: 1
            name: influx-day
            location: {latitude: 51.3, longitude: 9.5, timezone: Europe/Berlin}
            period: {start: 2025-06-01, end: 2025-06-02, step: 15 min}
            districts: [centre, north]
            fleets:
              - {name: meters, kind: sensor, district: north, count: 40, jitter: 10%, radio: {type: nbiot}, uplink: {interval: 7 min, payload: 20 B}, via: gw}
              - {name: gw, kind: gateway, count: 2, power: 3 W}
              - {name: lamps, kind: streetlight, count: 25, power: 60 W, controller: 1 W}
              - {name: ev, kind: ev-charger, count: 4, power: 11 kW, sessions: {per_day: 2, energy: 15 kWh}}
              - {name: ev-mean, kind: ev-charger, count: 4, power: 11 kW, sessions: {per_day: 2, energy: 15 kWh, model: expected}}
            """, file: "influx-day.yaml")
        let engine = Engine(scenario: s)
        let recorded = engine.record()
        let transport = InMemoryTransport()
        var config = TelemetryConfig(topic: try TopicTemplate(TopicTemplate.standard))
        config.format = .influx
        let session = TelemetrySession(engine: engine, config: config, transport: transport, clock: ManualClock(), options: .init())
        try session.start()
        _ = engine.run(chunk: 8) { range, series in session.publish(range, series: series, clock: engine.clock, shouldStop: { false }) }
        _ = session.finish(totals: nil, interrupted: false)
        let lines = transport.sent.filter { !$0.topic.hasSuffix("/status") }.map(\.payloadText)
        #expect(lines.count > 5000)

        let db = try LocalService.influxDB()
        defer { db.stop() }
        // Batches of 5,000 lines, as Telegraf writes them.
        for (k, batch) in stride(from: 0, to: lines.count, by: 5000).map({ lines[$0..<min(lines.count, $0 + 5000)] }).enumerated() {
            let file = db.folder.appendingPathComponent("batch-\(k).txt")
            try batch.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            try db.http("POST", "write?db=urbanwatt", file: file.path)
        }

        func series(_ query: String) throws -> [(tag: String, value: Double)] {
            let answer = try JSONParser.parse(try db.http("POST", "query", form: [("q", query), ("db", "urbanwatt")]))
            guard case .array(let results)? = answer["results"], let first = results.first, case .array(let list)? = first["series"] else { return [] }
            return list.compactMap { s in
                guard case .array(let rows)? = s["values"], case .array(let row)? = rows.first, row.count == 2, let v = row[1].doubleValue else { return nil }
                return (s["tags"]?["fleet"]?.stringValue ?? s["tags"]?["node"]?.stringValue ?? "", v)
            }
        }
        let count = try series("SELECT count(seq) FROM urbanwatt").first?.value
        #expect(count == Double(lines.count), "every line accepted")
        let perFleet = Dictionary(uniqueKeysWithValues: try series("SELECT sum(energy_j) FROM urbanwatt GROUP BY fleet"))
        for (i, f) in s.fleets.enumerated() {
            let expected = recorded.fleets[i].energy.reduce(0, +)
            let got = perFleet[f.name] ?? 0
            #expect(abs(got - expected) <= 1e-9 * expected, "\(f.name): InfluxDB \(got) J, run \(expected) J")
        }
        // The counters: each node's last energy_total_j adds up to the run's total.
        let lastTotals = try series("SELECT last(energy_total_j) FROM urbanwatt GROUP BY node").reduce(0) { $0 + $1.value }
        let total = recorded.fleets.reduce(0) { $0 + $1.energy.reduce(0, +) }
        #expect(abs(lastTotals - total) <= 1e-9 * total, "counters \(lastTotals) J, run \(total) J")
        // Tags are queryable as written.
        #expect(try series("SELECT count(seq) FROM urbanwatt WHERE district = 'north' GROUP BY fleet").map(\.tag) == ["meters"])
    }
}

/// docker/telegraf.conf is valid TOML that reads line protocol from the topics UrbanWatt publishes
/// its node messages on, and not the status topics.
@Suite struct TelegrafConfigTests {
    @Test func theShippedConfigurationReadsTheStream() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docker/telegraf.conf").standardized.path
        let p = try CLI.program(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import json, sys, tomllib
                c = tomllib.load(open(sys.argv[1], "rb"))
                m = c["inputs"]["mqtt_consumer"][0]
                hosts = [u.split("//")[1].split(":")[0] for u in m["servers"] + c["outputs"]["influxdb"][0]["urls"]]
                print(json.dumps({"format": m["data_format"], "topics": m["topics"], "db": c["outputs"]["influxdb"][0]["database"], "hosts": hosts}))
                """, file,
            ])
        #expect(p.status == 0, "\(p.stderr)")
        let c = try JSONParser.parse(p.stdout)
        #expect(c["format"]?.stringValue == "influx" && c["db"]?.stringValue == "urbanwatt")
        // Its hosts are services of docker-compose.yml, whose InfluxDB creates that database.
        let compose = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("../docker-compose.yml").standardized.path
        let services = try CLI.program(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import json, sys, yaml
                s = yaml.safe_load(open(sys.argv[1]))["services"]
                print(json.dumps({"names": sorted(s), "db": s["influxdb"]["environment"]["INFLUXDB_DB"], "telegraf": s["telegraf"]["volumes"][0]}))
                """, compose,
            ])
        #expect(services.status == 0, "\(services.stderr)")
        let s = try JSONParser.parse(services.stdout)
        guard case .array(let hosts)? = c["hosts"], case .array(let names)? = s["names"] else { Issue.record("no hosts or services"); return }
        #expect(Set(hosts.compactMap(\.stringValue)).isSubset(of: Set(names.compactMap(\.stringValue))), "\(hosts) \(names)")
        #expect(s["db"]?.stringValue == "urbanwatt" && s["telegraf"]?.stringValue?.hasPrefix("./docker/telegraf.conf:") == true)
        guard case .array(let topics)? = c["topics"], let filter = topics.first?.stringValue else { Issue.record("no topics"); return }
        let node = try TopicTemplate(TopicTemplate.standard).parts(scenario: "m", district: "d", kind: "k", layer: "l", fleet: "f", apikey: "").joined(
            separator: "f-1")
        #expect(TopicFilter.problem(filter) == nil)
        // MQTT matching: `+` one whole level, `#` the rest.
        func matches(_ topic: String) -> Bool {
            let f = filter.split(separator: "/", omittingEmptySubsequences: false), t = topic.split(separator: "/", omittingEmptySubsequences: false)
            for (k, level) in f.enumerated() {
                if level == "#" { return true }
                guard k < t.count, level == "+" || level == t[k] else { return false }
            }
            return f.count == t.count
        }
        #expect(matches(node))
        #expect(!matches(StatusTopic.topic("m")))
    }
}
