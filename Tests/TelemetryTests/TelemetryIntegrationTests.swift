import Foundation
import TestSupport
import Testing
import UrbanWattTelemetry

@Suite(.serialized) struct TelemetryIntegrationTests {
    @Test(arguments: PayloadFormat.allCases)
    func everyNodeMessageArrivesAndAddsUpToTheRunsEnergy(format: PayloadFormat) throws {
        let broker = try Broker()
        defer { broker.stop() }
        let filter = format == .fiwareUL ? "/ul/#" : format == .fiwareJSON ? "/json/#" : "urbanwatt/#"
        let sub = try Subscriber(port: broker.port, topic: filter)
        let out = CLI.temporaryFolder().path
        let r = try CLI.run(["run", try writeTelemetryScenario(), "--out", out, "--quiet", "--mqtt", broker.url, "--payload", format.rawValue, "--qos", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let messages = sub.finish().filter { !$0.topic.hasSuffix("/status") && !Subscriber.isProbe($0) }
        let s = try summary(out)
        #expect(telemetry(s).published == messages.count)
        #expect(telemetry(s).dropped == 0)
        var seqs: [String: [Int]] = [:]
        var energy = 0.0
        for m in messages {
            let d = try PayloadDecoder.decode(topic: m.topic, payload: Array(m.payload.utf8)).get()
            seqs[d.node, default: []].append(d.seq)
            energy += d.energy
        }
        #expect(seqs.count == 40 + 10 + 2 + 1 + 12 + 4)
        let gapped = seqs.filter { $0.value != Array(0..<$0.value.count) }.map(\.key).sorted()
        #expect(gapped.isEmpty, "nodes whose seq has gaps: \(gapped.prefix(5))")
        #expect(abs(energy / 3.6e6 - energyKWh(s)) / energyKWh(s) < 1e-9)
        // A parking sensor sends one message per 10-minute uplink: 144 a day (plus at most a last one).
        #expect((144...145).contains(seqs["parking-0"]!.count))
        if format == .senml { try checkSenML(messages.map(\.payload)) }
        if format == .json {
            let first = try JSONSerialization.jsonObject(with: Data(messages[0].payload.utf8)) as! [String: Any]
            #expect(Set(first.keys) == ["ts", "node", "fleet", "kind", "power_w", "energy_j", "energy_total_j", "seq"])
            // Each node's counter ends at its whole energy: the last counters add up to the run.
            var last: [String: Double] = [:]
            for m in messages {
                let o = try JSONSerialization.jsonObject(with: Data(m.payload.utf8)) as! [String: Any]
                last[o["node"] as! String] = max(last[o["node"] as! String] ?? 0, (o["energy_total_j"] as! NSNumber).doubleValue)
            }
            let counted = last.values.reduce(0, +)
            #expect(abs(counted / 3.6e6 - energyKWh(s)) / energyKWh(s) < 1e-9, "counters \(counted / 3.6e6) kWh")
            #expect(messages.contains { $0.topic == "urbanwatt/teletown/north/streetlight/lights/lights-3" })
        }
        if format == .fiwareUL { #expect(messages.allSatisfy { $0.topic.hasPrefix("/ul/urbanwatt/") && $0.topic.hasSuffix("/attrs") }) }
    }

    /// MQTT 5: every telemetry message carries its payload's content type and its units as user
    /// properties (mosquitto_sub prints them), the status messages `application/json`.
    @Test(arguments: [PayloadFormat.senml, .influx])
    func everyMessageSaysItsContentTypeAndUnits(format: PayloadFormat) throws {
        let broker = try Broker()
        defer { broker.stop() }
        let filter = format == .fiwareUL ? "/ul/#" : "urbanwatt/#"
        // The status messages arrive on the same subscription (a `+` filter would leave the
        // subscriber's readiness probe no topic to publish on).
        let sub = try Subscriber(port: broker.port, topic: filter, extra: ["-V", "5", "-F", "%t %C|%P"])
        let r = try CLI.run([
            "run", try writeTelemetryScenario(), "--out", CLI.temporaryFolder().path, "--quiet", "--mqtt", broker.url,
            "--payload", format.rawValue, "--qos", "1",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let heard = sub.finish()
        let messages = heard.filter { !$0.topic.hasSuffix("/status") && !Subscriber.isProbe($0) }
        #expect(messages.count > 1000)
        // And the wall time each was handed over: 13 digits, within the minute of the run.
        let said = Set(messages.map { $0.payload.replacing(/\ sent_at:[0-9]{13}$/, with: " sent_at:T") })
        #expect(said == ["\(format.contentType)|power_unit:W energy_unit:J sent_at:T"], "\(said.prefix(3))")
        let stamps = messages.compactMap { $0.payload.split(separator: ":").last.flatMap { Double($0) } }
        #expect(stamps.count == messages.count && stamps.allSatisfy { abs($0 / 1000 - Date().timeIntervalSince1970) < 60 })
        let status = heard.filter { $0.topic.hasSuffix("/status") }
        #expect(!status.isEmpty && status.allSatisfy { $0.payload == "application/json|" }, "\(status.prefix(2))")
    }

    /// RFC 8428: a JSON array of records; base name and base time in the first; names, units, values.
    func checkSenML(_ payloads: [String]) throws {
        for p in payloads.prefix(200) {
            let records = try #require(try JSONSerialization.jsonObject(with: Data(p.utf8)) as? [[String: Any]])
            let bn = try #require(records[0]["bn"] as? String)
            #expect(bn.hasPrefix("urn:dev:urbanwatt:teletown:") && bn.hasSuffix(":"))
            #expect(records[0]["bt"] is NSNumber)
            let units = Dictionary(uniqueKeysWithValues: records.compactMap { r in (r["n"] as? String).map { ($0, r["u"] as? String) } })
            #expect(units["power"] == "W")
            #expect(units["energy"] == "J")
            #expect(records.allSatisfy { $0["v"] is NSNumber })
        }
    }

    /// Without --out, the listener writes out/listen-SCENARIO of the run it heard (issue 24).
    @Test func listenTotalsEqualTheRunsSummary() throws {
        let broker = try Broker()
        defer { broker.stop() }
        let cwd = CLI.temporaryFolder()
        let listenOut = cwd.appendingPathComponent("out/listen-teletown").path
        let listener = try Listener(["--mqtt", broker.url, "--until-done", "--timeout", "60"], directory: cwd)
        let out = CLI.temporaryFolder().path
        let r = try CLI.run(["run", try writeTelemetryScenario(), "--out", out, "--quiet", "--mqtt", broker.url, "--payload", "senml", "--qos", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        listener.waitUntilExit()
        #expect(listener.terminationStatus == 0)
        let l = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: listenOut + "/listen-summary.json"))) as! [String: Any]
        let s = try summary(out)
        let total = (l["totals"] as! [String: Any])["energy_kwh"] as! Double
        #expect(abs(total - energyKWh(s)) / energyKWh(s) < 1e-6)
        // co2_kg and cost are null without a grid: read the energies only.
        let runLayers = (s["by_layer"] as! [String: [String: Any]]).mapValues { $0["energy_kwh"] as! Double }
        let heard = (l["by_layer"] as! [String: [String: Any]]).mapValues { $0["energy_kwh"] as! Double }
        for (layer, v) in runLayers where v > 0 {
            #expect(abs(heard[layer]! - v) / v < 1e-6, "\(layer)")
        }
        let checks = l["checks"] as! [String: Int]
        #expect(checks["seq_gaps"] == 0 && checks["duplicates"] == 0)
        // A retained `done` from this run must not stop the next listener at once.
        let again = try CLI.run(["listen", "--mqtt", broker.url, "--until-done", "--timeout", "1", "--quiet", "--out", CLI.temporaryFolder().path])
        #expect(again.status == 69)
    }

    @Test func aBrokerRestartAtQoS1LosesNothing() throws {
        let broker = try Broker(listener: "allow_anonymous true\npersistence true\npersistence_location {dir}/\nautosave_interval 1\n")
        defer { broker.stop() }
        // The listener keeps a persistent session at QoS 1 and reconnects by itself.
        let listenOut = CLI.temporaryFolder().path
        let listener = try Listener([
            "--mqtt", broker.url, "--until-done", "--qos", "1", "--session", "restart-listener",
            "--out", listenOut, "--timeout", "60",
        ])
        // One simulated day in about 6 s of wall time; the broker is away from 2 s to 3.5 s.
        let r = try runThroughAnOutage(broker, ["--qos", "1", "--speed", "15000", "--client-id", "restart-pub"], outage: 1.5)
        #expect(r.status == 0, "\(r.stderr)")
        let heard = listener.finish()
        #expect(heard.status == 0, "\(heard.stderr)")
        // The outage is said, with what the session does about it.
        #expect(heard.stderr.contains("lost the connection to") && heard.stderr.contains("the session keeps what is published meanwhile"), "\(heard.stderr)")
        let s = r.summary
        #expect(telemetry(s).dropped == 0)
        let l = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: listenOut + "/listen-summary.json"))) as! [String: Any]
        let totals = l["totals"] as! [String: Any]
        let checks = l["checks"] as! [String: Int]
        #expect(totals["messages"] as? Int == telemetry(s).published, "every message arrives (re-sent duplicates counted once)")
        #expect(checks["seq_gaps"] == 0)
        #expect(abs((totals["energy_kwh"] as! Double) - energyKWh(s)) / energyKWh(s) < 1e-9)
    }

    @Test func anAbsentBrokerGives69WithinTheReconnectTimeout() throws {
        let started = Date()
        let r = try CLI.run([
            "run", try writeTelemetryScenario(), "--out", CLI.temporaryFolder().path, "--quiet",
            "--mqtt", "mqtt://127.0.0.1:\(Broker.freePort())", "--reconnect-timeout", "2",
        ])
        #expect(r.status == 69)
        #expect(r.stderr.contains("cannot reach the broker"))
        #expect(Date().timeIntervalSince(started) < 15)
    }

    @Test func passwordsComeFromAFileAndWrongOnesGive77() throws {
        let folder = CLI.temporaryFolder()
        let passwd = folder.appendingPathComponent("passwd").path
        let tool = Process()
        tool.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_passwd")
        tool.arguments = ["-c", "-b", passwd, "city", "s3cret"]
        try tool.run()
        tool.waitUntilExit(within: childTimeLimit)
        let broker = try Broker(listener: "allow_anonymous false\npassword_file \(passwd)\n")
        defer { broker.stop() }
        let wrong = folder.appendingPathComponent("wrong").path, right = folder.appendingPathComponent("right").path
        try "nope\n".write(toFile: wrong, atomically: true, encoding: .utf8)
        try "s3cret\n".write(toFile: right, atomically: true, encoding: .utf8)
        let url = "mqtt://city@127.0.0.1:\(broker.port)"
        let scenario = try writeTelemetryScenario()
        let bad = try CLI.run([
            "run", scenario, "--out", folder.appendingPathComponent("o1").path, "--quiet", "--mqtt", url, "--password-file", wrong, "--reconnect-timeout", "5",
        ])
        #expect(bad.status == 77, "\(bad.stderr)")
        #expect(bad.stderr.contains("refused"))
        let good = try CLI.run(["run", scenario, "--out", folder.appendingPathComponent("o2").path, "--quiet", "--mqtt", url, "--password-file", right])
        #expect(good.status == 0, "\(good.stderr)")
        let env = try CLI.run(
            ["run", scenario, "--out", folder.appendingPathComponent("o3").path, "--quiet", "--mqtt", url, "--mqtt-version", "3.1.1"],
            environment: ["URBANWATT_MQTT_PASSWORD": "s3cret"])
        #expect(env.status == 0, "\(env.stderr)")
        let inURL = try CLI.run(["run", scenario, "--quiet", "--mqtt", "mqtt://city:s3cret@127.0.0.1:\(broker.port)"])
        #expect(inURL.status == 64, "a password in the URL is refused")
    }

    /// At QoS 0 a refused publish gets no answer: mosquitto closes the connection, and what was in
    /// flight is lost. Those messages count as dropped (the run exits 1 and says why), so generated
    /// = published + dropped; the red team's run exited 0 with 44,971 of 84,809 unaccounted.
    @Test func anACLDenialAtQoS0LeavesNoMessageUnaccounted() throws {
        let folder = CLI.temporaryFolder()
        let acl = folder.appendingPathComponent("acl").path
        try "topic deny urbanwatt/teletown/north/#\ntopic readwrite #\n".write(toFile: acl, atomically: true, encoding: .utf8)
        let broker = try Broker(listener: "allow_anonymous true\nacl_file \(acl)\n")
        defer { broker.stop() }
        let out = folder.appendingPathComponent("o").path
        let r = try CLI.run(["run", try writeTelemetryScenario(), "--out", out, "--quiet", "--mqtt", broker.url, "--qos", "0"])
        let t = telemetry(try summary(out))
        #expect(t.generated == t.published + t.dropped, "\(t)")
        if t.dropped > 0 {
            #expect(r.status == 1, "\(r.stderr)")
            #expect(r.stderr.contains("lost with a connection"), "\(r.stderr)")
        } else {
            #expect(r.status == 0, "\(r.stderr)")
        }
    }

    @Test func anACLDenialGives77() throws {
        let folder = CLI.temporaryFolder()
        let acl = folder.appendingPathComponent("acl").path
        try "topic read #\n".write(toFile: acl, atomically: true, encoding: .utf8)
        let broker = try Broker(listener: "allow_anonymous true\nacl_file \(acl)\n")
        defer { broker.stop() }
        let r = try CLI.run([
            "run", try writeTelemetryScenario(), "--out", folder.appendingPathComponent("o").path, "--quiet", "--mqtt", broker.url, "--qos", "1",
        ])
        #expect(r.status == 77, "\(r.stderr)")
        #expect(r.stderr.contains("refused"))
    }
}
