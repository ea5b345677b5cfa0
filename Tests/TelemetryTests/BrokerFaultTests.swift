import Foundation
import TestSupport
import Testing

/// Faults of a real mosquitto: a broker that freezes, and one whose packets are too small. Each ends
/// the run loudly (exit 69, results written), never with a hang or exit 0 and nothing sent.
@Suite(.serialized) struct BrokerFaultTests {
    @Test func aFrozenBrokerEndsTheRunWithin69AfterTheReconnectTimeout() throws {
        let broker = try Broker()
        defer { broker.stop() }
        let out = CLI.temporaryFolder().path
        let run = Process()
        run.executableURL = CLI.binary
        run.arguments = [
            "run", try writeTelemetryScenario(), "--out", out, "--quiet", "--mqtt", broker.url, "--qos", "1",
            "--to", "2025-07-01", "--reconnect-timeout", "3s",
        ]
        let err = PipeText()
        run.standardError = err.pipe
        let stream = try Subscriber.watching(broker)
        try run.run()
        #expect(stream.waitForTelemetry(), "no telemetry before the broker froze")
        #expect(run.isRunning, "the run must still be streaming when the broker freezes")
        broker.freeze()
        let frozeAt = Date()
        run.waitUntilExit(within: childTimeLimit)
        let stderr = err.finish()
        let took = Date().timeIntervalSince(frozeAt)
        broker.thaw()
        #expect(run.terminationStatus == 69, "\(stderr)")
        #expect(stderr.contains("the broker stopped acknowledging: no answer for 3 s"), "\(stderr)")
        #expect(took >= 3 && took < 12, "ended \(took) s after the freeze")
        let s = try summary(out)
        #expect(s["complete"] as? Bool == false)
        let t = telemetry(s)
        #expect(t.published > 0 && t.published + t.dropped == t.generated, "\(t)")
    }

    @Test func aBrokerWithSmallPacketsIsAnErrorNotASilentRun() throws {
        let broker = try Broker(listener: "allow_anonymous true\nmax_packet_size 300\n")
        defer { broker.stop() }
        let scenario = try writeTelemetryScenario()
        let status = try CLI.run(["run", scenario, "--out", CLI.temporaryFolder().path, "--quiet", "--mqtt", broker.url, "--reconnect-timeout", "3s"])
        #expect(status.status == 69, "\(status.stderr)")
        #expect(status.stderr.contains("the broker's maximum packet size (300 bytes) is smaller than the run's status message"), "\(status.stderr)")

        let wide = try Broker(listener: "allow_anonymous true\nmax_packet_size 1000\n")
        defer { wide.stop() }
        let out = CLI.temporaryFolder().path
        let long = "urbanwatt/" + String(repeating: "x", count: 900) + "/{node}"
        let message = try CLI.run(["run", scenario, "--out", out, "--quiet", "--mqtt", wide.url, "--qos", "1", "--topic", long, "--reconnect-timeout", "3s"])
        #expect(message.status == 69, "\(message.stderr)")
        #expect(message.stderr.contains("is larger than the broker's maximum packet size (1000 bytes)"), "\(message.stderr)")
        #expect(try summary(out)["complete"] as? Bool == false)
    }

    /// Under MQTT 3.1.1 a CONNACK cannot state the broker's packet limit: mosquitto drops the
    /// connection at the first message over it, and every reconnection the same way. The run ends,
    /// 69, once the reconnect timeout has passed since the first drop; it reconnected forever when
    /// each CONNACK counted as the end of the outage.
    @Test(arguments: [1, 3]) func aBrokerThatDropsEveryConnectionEndsTheRun(clients: Int) throws {
        let broker = try Broker(listener: "allow_anonymous true\nmax_packet_size 1000\n")
        defer { broker.stop() }
        let out = CLI.temporaryFolder().path
        let long = "urbanwatt/" + String(repeating: "x", count: 900) + "/{node}"
        let started = Date()
        let run = try CLI.run([
            "run", try writeTelemetryScenario(), "--out", out, "--quiet", "--mqtt", broker.url, "--mqtt-version", "3.1.1", "--qos", "1",
            "--topic", long, "--reconnect-timeout", "3s", "--clients", "\(clients)",
        ])
        let took = Date().timeIntervalSince(started)
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.stderr.contains("could not reconnect within 3 s"), "\(run.stderr)")
        #expect(took < 20, "ended \(took) s after it started")
        // The simulation finished; the broker took none of its telemetry, and the counts say so.
        let t = telemetry(try summary(out))
        #expect(t.published == 0 && t.dropped == t.generated && t.generated > 7000, "\(t)")
        #expect(run.stderr.contains("dropped \(t.dropped) of \(t.generated) messages: the stream failed"), "\(run.stderr)")
        #expect(broker.log.components(separatedBy: "New client connected").count > 2, "the broker saw no reconnection: \(broker.log)")
    }
}
