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

        @Argument(help: "Scenario files or built-in scenario names.")
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

        @Option(help: "Simulate only shard K of N (e.g. 2/4): its share of every fleet's nodes, or with --runs its share of the runs; combine the shards with `urbanwatt merge`.")
        var shard: String?

        @Option(help: "Seal the shard with this secret (16 bytes to 1 MiB, e.g. from `head -c 32 /dev/urandom`), for shards that pass through storage you do not trust; `merge --key-file` checks it.")
        var keyFile: String?

        @OptionGroup(title: "Telemetry over MQTT") var broker: BrokerOptions

        @OptionGroup(title: "Telemetry content and pacing") var telemetry: TelemetryOptions

        @Option(help: "Refuse a run expected to need more memory than this, e.g. 8GB (default: three quarters of this machine's memory).")
        var maxMemory: String?

        @Flag(help: "Print nothing but errors.")
        var quiet = false

        @Flag(help: "Print summary.json to stdout instead of the table.")
        var json = false

        func validate() throws {
            if telemetry.clients > 1, let url = broker.mqtt.flatMap(BrokerURL.init), url.tls {
                throw ValidationError("--clients \(telemetry.clients) speaks plain MQTT; with mqtts:// use one connection")
            }
            if let runs, !(2...100_000).contains(runs) { throw ValidationError("--runs expects 2 to 100000 replications, got \(runs)") }
            if let shard, Shard(parsing: shard) == nil { throw ValidationError("--shard expects K/N with 1 ≤ K ≤ N, such as 2/4, got \"\(shard)\"") }
            if let runs, let n = shard.flatMap(Shard.init(parsing:))?.count, n > runs {
                throw ValidationError("--shard with --runs splits the runs: \(n) shards of \(runs) runs would leave some without a run")
            }
            if keyFile != nil && shard == nil { throw ValidationError("--key-file seals a shard's files for merge: use it with --shard K/N") }
            if let maxMemory { guard case .success(let v) = QuantityParser.parse(maxMemory, as: .data), v >= 1e6, v <= 1e15 else {
                throw ValidationError("--max-memory expects an amount such as 8GB or 500MB, got \"\(maxMemory)\"")
            } }
        }

        func run() throws {
            // From the start: Ctrl-C during set-up must not end the process without a word.
            Interrupt.install()
            let key = try keyFile.map(ShardKey.load)
            let names: [String?] = scenarios.isEmpty ? [nil] : scenarios.map { $0 }
            for name in names {
                var loaded = try ScenarioSource.load(name)
                try period.apply(to: &loaded.scenario)
                let folder = out.map { names.count > 1 ? PathText.join($0, loaded.scenario.name) : $0 }
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
                printError("urbanwatt: streaming at most \(Int(count)) messages to \(settings.url)")
            }
            do {
                var options = telemetry.sessionOptions
                options.interrupted = { Interrupt.requested() }
                let session = try TelemetrySession.connect(engine: engine, config: config, settings: settings, options: options)
                if !quiet && telemetry.clients > 1, let seconds = session.connectSeconds {
                    printError("urbanwatt: \(telemetry.clients) clients connected in \(String(format: "%.2f", seconds)) s (\(Int(Double(telemetry.clients) / max(seconds, 1e-6))) a second)")
                }
                return session
            } catch {
                throw CommandFailure(ExitStatus.telemetry(error), "\(error)")
            }
        }

        func simulate(_ loaded: Simulation, into path: String, key: ShardKey?) throws {
            let scenario = loaded.scenario
            let memory = maxMemory.flatMap { m in if case .success(let v) = QuantityParser.parse(m, as: .data) { (v, m) } else { nil } }
            let (rows, estimate) = try usage {
                let rows = try RunPlan.stepsPerRow(resolution, scenario: scenario)
                // With --runs, --shard splits the Monte Carlo runs and the central run is whole.
                return (rows, try RunPlan.admit(scenario, runs: runs, sharded: shard != nil && runs == nil, stepsPerRow: rows,
                                                streaming: broker.mqtt != nil && telemetry.telemetry == "nodes", maxMemory: memory))
            }
            let started = Date()
            // Drawing and sorting every node's phases takes a while for millions of nodes: say so first.
            if !quiet && estimate.nodes >= 2_000_000 { printError("urbanwatt: setting up \(estimate.nodes) nodes…") }
            let part = shard.flatMap(Shard.init(parsing:)) ?? .whole
            let engine = Engine(scenario: scenario, shard: runs == nil ? part : .whole)
            let session = try telemetrySession(engine)
            let progress = ProgressBar(clock: engine.clock, style: .forStderr(quiet: quiet))
            // While streaming, small chunks keep telemetry close to the simulation and Ctrl-C prompt.
            let chunk = session == nil ? 672 : 4
            // A shard writes its series as it runs, for `merge`.
            let series = try shard.map { _ in
                let split: ShardFiles.Split = runs.map { .runs($0) } ?? .nodes
                return (writer: try writing { () throws(OutputFolder.Failure) in try SeriesFile.Writer(path: StagedFolder.scratchFile(for: path)) }, chunk: chunk, split: split)
            }
            let text = try writing { () throws(OutputFolder.Failure) in
                try TimeseriesFile(path: StagedFolder.scratchFile(for: path, tag: "timeseries"), columns: timeseries, scenario: scenario)
            }
            // Moved into the results folder when they are written; gone whatever else happens.
            defer {
                try? FileManager.default.removeItem(atPath: text.path)
                if let series { try? FileManager.default.removeItem(atPath: series.writer.path) }
            }
            // Without streaming, the tally, the series file and timeseries.csv fold the chunks on a second core.
            let folder = ChunkFolder((tally: Tally(scenario: scenario, clock: engine.clock, stepsPerRow: rows), series: series?.writer, text: text),
                                     concurrent: session == nil)
            var result = engine.run(
                chunk: chunk,
                progress: progress.update,
                shouldStop: { Interrupt.requested() || session?.shouldStop == true },
                onChunk: { range, chunkSeries in
                    // While streaming, the results cover what was streamed: a chunk counts once it is sent.
                    session?.publish(range, series: chunkSeries, clock: engine.clock) {
                        progress.tick()
                        return Interrupt.requested()
                    }
                    let sent = session.map { min(range.upperBound, $0.streamedSteps) } ?? range.upperBound
                    guard sent > range.lowerBound else { return }
                    let kept = range.lowerBound..<sent
                    let streamed = kept == range ? chunkSeries : chunkSeries.map { $0.slice(0..<kept.count) }
                    folder.submit { state in
                        state.tally.add(kept, streamed)
                        state.series?.append(kept, streamed)
                        state.text.append(state.tally)
                    }
                })
            let tally = folder.finish().tally
            progress.finish()
            // The results cover the steps folded: after Ctrl-C or a broker failure while streaming, those streamed.
            RunPlan.reconcile(&result, streamedSteps: tally.steps)
            if result.completedSteps == 0 && Interrupt.requested() {
                _ = session?.finish(totals: nil, interrupted: true)
                if let series { try? series.writer.finish() }
                throw CommandFailure(Interrupt.exitCode, "interrupted before the first simulated step; nothing written to \(path)/")
            }
            var uncertainty: RunSummary.Uncertainty?
            var runStats: [MonteCarlo.RunStats]?
            var runsInterrupted = false
            if let runs, result.complete {
                let mine = (runs - part.index + part.count - 1) / part.count
                let bar = RunCounter(total: mine, style: .forStderr(quiet: quiet))
                let period = self.period
                let mc: (section: RunSummary.Uncertainty?, finished: Int, stats: [MonteCarlo.RunStats])
                do {
                    mc = try loaded.uncertainty(runs: runs, shard: part, adjust: { try? period.apply(to: &$0) }, done: bar.update,
                                                shouldStop: Interrupt.requested)
                } catch {
                    bar.finish()
                    throw CommandFailure(ExitStatus.dataError, "\(error)\nnothing written to \(path)/")
                }
                bar.finish()
                runsInterrupted = mc.finished < mine
                uncertainty = mc.section
                if let share = mc.section?.redrawShare, share > Simulation.warningRedrawShare {
                    printError("urbanwatt: \(FixedDecimal.format(share * 100, digits: 1)) % of the parameter draws fell outside their valid ranges and were drawn "
                        + "again (uncertainty.redraw_share): the bands describe the distributions truncated to those ranges")
                }
                runStats = mc.stats
            }
            // A shard of the runs simulated the central run whole, but is shard K/M of the whole job.
            if runs != nil { result.shard = part }
            let breakdown = Breakdown(result, tally)
            var info = RunInfo(wallSeconds: Date().timeIntervalSince(started), uncertainty: uncertainty)
            info.interrupted = runsInterrupted
            var summary = RunSummary(breakdown, run: info)
            var dropWarning: String?
            if let session {
                let counts = session.finish(totals: summary.totals, balance: summary.balance, interrupted: !result.complete && session.failure == nil)
                summary.telemetry = RunSummary.Telemetry(generated: counts.generated, published: counts.published, dropped: counts.dropped,
                                                         clients: telemetry.clients, connectSeconds: session.connectSeconds)
                summary.run.wallSeconds = Date().timeIntervalSince(started)
                dropWarning = session.dropReason(counts)
            }
            try writing { () throws(OutputFolder.Failure) in
                try ResultFolder.write(breakdown, summary: summary, to: path, stepsPerRow: rows, columns: timeseries, scenarioText: loaded.text, runs: runStats,
                                       timeseries: text, series: series, key: key)
            }
            if json {
                print(summary.json().serialized(), terminator: "")
            } else if !quiet {
                print(SummaryTable.render(breakdown), terminator: "")
                if session != nil {
                    let t = summary.telemetry
                    print("Telemetry: \(t.published) messages published, \(t.dropped) dropped, of \(t.generated) generated")
                }
                if let uncertainty { print(UncertaintyTable.render(uncertainty), terminator: "") }
                print("Results in \(path)/")
            }
            if let dropWarning { printError("urbanwatt: warning: \(dropWarning)") }
            if let failure = session?.failure {
                throw CommandFailure(ExitStatus.telemetry(failure), "\(failure); results so far written to \(path)/")
            }
            if !result.complete || Interrupt.requested() {
                throw CommandFailure(Interrupt.exitCode, RunPlan.interruption(result, runsFinished: runsInterrupted ? uncertainty?.runs ?? 0 : nil, runsRequested: runs))
            }
            let t = summary.telemetry
            if !telemetry.allowDrops && t.dropped > 0 {
                throw CommandFailure(ExitStatus.dropped, "\(t.dropped) of \(t.generated) messages dropped, \(t.published) published "
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
