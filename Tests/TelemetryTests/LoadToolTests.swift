import Foundation
import TestSupport
import Testing
import UrbanWattCore
@testable import UrbanWattTelemetry
@testable import urbanwatt

/// The stream as a load tool (issue 24, item 5): the publisher's counters and acknowledgement
/// latency on `run --metrics`, the live line, and `listen --latency` from each message's `sent_at`,
/// against a real mosquitto.
@Suite(.serialized) struct LoadToolTests {
    /// A paced run (the day in 3 s) serves its counters while it streams: Prometheus's format
    /// (promtool checks it), counters that only grow and end at the run's own figures, and a
    /// histogram of acknowledgement latency over the messages acknowledged at QoS 1.
    @Test func aStreamingRunServesItsCountersAndAcknowledgementLatency() throws {
        let broker = try Broker()
        defer { broker.stop() }
        let port = Broker.freePort()
        let out = CLI.temporaryFolder().path
        let run = Process()
        run.executableURL = CLI.binary
        run.arguments = [
            "run", try writeTelemetryScenario(), "--mqtt", broker.url, "--qos", "1", "--speed", "28800", "--metrics", "127.0.0.1:\(port)",
            "--out", out, "--quiet",
        ]
        run.standardOutput = FileHandle.nullDevice
        run.standardError = FileHandle.nullDevice
        try run.run()
        func value(_ text: String, _ name: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix(name + " ") || $0.hasPrefix(name + "{") }.flatMap { Double($0.split(separator: " ").last!) }
        }
        var scrapes: [String] = []
        // Scraped every 0.2 s while it runs (a run that hangs is killed below).
        try poll(within: childTimeLimit, every: 0.2) {
            let text = try CLI.tool("/usr/bin/curl", ["-s", "--max-time", "1", "http://127.0.0.1:\(port)/metrics"])
            if text.contains("urbanwatt_publisher_acknowledged_messages_total") { scrapes.append(text) }
            return !run.isRunning
        }
        run.waitUntilExit(within: childTimeLimit)
        #expect(run.terminationStatus == 0)
        try #require(scrapes.count >= 3, "scraped \(scrapes.count) times while the run streamed")
        let acknowledged = scrapes.compactMap { value($0, "urbanwatt_publisher_acknowledged_messages_total") }
        #expect(acknowledged == acknowledged.sorted() && acknowledged.last! > 0, "\(acknowledged)")
        let published = telemetry(try summary(out)).published
        #expect(Int(acknowledged.last!) <= published)
        let last = scrapes.last!
        let check = try CLI.program("/usr/bin/promtool", ["check", "metrics"], input: last)
        #expect(check.status == 0 && (check.stdout + check.stderr).isEmpty, "promtool: \(check.stdout + check.stderr)")
        // The histogram: cumulative buckets, +Inf equal to the count, one sample per acknowledgement.
        let buckets = last.split(separator: "\n").filter { $0.hasPrefix("urbanwatt_publisher_ack_latency_seconds_bucket") }.compactMap {
            Double($0.split(separator: " ").last!)
        }
        let count = try #require(value(last, "urbanwatt_publisher_ack_latency_seconds_count"))
        #expect(buckets == buckets.sorted() && buckets.last == count && count > 0 && count <= acknowledged.last!, "\(buckets) \(count)")
        #expect((value(last, "urbanwatt_publisher_ack_latency_seconds_sum") ?? -1) >= 0)
    }

    /// `listen --latency`: every message of a QoS 1 run carries its `sent_at`, with one client and
    /// with a pool of three; the percentiles are ordered and plausible on a loopback broker. Under
    /// MQTT 3.1.1 nothing carries `sent_at`, and payload times of a simulated 2025 time nothing.
    @Test(arguments: [["--clients", "1"], ["--clients", "3"], ["--mqtt-version", "3.1.1"]])
    func listenMeasuresEndToEndLatency(_ options: [String]) throws {
        let broker = try Broker()
        defer { broker.stop() }
        let listenOut = CLI.temporaryFolder().path
        let listener = try Listener(["--mqtt", broker.url, "--until-done", "--timeout", "60", "--latency", "--out", listenOut])
        let out = CLI.temporaryFolder().path
        let r = try CLI.run(["run", try writeTelemetryScenario(), "--mqtt", broker.url, "--qos", "1", "--out", out, "--quiet"] + options)
        #expect(r.status == 0, "\(r.stderr)")
        let l = listener.finish()
        #expect(l.status == 0, "\(l.stderr)")
        let heard = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: listenOut + "/listen-summary.json"))) as! [String: Any]
        let latency = try #require(heard["latency"] as? [String: Any])
        let n = { (key: String) in (latency[key] as? NSNumber)?.doubleValue ?? -1 }
        let published = Double(telemetry(try summary(out)).published)
        if options.contains("3.1.1") {
            #expect(n("messages") == 0 && n("timed_by_sent_at") == 0 && n("timed_by_payload_time") == 0, "\(latency)")
            return
        }
        #expect(n("messages") == published && n("timed_by_sent_at") == published, "\(latency)")
        #expect(
            0 <= n("p50_ms") && n("p50_ms") <= n("p95_ms") && n("p95_ms") <= n("p99_ms") && n("p99_ms") <= n("max_ms") && n("max_ms") < 10_000, "\(latency)")
        #expect(l.stderr.contains("urbanwatt: latency over "), "\(l.stderr)")
    }

    /// Scrapes of `listen --metrics` print nothing on stdout (a library's log line per request
    /// once landed in the live table there): stdout holds the final table alone.
    @Test func scrapesLeaveStdoutToTheTable() throws {
        let broker = try Broker()
        defer { broker.stop() }
        let port = Broker.freePort()
        let listen = Process()
        listen.executableURL = CLI.binary
        listen.arguments = ["listen", "--mqtt", broker.url, "--metrics", "127.0.0.1:\(port)", "--timeout", "3", "--out", CLI.temporaryFolder().path]
        let stdout = PipeText()
        listen.standardOutput = stdout.pipe
        listen.standardError = FileHandle.nullDevice
        try listen.run()
        var scraped = 0
        try poll(within: childTimeLimit, every: 0.1) {
            if try CLI.tool("/usr/bin/curl", ["-s", "--max-time", "1", "http://127.0.0.1:\(port)/metrics"]).contains("urbanwatt_messages_total") {
                scraped += 1
            }
            return !listen.isRunning
        }
        listen.waitUntilExit(within: 30)
        let text = stdout.finish()
        #expect(scraped >= 5, "scraped \(scraped) times")
        #expect(text.hasPrefix("listening: 0 messages") && text.split(separator: "\n").count == 3, "\(text)")
    }

    /// HdrHistogram's percentiles by hand: 1 to 100 ms, one each, give a median of 50 ms and a
    /// 99th percentile of 99 ms (to its three significant digits), 50 at or under 50 ms.
    @Test func latencyPercentilesByHand() {
        let h = LatencyHistogram()
        for ms in 1...100 { h.record(seconds: Double(ms) / 1000) }
        let s = h.snapshot
        #expect(s.count == 100 && abs(s.p50 - 0.050) < 0.0001 && abs(s.p99 - 0.099) < 0.0001 && abs(s.max - 0.100) < 0.0001, "\(s)")
        #expect(abs(s.mean - 0.0505) < 0.0001)
        #expect(s.cumulative[LatencyHistogram.buckets.firstIndex(of: 0.05)!] == 50 && s.cumulative.last == 100)
    }

    @Test func theStampHasThirteenDigits() {
        #expect(MessageProperties.stamp(1_765_000_000.1234) == "1765000000123" && MessageProperties.stamp(0) == "0000000000000")
        let p = MessageProperties.telemetry(.json).stamped(1_765_000_000)
        #expect(p.user(MessageProperties.sentAt) == "1765000000000" && p.user.last?.key == MessageProperties.sentAt)
    }

    @Test func theLiveLineNamesEachCounter() {
        let p = TelemetryPublisher.Live(sent: 12_345, acknowledged: 12_300, dropped: 0, inFlight: 45, queued: 7)
        #expect(
            ProgressBar.streamLine(time: "2025-06-01 08:15", fraction: 0.234, rate: 1234.4, p)
                == "2025-06-01 08:15  23.4%  1,234 msg/s  published 12,345  acknowledged 12,300  dropped 0  in flight 45  queued 7")
    }
}
