import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattResults
import UrbanWattTelemetry

extension UrbanWatt {
    struct Listen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Subscribe to telemetry, aggregate it live, and write listen-summary.json with the same totals a run writes.")

        @OptionGroup var broker: BrokerOptions

        @Option(
            help:
                "Topic filter, repeatable (default urbanwatt/# and the FIWARE topics /ul/urbanwatt/# and /json/urbanwatt/#); MQTT 5 shared subscriptions ($share/GROUP/FILTER) split a stream between listeners."
        )
        var topic: [String] = []

        /// The filters subscribed to: `--topic`, or every topic `run` publishes on with the default API key.
        var filters: [String] { topic.isEmpty ? ["urbanwatt/#", "/ul/urbanwatt/#", "/json/urbanwatt/#"] : topic }

        @Option(help: "QoS of the subscription.", completion: Completions.qos)
        var qos: Int32 = 1

        @Flag(help: "Stop at the `done` status of a run seen starting (its run id matches the `running` status).")
        var untilDone = false

        @Option(help: "Stop after this long, connecting included, e.g. 30s or 10min.")
        var timeout: String?

        @Option(help: "Keep a persistent session under this client id, so the broker holds messages while the listener is away (none by default).")
        var session: String?

        @Flag(help: "Exit 0 even when sequence gaps or invalid messages were seen.")
        var allowGaps = false

        @Option(help: "Serve the aggregate in the Prometheus text format at http://HOST:PORT/metrics while listening, e.g. 127.0.0.1:9464.")
        var metrics: String?

        @Option(help: "With --metrics, keep serving the final figures this long after listening ends, so a last scrape sees them (default 0s, at most 1h).")
        var linger: String = "0s"

        @Option(
            help:
                "Write per-fleet, per-step aggregates to InfluxDB 1.x, e.g. http://127.0.0.1:8086/write?db=urbanwatt (once a second, in batches, with retries)."
        )
        var influx: String?

        @Option(help: "Folder for listen-summary.json (default out/listen-SCENARIO, after the run heard).")
        var out: String?

        @Flag(
            help:
                "Measure end-to-end latency: receipt less each message's publish time (the run's MQTT 5 user property sent_at, else the payload's time, meaningful at --speed realtime); p50/p95/p99 in listen-summary.json and --metrics."
        )
        var latency = false

        @Flag(help: "No live table.")
        var quiet = false

        @Option(help: "Distinct fleets counted at the most (1 to 1000000; each is an aggregate and four series); messages of further fleets count as invalid.")
        var maxSeries: Int = Aggregator.defaultMaximumFleets

        static let maxSeriesRange = 1...1_000_000

        func validate() throws {
            if broker.mqtt == nil { throw ValidationError("--mqtt is required") }
            if !(0...2).contains(qos) { throw ValidationError("--qos expects 0, 1 or 2") }
            for t in topic {
                if let problem = TopicFilter.problem(t) { throw ValidationError("--topic \"\(t.prefix(80))\": \(problem)") }
            }
            if let timeout { _ = try OptionValues.duration(timeout, option: "--timeout", range: 0.1...Dimension.yearSeconds) }
            if let session, !Name.isValid(session) { throw ValidationError("--session: " + Name.problem(session, what: "a session name")) }
            if let metrics, case .failure(let why) = MetricsServer.parse(metrics) { throw ValidationError("--metrics: \(why)") }
            if let influx, let why = InfluxWriter.problem(influx) { throw ValidationError("--influx: \(why)") }
            _ = try OptionValues.duration(linger, option: "--linger", range: 0...3600)
            if !Self.maxSeriesRange.contains(maxSeries) {
                throw ValidationError("--max-series expects a whole number from 1 to 1000000, got \(maxSeries)")
            }
        }

