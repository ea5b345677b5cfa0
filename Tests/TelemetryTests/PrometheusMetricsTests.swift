import Foundation
import TestSupport
import Testing
import UrbanWattCore
@testable import UrbanWattScenario
@testable import UrbanWattTelemetry

/// `listen --metrics`: a real Prometheus (Debian's) scrapes the listener while a run streams through a
/// real mosquitto, and holds each fleet's energy as the run computed it; promtool accepts the format.
@Suite(.serialized) struct PrometheusMetricsTests {
    @Test func aRealPrometheusScrapesTheRunsEnergy() throws {
        let broker = try Broker()
        defer { broker.stop() }
        let metricsPort = Broker.freePort()
        let prometheus = try LocalService("prometheus", executables: ["/usr/bin/prometheus"], ready: "-/ready") { folder, port in
            let config = folder.appendingPathComponent("prometheus.yml")
            try """
                global: {scrape_interval: 500ms, scrape_timeout: 400ms}
                scrape_configs:
                  - job_name: urbanwatt
                    static_configs: [{targets: ["127.0.0.1:\(metricsPort)"]}]
                """.write(to: config, atomically: true, encoding: .utf8)
            return ["--config.file=\(config.path)", "--storage.tsdb.path=\(folder.path)/data", "--web.listen-address=127.0.0.1:\(port)"]
        }
        defer { prometheus.stop() }
        let listenOut = CLI.temporaryFolder().path
        // The listener lingers 3 s after `done`, so scrapes every 0.5 s see the final figures.
        let listener = try Listener(["--mqtt", broker.url, "--until-done", "--timeout", "60", "--metrics", "127.0.0.1:\(metricsPort)",
                                     "--linger", "3s", "--out", listenOut])
        // Prometheus takes up new targets every 5 s: wait until it has scraped the listener once.
        let deadline = Date().addingTimeInterval(30)
        while !(try prometheus.http("GET", "api/v1/targets")).contains("\"health\":\"up\"") {
            guard Date() < deadline else { Issue.record("Prometheus never scraped the listener"); return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let (s, l) = try streamThrough(broker, to: listener)
        #expect(l.status == 0, "\(l.stderr)")

        /// An instant query's samples: (labels, value).
        func query(_ q: String) throws -> [([String: String], Double)] {
            let answer = try JSONParser.parse(try prometheus.http("GET", "api/v1/query", form: [("query", q)]))
            guard case .array(let result)? = answer["data"]?["result"] else { return [] }
            return result.compactMap { sample in
                guard case .object(let metric)? = sample["metric"], case .array(let value)? = sample["value"], value.count == 2,
                      let v = value[1].stringValue.flatMap(Double.init) else { return nil }
                return (Dictionary(uniqueKeysWithValues: metric.compactMap { k, v in v.stringValue.map { (k, $0) } }), v)
            }
        }
        // Counters only grow: their largest sample over the last minutes is the final one scraped.
        let total = try query("sum(max_over_time(urbanwatt_energy_joules_total[5m]))").first?.1 ?? 0
        #expect(abs(total / 3.6e6 - energyKWh(s)) <= 1e-9 * energyKWh(s), "Prometheus \(total / 3.6e6) kWh, run \(energyKWh(s)) kWh")
        let byFleet = try query("max_over_time(urbanwatt_energy_joules_total[5m])")
        let fleets = (s["by_fleet"] as! [String: [String: Any]])
        #expect(byFleet.count == fleets.count)
        for (labels, value) in byFleet {
            let f = try #require(fleets[labels["fleet"] ?? ""])
            let kWh = f["energy_kwh"] as! Double
            #expect(abs(value / 3.6e6 - kWh) <= 1e-9 * max(kWh, 1e-12), "\(labels)")
            #expect(labels["layer"] == f["layer"] as? String && labels["district"] == f["district"] as? String && labels["scenario"] == "teletown")
        }
        let messages = try query("max_over_time(urbanwatt_messages_total[5m])").first?.1 ?? 0
        #expect(Int(messages) == telemetry(s).published)
        #expect(try query("max_over_time(urbanwatt_invalid_messages_total[5m])").first?.1 == 0)
        // The run's balance, from its `done` status.
        let ict = ((s["balance"] as! [String: Any])["ict_overhead_kwh"] as! Double)
        let scraped = try query("max_over_time(urbanwatt_balance_kwh{measure=\"ict_overhead\"}[5m])").first?.1 ?? -1
        #expect(abs(scraped - ict) <= 1e-9 * ict, "balance \(scraped) kWh, run \(ict) kWh")
    }

    @Test func promtoolAcceptsTheExposition() throws {
        let engine = Engine(scenario: try ScenarioDecoder.decode(telemetryScenario, file: "teletown.yaml"))
        let transport = InMemoryTransport()
        let session = TelemetrySession(engine: engine, config: TelemetryConfig(topic: try TopicTemplate(TopicTemplate.standard)),
                                       transport: transport, clock: ManualClock(), options: .init())
        try session.start()
        _ = engine.run { range, series in session.publish(range, series: series, clock: engine.clock, shouldStop: { false }) }
        _ = session.finish(totals: nil, interrupted: false)
        var a = Aggregator()
        for m in transport.sent {
            if m.topic.hasSuffix("/status") {
                if let status = try? JSONParser.parse(m.payloadText), status["state"]?.stringValue == "running" { a.running(status) }
            } else {
                a.add(topic: m.topic, payload: m.payload)
            }
        }
        a.add(topic: "urbanwatt/x/y/z/w/bad", payload: Array("{\"node\":\"a\\\"b\"}".utf8))
        let text = PrometheusText.render(a)
        #expect(text.contains("urbanwatt_energy_joules_total{scenario=\"teletown\",layer=\"mobility\",district=\"centre\",fleet=\"chargers\"} "))
        #expect(text.contains("\nurbanwatt_invalid_messages_total 1\n"))
        let p = try CLI.program("/usr/bin/promtool", ["check", "metrics"], input: text)
        let said = p.stdout + p.stderr
        #expect(p.status == 0 && said.isEmpty, "promtool: \(said)")
        // Label values escape quotes, backslashes and line feeds.
        #expect(PrometheusText.escape("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
    }
}
