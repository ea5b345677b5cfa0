import Foundation
import TestSupport
import Testing
import UrbanWattTelemetry

/// `--clients N` against a real mosquitto: every node's messages over its own connection, each
/// connection with its own client id, session and last will, nothing lost or duplicated at QoS 1.
@Suite(.serialized) struct ManyClientsTests {
    /// QoS and MQTT version.
    @Test(arguments: [("0", "5"), ("1", "5"), ("1", "3.1.1"), ("2", "5")])
    func fortyClientsLoseAndDuplicateNothing(qos: String, version: String) throws {
        // A small receive maximum (MQTT 5), so that holding messages back is exercised.
        let broker = try Broker(listener: "allow_anonymous true\nlog_type all\nmax_inflight_messages 5\n")
        defer { broker.stop() }
        let listenOut = CLI.temporaryFolder().path
        let listener = try Listener(["--mqtt", broker.url, "--until-done", "--qos", "1", "--out", listenOut, "--timeout", "60"])
        let out = CLI.temporaryFolder().path
        let r = try CLI.run([
            "run", try writeTelemetryScenario(), "--out", out, "--quiet", "--mqtt", broker.url, "--qos", qos,
            "--mqtt-version", version, "--clients", "40", "--client-id", "city",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        listener.waitUntilExit()
        #expect(listener.terminationStatus == 0)
        let s = try summary(out)
        #expect(telemetry(s).dropped == 0)
        #expect(telemetry(s).published == telemetry(s).generated)
        #expect((s["telemetry"] as! [String: Any])["clients"] as? Int == 40)
        let l = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: listenOut + "/listen-summary.json"))) as! [String: Any]
        let totals = l["totals"] as! [String: Any]
        let checks = l["checks"] as! [String: Int]
        #expect(totals["messages"] as? Int == telemetry(s).published)
        #expect(checks["seq_gaps"] == 0 && checks["duplicates"] == 0)
        #expect(abs((totals["energy_kwh"] as! Double) - energyKWh(s)) / energyKWh(s) < 1e-9)
        // Forty connections, each under its own id.
        let log = broker.log
        let ids = Set((1...40).filter { log.contains("as city-\($0) (") })
        #expect(ids.count == 40, "connected: \(ids.sorted())")
        #expect(!log.contains("as city-41 ("))
        #expect((1...40).allSatisfy { log.contains("Client city-\($0) disconnected.") }, "each said goodbye, so no last will was published")
    }

    @Test func aBrokerRestartAtQoS1LosesNothingOnAnyConnection() throws {
        let broker = try Broker(listener: "allow_anonymous true\npersistence true\npersistence_location {dir}/\nautosave_interval 1\n")
        defer { broker.stop() }
        let listenOut = CLI.temporaryFolder().path
        let listener = try Listener([
            "--mqtt", broker.url, "--until-done", "--qos", "1", "--session", "restart-listener-many",
            "--out", listenOut, "--timeout", "60",
        ])
        let r = try runThroughAnOutage(broker, ["--qos", "1", "--speed", "15000", "--clients", "20", "--client-id", "restart-many"], outage: 1.5)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.overlapped, "the outage fell inside the run")
        let heard = listener.finish()
        #expect(heard.status == 0, "\(heard.stderr)")
        let l = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: listenOut + "/listen-summary.json"))) as! [String: Any]
        let totals = l["totals"] as! [String: Any]
        #expect(telemetry(r.summary).dropped == 0)
        #expect(totals["messages"] as? Int == telemetry(r.summary).published, "every message arrives (re-sent duplicates counted once)")
        #expect((l["checks"] as! [String: Int])["seq_gaps"] == 0)
        #expect(abs((totals["energy_kwh"] as! Double) - energyKWh(r.summary)) / energyKWh(r.summary) < 1e-9)
    }

    /// A publisher that dies leaves each of its connections' last wills: one `offline` per client.
    @Test func eachConnectionHasItsOwnLastWill() throws {
        let broker = try Broker()
        defer { broker.stop() }
        // A filter ending in `#`, so that the subscriber's readiness probe has a topic to publish on.
        let statuses = try Subscriber(port: broker.port, topic: "urbanwatt/teletown/#")
        let run = Process()
        run.executableURL = CLI.binary
        run.arguments = [
            "run", try writeTelemetryScenario(), "--out", CLI.temporaryFolder().path, "--quiet", "--mqtt", broker.url,
            "--speed", "realtime", "--clients", "6",
        ]
        run.standardError = FileHandle.nullDevice
        try run.run()
        // Killed once it has announced the run: the broker hears six sockets close without DISCONNECT.
        statuses.wait { $0.contains("running") }
        kill(run.processIdentifier, SIGKILL)
        run.waitUntilExit(within: childTimeLimit)
        let heard = statuses.finish(quiet: 1.5).filter { $0.topic == "urbanwatt/teletown/status" }
        #expect(heard.filter { $0.payload.contains("\"running\"") }.count == 1)
        #expect(heard.filter { $0.payload.hasPrefix("{\"state\":\"offline\",\"run_id\":") }.count == 6, "\(heard.map(\.payload))")
    }

    /// A connection the broker drops (here another client takes over its id) leaves the run's last
    /// will, `offline`; the reconnected connection says `running` again, so a listener does not
    /// count a live run as lost. One client and a pool of four.
    @Test(arguments: [1, 4]) func aReconnectedRunSaysItIsAliveAgain(clients: Int) throws {
        let broker = try Broker()
        defer { broker.stop() }
        let statuses = try Subscriber(port: broker.port, topic: "urbanwatt/teletown/#")
        let run = unmaskedProcess([
            CLI.binary.path, "run", try writeTelemetryScenario(), "--out", CLI.temporaryFolder().path, "--quiet",
            "--mqtt", broker.url, "--speed", "realtime", "--clients", "\(clients)", "--client-id", "alive",
        ])
        run.standardError = FileHandle.nullDevice
        try run.run()
        statuses.wait { $0.contains("running") }
        let intruder = unmaskedProcess([
            "/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", String(broker.port), "-i", clients == 1 ? "alive" : "alive-2",
            "-t", "elsewhere", "-m", "x",
        ])
        try intruder.run()
        intruder.waitUntilExit(within: childTimeLimit)
        // The run's last will (`offline`), then its `running` again once it reconnected.
        statuses.wait { $0.components(separatedBy: "\"state\":\"running\"").count >= 3 }
        kill(run.processIdentifier, SIGINT)
        run.waitUntilExit(within: childTimeLimit)
        #expect(run.terminationStatus == 130)
        let states = statuses.finish(quiet: 1).filter { $0.topic == "urbanwatt/teletown/status" }.compactMap { m in
            m.payload.range(of: #""state":"[a-z]+""#, options: .regularExpression).map { String(m.payload[$0].dropFirst(9).dropLast()) }
        }
        #expect(states == ["running", "offline", "running", "interrupted"], "\(states)")
    }

    @Test func connectionsRampAtTheConnectRate() throws {
        let broker = try Broker()
        defer { broker.stop() }
        let out = CLI.temporaryFolder().path
        let r = try CLI.run(["run", try writeTelemetryScenario(), "--out", out, "--quiet", "--mqtt", broker.url, "--clients", "21", "--connect-rate", "40"])
        #expect(r.status == 0, "\(r.stderr)")
        // The 21st connection may open 20/40 s after the first, not sooner.
        let seconds = try #require((try summary(out)["telemetry"] as! [String: Any])["connect_s"] as? Double)
        #expect(seconds >= 0.5, "\(seconds) s")
    }

    @Test func refusalsAndLimitsAreNamed() throws {
        let folder = CLI.temporaryFolder()
        let acl = folder.appendingPathComponent("acl").path
        try "topic read #\n".write(toFile: acl, atomically: true, encoding: .utf8)
        let broker = try Broker(listener: "allow_anonymous true\nacl_file \(acl)\n")
        defer { broker.stop() }
        let scenario = try writeTelemetryScenario()
        // MQTT 5: the broker answers a forbidden publish with reason 0x87 in its PUBACK.
        let denied = try CLI.run([
            "run", scenario, "--out", folder.appendingPathComponent("o").path, "--quiet", "--mqtt", broker.url, "--qos", "1", "--clients", "4",
        ])
        #expect(denied.status == 77, "\(denied.stderr)")
        #expect(denied.stderr.contains("refused"))
        // More connections than the process may open files for.
        let tooMany = try CLI.program(
            "/bin/bash",
            [
                "-c", "ulimit -n 200 && exec \"$0\" \"$@\"", CLI.binary.path, "run", scenario, "--quiet",
                "--out", folder.appendingPathComponent("o2").path, "--mqtt", broker.url, "--clients", "500",
            ])
        #expect(tooMany.status == 69, "\(tooMany.stderr)")
        #expect(tooMany.stderr.contains("--clients 500 needs about 564 open files; this process may open 200"))
        let absent = try CLI.run([
            "run", scenario, "--quiet", "--out", folder.appendingPathComponent("o3").path, "--mqtt", "mqtt://127.0.0.1:9",
            "--clients", "3", "--reconnect-timeout", "1s",
        ])
        #expect(absent.status == 69 && absent.stderr.contains("of 3 clients connected"), "\(absent.stderr)")
    }
}