        func run() throws {
            // Before listening for minutes: a folder holding what UrbanWatt did not write is never replaced.
            if let out { try writing { () throws(OutputFolder.Failure) in try StagedFolder.checkReplaceable(out) } }
            guard var settings = try broker.settings(defaultClientID: "urbanwatt-listen-\(getpid())") else { return }
            let limit = try timeout.map { try OptionValues.duration($0, option: "--timeout", range: 0.1...Dimension.yearSeconds) }
            // --timeout bounds the whole listen, connecting included.
            if let limit { settings.reconnectTimeout = min(settings.reconnectTimeout, limit) }
            let listener = TelemetryListener(settings: settings, filters: filters, qos: qos, session: session, maximumFleets: maxSeries, latency: latency)
            // Attached before subscribing, so the writer sees the first message too; steps are the
            // run's (from its `running` status), or quarter hours until it is known.
            let writer = influx.flatMap { InfluxWriter(url: $0, labels: { listener.fleetLabels }) }
            // A database that is missing or refuses fails now, not after the whole stream.
            if let why = writer?.check(timeout: min(5, limit ?? 5)) {
                listener.stop()
                throw CommandFailure(ExitStatus.unavailable, "--influx: \(why)")
            }
            // --timeout bounds the writes too: the last one gets one request's time after it.
            writer?.deadline = limit.map { Date().addingTimeInterval($0 + InfluxWriter.requestTimeout) }
            if let writer {
                listener.onCounted = { d, step in if let t = d.time { writer.add(fleet: d.fleet, time: t, energy: d.energy, step: step) } }
                writer.start()
            }
            let url = settings.url
            listener.onConnectionLost = { count, kept in
                printError(
                    "urbanwatt: lost the connection to \(url) (\(count) so far); reconnecting"
                        + (kept ? ", the session keeps what is published meanwhile" : "; without --session what is published meanwhile is lost"))
            }
            do {
                try listener.start()
            } catch {
                if case .refused = error { throw CommandFailure(ExitStatus.noPermission, "\(error)") }
                throw CommandFailure(ExitStatus.unavailable, "\(error)")
            }
            var server: MetricsServer?
            if let metrics, case .success(let address) = MetricsServer.parse(metrics) {
                do {
                    server = try MetricsServer(host: address.host, port: address.port) {
                        PrometheusText.render(listener.snapshot, latency: listener.latency?.snapshot)
                    }
                } catch {
                    listener.stop()
                    throw CommandFailure(ExitStatus.unavailable, "--metrics \(metrics): cannot serve there: \(error)")
                }
                if !quiet { printError("urbanwatt: metrics at http://\(metrics)/metrics") }
            }
            // Before the line scripts wait for: a signal sent on seeing it must find the handler.
            Interrupt.install()
            // Subscribed: what is published from now on is heard (scripts and tests wait for this line).
            if !quiet { printError("urbanwatt: listening on \(filters.joined(separator: ", ")) at \(settings.url)") }
            let live = !quiet && isatty(2) == 1
            var lastDraw = Date.distantPast
            let done = listener.wait(untilDone: untilDone, timeout: limit, shouldStop: Interrupt.requested) {
                guard live, Date().timeIntervalSince(lastDraw) > 0.5 else { return }
                lastDraw = Date()
                FileHandle.standardError.write(Data(("\u{1B}[H\u{1B}[2J" + LiveTable.render(listener.snapshot)).utf8))
            }
            listener.stop()
            var influxFailed = false
            if let server {
                let seconds = (try? OptionValues.duration(linger, option: "--linger", range: 0...3600)) ?? 0
                let until = Date().addingTimeInterval(seconds)
                while Date() < until && !Interrupt.requested() { Thread.sleep(forTimeInterval: 0.1) }
                server.stop()
            }
            let aggregate = listener.snapshot
            if let writer {
                let ok = writer.stop()
                let c = writer.currentCounts
                if !ok || c.dropped > 0 {
                    printError(
                        "urbanwatt: --influx \(Redaction.url(influx ?? "")): \(c.failedRequests) writes failed after retries\(c.lastError.map { " (\($0))" } ?? ""), "
                            + "\(c.dropped) fleet-steps dropped past \(InfluxWriter.maximumSteps); \(c.written) lines written")
                    influxFailed = true
                } else if !quiet {
                    printError("urbanwatt: \(c.written) aggregate lines written to InfluxDB")
                }
            }
            let out = try write(aggregate, latency: listener.latencySummary)
            if !quiet, let l = listener.latency?.snapshot, l.count > 0 {
                let ms = { (x: Double) in FixedDecimal.format(x * 1000, digits: 1) }
                printError(
                    "urbanwatt: latency over \(FixedDecimal.grouped(l.count)) messages: p50 \(ms(l.p50)) ms, p95 \(ms(l.p95)) ms, p99 \(ms(l.p99)) ms, max \(ms(l.max)) ms"
                )
            }
            if !quiet { print(LiveTable.render(aggregate), terminator: "") }
            if influxFailed { throw CommandFailure(ExitStatus.unavailable, "not every aggregate reached InfluxDB") }
            if let run = listener.lost {
                throw CommandFailure(
                    ExitStatus.internalError, "the run \(run) was lost mid-stream (the broker published its last will); what was received is in \(out)/")
            }
            if untilDone && !done {
                throw CommandFailure(Interrupt.requested() ? Interrupt.exitCode : ExitStatus.unavailable, "stopped before a `done` status arrived")
            }
            if !allowGaps && (aggregate.gaps > 0 || aggregate.invalid > 0) {
                let example = aggregate.invalidExamples.first.map { "; first invalid on \($0.topic): \($0.reason)" } ?? ""
                throw CommandFailure(
                    ExitStatus.internalError,
                    "the stream was not whole: \(aggregate.gaps) sequence gaps, \(aggregate.invalid) invalid messages\(example) (--allow-gaps accepts them)")
            }
            // Stopped by Ctrl-C or SIGTERM: what was heard is written; the code says how it ended.
            if Interrupt.requested() { throw CommandFailure(Interrupt.exitCode, "interrupted; what was received is in \(out)/") }
        }
    }
}

