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
        let listener = try Listener([
            "--mqtt", broker.url, "--until-done", "--timeout", "60", "--metrics", "127.0.0.1:\(metricsPort)",
            "--linger", "3s", "--out", listenOut,
        ])
        // Prometheus takes up new targets every 5 s: wait until it has scraped the listener once.
        guard try poll(within: 30, every: 0.2, until: { try prometheus.http("GET", "api/v1/targets").contains("\"health\":\"up\"") }) else {
            Issue.record("Prometheus never scraped the listener")
            return
        }
        let (s, l) = try streamThrough(broker, to: listener)
        #expect(l.status == 0, "\(l.stderr)")

        /// An instant query's samples: (labels, value).
        func query(_ q: String) throws -> [([String: String], Double)] {
            let answer = try JSONParser.parse(try prometheus.http("GET", "api/v1/query", form: [("query", q)]))
            guard case .array(let result)? = answer["data"]?["result"] else { return [] }
            return result.compactMap { sample in
                guard case .object(let metric)? = sample["metric"], case .array(let value)? = sample["value"], value.count == 2,
                    let v = value[1].stringValue.flatMap(Double.init)
                else { return nil }
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
        let session = TelemetrySession(
            engine: engine, config: TelemetryConfig(topic: try TopicTemplate(TopicTemplate.standard)),
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

/// The `--metrics` endpoint cannot be starved: the red team's two requests with 1 MB headers pinned
/// both cores of the server it had, and idle connections filled the open-files limit until its
/// accept loop died for good. Against `listen --metrics` on a free loopback port.
@Suite(.serialized) struct MetricsEndpointTests {
    /// Opens a TCP connection to 127.0.0.1:`port`; the descriptor.
    static func connect(_ port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var timeout = timeval(tv_sec: 40, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Sends `request` on a new connection and returns what comes back before the server closes it.
    static func exchange(_ port: Int, _ request: [UInt8]) -> String {
        let fd = connect(port)
        defer { close(fd) }
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
        var reply = [UInt8](), buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            reply += buffer[..<n]
            if String(decoding: reply, as: UTF8.self).contains("urbanwatt_messages_total") || reply.count > 1 << 20 { break }
        }
        return String(decoding: reply, as: UTF8.self)
    }

    static let scrape = Array("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".utf8)

    @Test func oversizedHeadersAreRefusedAndIdleConnectionsCannotStarveIt() throws {
        let broker = try Broker()
        defer { broker.stop() }
        let port = Broker.freePort()
        let listener = try Listener(["--mqtt", broker.url, "--metrics", "127.0.0.1:\(port)", "--timeout", "60", "--out", CLI.temporaryFolder().path + "/l"])
        defer { kill(listener.process.processIdentifier, SIGINT); _ = listener.finish() }
        #expect(Self.exchange(port, Self.scrape).contains("urbanwatt_messages_total"))
        // Two requests with 1 MB headers: refused at once, and the next scrape is served.
        let started = Date()
        for _ in 0..<2 {
            let huge =
                Array("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20) + Array("\r\n\r\n".utf8)
            #expect(!Self.exchange(port, huge).contains("urbanwatt_up"))
        }
        #expect(Date().timeIntervalSince(started) < 5, "the oversized headers took \(Date().timeIntervalSince(started)) s")
        #expect(Self.exchange(port, Self.scrape).contains("urbanwatt_messages_total"))
        // Twice as many idle connections as it takes: the cap holds the rest back in the backlog, the
        // idle timeout closes each round of them, and the scrape behind them is served after two.
        let idle = (0..<(2 * MetricsServer.maximumConnections)).map { _ in Self.connect(port) }
        defer { idle.forEach { close($0) } }
        let waited = Date()
        #expect(Self.exchange(port, Self.scrape).contains("urbanwatt_messages_total"))
        #expect(Date().timeIntervalSince(waited) < 2 * 10 + 5, "a scrape behind idle connections took \(Date().timeIntervalSince(waited)) s")
    }
}
