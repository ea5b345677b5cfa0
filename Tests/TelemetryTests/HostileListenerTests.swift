import Foundation
import TestSupport
import Testing
import UrbanWattCore
@testable import UrbanWattTelemetry

/// `listen` against a real broker while another client publishes the hostile corpus and fake
/// statuses: it does not crash, does not end early, keeps the invalid messages out of its totals,
/// and says so with exit 1 (0 with --allow-gaps).
@Suite(.serialized) struct HostileListenerTests {
    /// Publishes `messages` at QoS 1 and waits for the broker's acknowledgements.
    static func publish(_ messages: [OutgoingMessage], to broker: Broker, retain: Bool = false) throws {
        let client = MQTTClientPool(MQTTSettings(url: BrokerURL(broker.url)!, clientID: "hostile-\(UUID().uuidString.prefix(8))"), clients: 1)
        try client.connect()
        var options = TelemetryPublisher.Options()
        options.qos = 1
        options.retain = retain
        options.stallTimeout = 10
        let publisher = TelemetryPublisher(transport: client, options: options)
        #expect(publisher.enqueue(messages) && publisher.flush(), "\(String(describing: publisher.failed))")
        client.disconnect()
    }

    @Test(arguments: [false, true])
    func hostileMessagesAndFakeStatusesNeitherCrashNorEndNorCount(allowGaps: Bool) throws {
        let broker = try Broker()
        defer { broker.stop() }
        // A retained `done` of another run, waiting before the listener starts.
        try Self.publish([OutgoingMessage(topic: "urbanwatt/teletown/status", payload: "{\"state\":\"done\",\"run_id\":\"stale\"}")], to: broker, retain: true)
        let out = CLI.temporaryFolder().path
        let listener = try Listener(["--mqtt", broker.url, "--until-done", "--out", out, "--timeout", "60"] + (allowGaps ? ["--allow-gaps"] : []))
        // Every hostile message, on topics the listener reads, and statuses that must not end it.
        let hostile = HostileCorpus.all.map { OutgoingMessage(bytes: Array($0.topic.utf8) + [0] + $0.payload, topicLength: $0.topic.utf8.count) }
        let fakes = ["{\"state\":\"done\"}", "{\"state\":\"done\",\"run_id\":\"not-seen\"}", "[[[[", "{\"state\":\"done\",\"run_id\":1e300}"]
            .map { OutgoingMessage(topic: "urbanwatt/other/status", payload: $0) }
        try Self.publish(hostile.filter { $0.topic.hasPrefix("urbanwatt/") } + fakes, to: broker)
        #expect(listener.process.isRunning, "a fake or stale `done` ended the listener")
        let runOut = CLI.temporaryFolder().path
        let run = try CLI.run(["run", try writeTelemetryScenario(), "--out", runOut, "--quiet", "--mqtt", broker.url, "--qos", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        let l = listener.finish()
        let heardSummary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/listen-summary.json"))) as! [String: Any]
        let checks = heardSummary["checks"] as! [String: Int]
        let invalid = HostileCorpus.all.filter { $0.topic.hasPrefix("urbanwatt/") }.count
        #expect(checks["invalid"] == invalid)
        #expect(checks["seq_gaps"] == 0 && checks["duplicates"] == 0)
        let heard = (heardSummary["totals"] as! [String: Any])["energy_kwh"] as! Double
        let ran = energyKWh(try summary(runOut))
        #expect(abs(heard - ran) / ran < 1e-9, "the hostile energies stayed out of the totals")
        if allowGaps {
            #expect(l.status == 0, "\(l.stderr)")
        } else {
            #expect(l.status == 1, "\(l.stderr)")
            #expect(l.stderr.contains("urbanwatt: the stream was not whole: 0 sequence gaps, \(invalid) invalid messages; first invalid on"), "\(l.stderr)")
        }
    }
}