extension UrbanWatt.Listen {
    /// Writes listen-summary.json into `--out`, or by default into out/listen-SCENARIO after the
    /// run heard (a name from the network, used only when it is a valid scenario name). A default
    /// folder that may not be replaced (it holds what UrbanWatt did not write) gives way to a new
    /// one beside it rather than losing what was heard. Returns the folder.
    func write(_ aggregate: Aggregator, latency: JSONValue? = nil) throws -> String {
        let summary = aggregate.summary(latency: latency).serialized()
        func put(_ folder: String) throws(OutputFolder.Failure) {
            try StagedFolder.replace(folder, command: "listen") { f throws(OutputFolder.Failure) in try f.write("listen-summary.json", summary) }
        }
        if let out {
            try writing { () throws(OutputFolder.Failure) in try put(out) }
            return out
        }
        let heard = aggregate.scenario.flatMap { Name.isValid($0) && $0 != "." && $0 != ".." ? $0 : nil }
        let folder = "out/listen" + (heard.map { "-\($0)" } ?? "")
        do {
            try put(folder)
            return folder
        } catch .refused, .foreign {
            let beside = folder + "-\(Int(Date().timeIntervalSince1970))"
            printError("urbanwatt: \(folder)/ holds what UrbanWatt did not write; writing to \(beside)/ instead")
            try writing { () throws(OutputFolder.Failure) in try put(beside) }
            return beside
        } catch {
            throw CommandFailure(ExitStatus.cannotCreate, "\(error)")
        }
    }
}

/// The listener's table: messages and energy by layer and fleet.
enum LiveTable {
    static func render(_ a: Aggregator) -> String {
        let s = a.summary()
        var rows = [["layer / fleet", "messages", "energy kWh"]]
        for section in ["by_layer", "by_fleet"] {
            if case .object(let pairs)? = s[section] {
                for (name, v) in pairs {
                    rows.append([name, String(Int(v["messages"]?.doubleValue ?? 0)), SummaryTable.number(v["energy_kwh"]?.doubleValue ?? 0)])
                }
            }
        }
        let head =
            "listening: \(a.messages) messages, \(SummaryTable.number(a.energyKWh)) kWh, \(a.duplicates) duplicates, \(a.gaps) gaps, \(a.invalid) invalid\n"
        return head + SummaryTable.table(rows).joined(separator: "\n") + "\n"
    }
}
