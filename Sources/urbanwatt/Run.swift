import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattKit
import UrbanWattResults
import UrbanWattScenario
import UrbanWattTelemetry

extension UrbanWatt {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate scenarios and write summary.json, timeseries.csv, fleets.csv and report.html.",
            discussion: "Without a scenario, runs the built-in default (\(BuiltinScenarios.defaultName)).")

        @Argument(help: "Scenario files or built-in scenario names.", completion: Completions.scenario)
        var scenarios: [String] = []

        @Option(help: "Output folder (default out/<scenario>; with several scenarios, DIR/<scenario>).")
        var out: String?

        @OptionGroup var period: PeriodOptions

        @Option(help: "Interval of timeseries.csv, a whole number of steps.")
        var resolution: String = "1h"

        @Option(help: "Columns of timeseries.csv: layers (a column per layer) or fleets (a column per fleet).")
        var timeseries: CSVWriters.Columns = .layers

        @Option(help: "Monte Carlo replications: draw every uncertain parameter per run, report p5/p50/p95.")
        var runs: Int?

        @Option(
            help:
                "Simulate only shard K of N (e.g. 2/4): its share of every fleet's nodes, or with --runs its share of the runs; combine the shards with `urbanwatt merge`."
        )
        var shard: String?

        @Option(
            help:
                "Seal the shard with this secret (16 bytes to 1 MiB, e.g. from `head -c 32 /dev/urandom`), for shards that pass through storage you do not trust; `merge --key-file` checks it."
        )
        var keyFile: String?

        @OptionGroup(title: "Telemetry over MQTT") var broker: BrokerOptions

        @OptionGroup(title: "Telemetry content and pacing") var telemetry: TelemetryOptions

        @Option(help: "Refuse a run expected to need more memory than this, e.g. 8GB (default: three quarters of this machine's memory).")
        var maxMemory: String?

        @Option(
            help:
                "With --mqtt, serve the publisher's counters and acknowledgement latency to Prometheus at http://HOST:PORT/metrics while streaming, e.g. 127.0.0.1:9465."
        )
        var metrics: String?

        @Flag(help: "Print nothing but errors.")
        var quiet = false

        @Flag(help: "Print summary.json to stdout instead of the table.")
        var json = false

        func validate() throws {
            if let runs, !(2...100_000).contains(runs) { throw ValidationError("--runs expects 2 to 100000 replications, got \(runs)") }
            if let shard, Shard(parsing: shard) == nil { throw ValidationError("--shard expects K/N with 1 ≤ K ≤ N, such as 2/4, got \"\(shard)\"") }
            if let runs, let n = shard.flatMap(Shard.init(parsing:))?.count, n > runs {
                throw ValidationError("--shard with --runs splits the runs: \(n) shards of \(runs) runs would leave some without a run")
            }
            if let metrics {
                if broker.mqtt == nil { throw ValidationError("--metrics serves the stream's counters: use it with --mqtt") }
                if case .failure(let why) = MetricsServer.parse(metrics) { throw ValidationError("--metrics: \(why)") }
            }
            if keyFile != nil && shard == nil { throw ValidationError("--key-file seals a shard's files for merge: use it with --shard K/N") }
            _ = try OptionValues.memory(maxMemory)
        }

        func run() throws {
            // From the start: Ctrl-C during set-up must not end the process without a word.
            Interrupt.install()
            let key = try keyFile.map(ShardKey.load)
            let names: [String?] = scenarios.isEmpty ? [nil] : scenarios.map { $0 }
            for name in names {
                var loaded = try ScenarioSource.load(name)
                try period.apply(to: &loaded.scenario)
                let folder =
                    out.map { names.count > 1 ? PathText.join($0, loaded.scenario.name) : $0 }
                    ?? "out/\(loaded.scenario.name)"
                // Before any work: a folder holding what UrbanWatt did not write is never replaced.
                try writing { () throws(OutputFolder.Failure) in try StagedFolder.checkReplaceable(folder) }
                try simulate(loaded, into: folder, key: key)
            }
        }

        /// Connects to the broker when --mqtt is given (exit 69 unreachable, 77 refused).
        func telemetrySession(_ engine: Engine) throws -> TelemetrySession? {
            guard let settings = try broker.settings(defaultClientID: "urbanwatt-\(engine.scenario.name)-\(getpid())") else { return nil }
            let config = try telemetry.config(step: engine.clock.step)
            if !quiet {
                let seconds = Double(engine.clock.count) * Double(engine.clock.step)
                let count = WorkEstimate.messages(engine.scenario, seconds: seconds, interval: Double(config.interval)) * config.sample
                printError("urbanwatt: streaming about \(FixedDecimal.grouped(Int(count))) messages to \(settings.url)")
            }
            do {
                var options = telemetry.sessionOptions
                options.interrupted = { Interrupt.requested() }
                let session = try TelemetrySession.connect(engine: engine, config: config, settings: settings, options: options)
                if !quiet && telemetry.clients > 1, let seconds = session.connectSeconds {
                    printError(
                        "urbanwatt: \(telemetry.clients) clients connected in \(String(format: "%.2f", seconds)) s (\(Int(Double(telemetry.clients) / max(seconds, 1e-6))) a second)"
                    )
                }
                return session
            } catch {
                throw CommandFailure(ExitStatus.telemetry(error), "\(error)")
            }
        }

        /// `--metrics`: the publisher's counters while the run streams (exit 69 when the address is taken).
        func metricsServer(_ session: TelemetrySession, scenario: String) throws -> MetricsServer? {
            guard let metrics, case .success(let address) = MetricsServer.parse(metrics) else { return nil }
            do {
                let server = try MetricsServer(host: address.host, port: address.port) {
                    PrometheusText.render(publisher: session.live, latency: session.ackLatency.snapshot, scenario: scenario)
                }
                if !quiet { printError("urbanwatt: metrics at http://\(metrics)/metrics") }
                return server
            } catch {
                throw CommandFailure(ExitStatus.unavailable, "--metrics \(metrics): cannot serve there: \(error)")
            }
        }

        func simulate(_ loaded: Simulation, into path: String, key: ShardKey?) throws {
            let scenario = loaded.scenario
            let memory = try? OptionValues.memory(maxMemory)
            let (rows, estimate) = try usage {
                let rows = try RunPlan.stepsPerRow(resolution, scenario: scenario)
                // With --runs, --shard splits the Monte Carlo runs and the central run is whole.
                return (
                    rows,
                    try RunPlan.admit(
                        scenario, runs: runs, sharded: shard != nil && runs == nil, stepsPerRow: rows,
                        streaming: broker.mqtt != nil && telemetry.telemetry == "nodes", maxMemory: memory)
                )
            }
            // Drawing and sorting every node's phases takes a while for millions of nodes: say so first.
            if !quiet && estimate.nodes >= 2_000_000 { printError("urbanwatt: setting up \(estimate.nodes) nodes…") }
            var job = RunJob(folder: path, stepsPerRow: rows)
            (job.columns, job.runs, job.shard, job.key) = (timeseries, runs, shard.flatMap(Shard.init(parsing:)), key)
            let period = self.period
            job.adjust = { try? period.apply(to: &$0) }
            let engine = loaded.engine(for: job)
            let session = try telemetrySession(engine)
            let progress = ProgressBar(clock: engine.clock, style: .forStderr(quiet: quiet))
            var server: MetricsServer?
            defer { server?.stop() }
            if let session {
                progress.stream = { (session.live, session.streamedSteps) }
                server = try metricsServer(session, scenario: scenario.name)
            }
            let counter = runs.map { _ in RunCounter(total: job.shardRuns, style: .forStderr(quiet: quiet)) }
            var dropWarning: String?
            var hooks = RunJob.Hooks()
            hooks.progress = progress.update
            hooks.shouldStop = { Interrupt.requested() || session?.shouldStop == true }
            hooks.simulated = progress.finish
            hooks.runFinished = { done in counter?.update(done) }
            if let session {
                hooks.stream = { range, series in
                    session.publish(range, series: series, clock: engine.clock) {
                        progress.tick()
                        return Interrupt.requested()
                    }
                    return max(0, session.streamedSteps - range.lowerBound)
                }
                hooks.streamEnded = { summary in
                    let interrupted = summary.map { !$0.complete || Interrupt.requested() } ?? true
                    let counts = session.finish(totals: summary?.totals, balance: summary?.balance, interrupted: interrupted && session.failure == nil)
                    dropWarning = session.dropReason(counts)
                    return RunSummary.Telemetry(
                        generated: counts.generated, published: counts.published, dropped: counts.dropped,
                        clients: telemetry.clients, connectSeconds: session.connectSeconds)
                }
            }
            let outcome: RunJob.Outcome
            do {
                outcome = try loaded.execute(job, engine: engine, hooks: hooks)
                counter?.finish()
            } catch {
                counter?.finish()
                switch error {
                case .cannotWrite: throw CommandFailure(ExitStatus.cannotCreate, error.description)
                case .draws: throw CommandFailure(ExitStatus.dataError, "\(error)\nnothing written to \(path)/")
                case .interruptedBeforeStart: throw CommandFailure(Interrupt.exitCode, "\(error); nothing written to \(path)/")
                }
            }
            let summary = outcome.summary
            if let share = summary.uncertainty?.redrawShare, share > Simulation.warningRedrawShare {
                printError(
                    "urbanwatt: \(FixedDecimal.format(share * 100, digits: 1)) % of the parameter draws fell outside their valid ranges and were drawn "
                        + "again (uncertainty.redraw_share): the bands describe the distributions truncated to those ranges")
            }
            if json {
                print(summary.json().serialized(), terminator: "")
            } else if !quiet {
                print(SummaryTable.render(outcome.breakdown), terminator: "")
                if session != nil {
                    let t = summary.telemetry
                    print(
                        "Telemetry: \(FixedDecimal.grouped(t.published)) MQTT messages published, \(FixedDecimal.grouped(t.dropped)) dropped, of \(FixedDecimal.grouped(t.generated)) generated"
                    )
                }
                if let uncertainty = summary.uncertainty { print(UncertaintyTable.render(uncertainty), terminator: "") }
                print("Results in \(path)/")
            }
            if let dropWarning { printError("urbanwatt: warning: \(dropWarning)") }
            if let failure = session?.failure {
                throw CommandFailure(ExitStatus.telemetry(failure), "\(failure); results so far written to \(path)/")
            }
            let result = outcome.breakdown.result
            if !result.complete || Interrupt.requested() {
                throw CommandFailure(
                    Interrupt.exitCode,
                    RunPlan.interruption(
                        result, runsFinished: outcome.runsInterrupted ? summary.uncertainty?.runs ?? 0 : nil,
                        runsRequested: runs))
            }
            let t = summary.telemetry
            if !telemetry.allowDrops && t.dropped > 0 {
                throw CommandFailure(
                    ExitStatus.dropped,
                    "\(t.dropped) of \(t.generated) messages dropped, \(t.published) published "
                        + "(results written to \(path)/; --allow-drops makes this exit 0)")
            }
        }
    }
}

/// Options that change a scenario's seed, period or step.
struct PeriodOptions: ParsableArguments, Sendable {
    @Option(help: "Random seed, overriding the scenario's.")
    var seed: UInt64?

    @Option(help: "First day simulated (YYYY-MM-DD), overriding the scenario's period.")
    var from: String?

    @Option(help: "Day after the last one simulated (YYYY-MM-DD).")
    var to: String?

    @Option(help: "Step length, e.g. 15min or \"1 h\"; must divide a day.")
    var step: String?

    func apply(to s: inout Scenario) throws {
        try usage { try RunPlan.override(&s, seed: seed, from: from, to: to, step: step) }
    }

}
