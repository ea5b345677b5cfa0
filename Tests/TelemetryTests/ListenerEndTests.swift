import Foundation
import TestSupport
import Testing

/// The listener counts every message at QoS 2 and ends when the run it follows dies: the red
/// team's `listen --qos 2` kept about 20 of 2,000 messages and exited 0, and a listener waiting for
/// a killed run's `done` waited for ever.
@Suite(.serialized) struct ListenerEndTests {
    /// A streamed run at QoS 2 under MQTT 5 and 3.1.1: teletown's day is 7,833 messages, 26 days
    /// about 200,000; the listener counts each exactly and its totals are the run's.
    @Test(arguments: [("2025-06-02", "5"), ("2025-06-02", "3.1.1"), ("2025-06-27", "5")])
    func qos2LosesNothing(to end: String, version: String) throws {
        let broker = try Broker()
        defer { broker.stop() }
        let listenOut = CLI.temporaryFolder().path + "/listen"
        let listener = try Listener([
            "--mqtt", broker.url, "--qos", "2", "--mqtt-version", version, "--until-done", "--out", listenOut,
            "--timeout", "300",
        ])
        let out = CLI.temporaryFolder().path + "/run"
        let r = try CLI.run([
            "run", try writeTelemetryScenario(), "--to", end, "--out", out, "--quiet", "--mqtt", broker.url, "--qos", "2",
            "--mqtt-version", version,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let (status, stderr) = listener.finish()
        #expect(status == 0, "\(stderr)")
        let generated = telemetry(try summary(out)).generated
        let heard = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: listenOut + "/listen-summary.json"))) as! [String: Any]
        let totals = heard["totals"] as! [String: Any]
        #expect((totals["messages"] as! NSNumber).intValue == generated, "\(heard)")
        #expect(((heard["checks"] as! [String: Any])["seq_gaps"] as! NSNumber).intValue == 0)
        #expect(abs((totals["energy_kwh"] as! Double) - energyKWh(try summary(out))) <= 1e-9 * energyKWh(try summary(out)))
    }

    /// 2,000 messages from `mosquitto_pub -q 2` (not UrbanWatt payloads): each is heard, as invalid.
    @Test func qos2FromAnotherPublisherIsCountedExactly() throws {
        let broker = try Broker()
        defer { broker.stop() }
        let listenOut = CLI.temporaryFolder().path + "/listen"
        let metrics = Broker.freePort()
        let listener = try Listener([
            "--mqtt", broker.url, "--qos", "2", "--out", listenOut, "--timeout", "20", "--allow-gaps", "--metrics", "127.0.0.1:\(metrics)",
        ])
        let lines = (0..<2_000).map { "{\"reading\": \($0)}" }.joined(separator: "\n") + "\n"
        let pub = try CLI.program(
            "/usr/bin/mosquitto_pub",
            [
                "-h", "127.0.0.1", "-p", String(broker.port), "-q", "2", "-V", "5", "-t",
                "urbanwatt/x/city/sensor/f/n", "-l",
            ], input: lines)
        #expect(pub.status == 0, "\(pub.stderr)")
        // Stopped once its metrics count all 2,000, valid or not.
        poll(within: 20) {
            let text = (try? CLI.tool("/usr/bin/curl", ["-s", "--max-time", "1", "http://127.0.0.1:\(metrics)/metrics"])) ?? ""
            let counted = text.split(separator: "\n").filter {
                $0.hasPrefix("urbanwatt_messages_total") || $0.hasPrefix("urbanwatt_invalid_messages_total")
            }.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
            return counted >= 2_000
        }
        kill(listener.process.processIdentifier, SIGINT)
        _ = listener.finish()
        let heard = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: listenOut + "/listen-summary.json"))) as! [String: Any]
        let invalid = ((heard["checks"] as? [String: Any])?["invalid"] as? NSNumber)?.intValue ?? -1
        let messages = ((heard["totals"] as? [String: Any])?["messages"] as? NSNumber)?.intValue ?? -1
        #expect(invalid + messages == 2_000, "\(heard)")
    }

    /// A run killed mid-stream leaves its last will; the listener following it ends, exit 1,
    /// naming the run as lost and writing what it heard.
    @Test func aKilledRunEndsTheListener() throws {
        let broker = try Broker()
        defer { broker.stop() }
        let listenOut = CLI.temporaryFolder().path + "/listen"
        let listener = try Listener(["--mqtt", broker.url, "--until-done", "--out", listenOut, "--timeout", "60"])
        let run = unmaskedProcess([
            CLI.binary.path, "run", try writeTelemetryScenario(), "--out", CLI.temporaryFolder().path + "/run", "--quiet",
            "--mqtt", broker.url, "--qos", "1", "--speed", "8640", "--to", "2025-06-21",
        ])
        let stream = try Subscriber.watching(broker)
        try run.run()
        #expect(stream.waitForTelemetry(), "no telemetry before the kill")
        let killed = Date()
        kill(run.processIdentifier, SIGKILL)
        run.waitUntilExit(within: childTimeLimit)
        let (status, stderr) = listener.finish()
        // It waits `lostAfter` (10 s) for the run to announce itself again, as a reconnecting one does.
        #expect(Date().timeIntervalSince(killed) < 15, "the listener waited on")
        #expect(status == 1, "\(stderr)")
        #expect(stderr.contains("was lost mid-stream (the broker published its last will)"), "\(stderr)")
        #expect(FileManager.default.fileExists(atPath: listenOut + "/listen-summary.json"))
    }
}
