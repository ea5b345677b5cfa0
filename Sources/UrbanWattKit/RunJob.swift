import Foundation
package import UrbanWattCore
package import UrbanWattResults

/// A run as the command line makes it, from the simulation to the results folder: the central run
/// folded chunk by chunk into its figures, the time series and (for a shard) its series file, the
/// Monte Carlo runs, and the folder written whole. What the caller adds comes through `Hooks`:
/// progress, interruption, and a stream that publishes each chunk (telemetry) and says how much of
/// it went out.
package struct RunJob: Sendable {
    /// The results folder, replaced whole when the run is written (`StagedFolder`).
    package var folder: String
    /// Steps per row of timeseries.csv, and its columns.
    package var stepsPerRow: Int
    package var columns: CSVWriters.Columns = .layers
    /// Monte Carlo replications (`--runs`), nil for the central run only.
    package var runs: Int?
    /// This shard of the nodes, or with `runs` of the runs; nil for the whole run. A shard writes
    /// the files `merge` reads, sealed with `key` when given.
    package var shard: Shard?
    package var key: ShardKey?
    /// Applied to each Monte Carlo run's scenario (the central run's period and step overrides).
    package var adjust: @Sendable (inout Scenario) -> Void = { _ in }

    package init(folder: String, stepsPerRow: Int) {
        self.folder = folder
        self.stepsPerRow = stepsPerRow
    }

    /// The Monte Carlo runs this shard makes: runs k with k mod N = K − 1 (0 without `runs`).
    package var shardRuns: Int {
        guard let runs else { return 0 }
        let part = shard ?? .whole
        return (runs - part.index + part.count - 1) / part.count
    }

    /// What the caller follows and adds.
    package struct Hooks {
        /// Steps done of all, and node steps so far (the engine's progress).
        package var progress: (Int, Int, Int) -> Void = { _, _, _ in }
        /// Asked between chunks and Monte Carlo runs.
        package var shouldStop: @Sendable () -> Bool = { false }
        /// Publishes a chunk of steps and returns how many of its first steps went out: the results
        /// cover what was streamed. With a stream, chunks are small and folded on the engine's thread.
        package var stream: ((Range<Int>, [FleetSeries]) -> Int)?
        /// The central run is simulated (or stopped).
        package var simulated: () -> Void = {}
        /// Monte Carlo runs of this shard finished so far (of `RunJob.shardRuns`).
        package var runFinished: @Sendable (Int) -> Void = { _ in }
        /// Called once the figures are known and before they are written, to end the stream with
        /// them (nil: interrupted before the first step); returns the telemetry counts to record.
        package var streamEnded: (RunSummary?) -> RunSummary.Telemetry? = { _ in nil }

        package init() {}
    }

    /// Why a job wrote nothing, or not all.
    package enum Failure: Error, CustomStringConvertible {
        /// The results folder or a file beside it cannot be written or may not be replaced (exit 73).
        case cannotWrite(OutputFolder.Failure)
        /// A Monte Carlo run's draws never made a valid scenario, or mostly fell outside their range.
        case draws(RunDrawError)
        /// Interrupted before the first step was simulated: nothing written.
        case interruptedBeforeStart

        package var description: String {
            switch self {
            case .cannotWrite(let f): f.description
            case .draws(let e): e.description
            case .interruptedBeforeStart: "interrupted before the first simulated step"
            }
        }
    }

    /// A written run.
    package struct Outcome: Sendable {
        package var breakdown: Breakdown
        package var summary: RunSummary
        /// Fewer Monte Carlo runs finished than this shard had (interrupted).
        package var runsInterrupted: Bool
    }
}

extension Simulation {
    /// The engine of `job`'s central run: with `--runs`, a shard splits the Monte Carlo runs and
    /// the central run is whole. Built once, for `execute` and whatever streams it.
    package func engine(for job: RunJob) -> Engine {
        Engine(scenario: scenario, shard: job.runs == nil ? job.shard ?? .whole : .whole)
    }

    /// Runs `job` and writes its folder; see `RunJob`. `engine` is `engine(for: job)` when the
    /// caller built it already.
    package func execute(_ job: RunJob, engine given: Engine? = nil, hooks: RunJob.Hooks = RunJob.Hooks()) throws(RunJob.Failure) -> RunJob.Outcome {
        let started = Date()
        let part = job.shard ?? .whole
        let engine = given ?? engine(for: job)
        let streaming = hooks.stream != nil
        // While streaming, small chunks keep telemetry close to the simulation and Ctrl-C prompt.
        let chunk = streaming ? 4 : 672
        let series: (writer: SeriesFile.Writer, chunk: Int, split: ShardFiles.Split)?
        let timeseries: TimeseriesFile
        do throws(OutputFolder.Failure) {
            series = try job.shard.map { _ throws(OutputFolder.Failure) in
                (try SeriesFile.Writer(path: StagedFolder.scratchFile(for: job.folder)), chunk, job.runs.map { .runs($0) } ?? .nodes)
            }
            timeseries = try TimeseriesFile(path: StagedFolder.scratchFile(for: job.folder, tag: "timeseries"), columns: job.columns, scenario: scenario)
        } catch {
            throw .cannotWrite(error)
        }
        // Moved into the results folder when they are written; gone whatever else happens.
        defer {
            try? FileManager.default.removeItem(atPath: timeseries.path)
            if let series { try? FileManager.default.removeItem(atPath: series.writer.path) }
        }
        // Without a stream, the tally, the series file and timeseries.csv fold the chunks on a second core.
        let folder = ChunkFolder(
            (tally: Tally(scenario: scenario, clock: engine.clock, stepsPerRow: job.stepsPerRow), series: series?.writer, text: timeseries),
            concurrent: !streaming)
        var result = engine.run(chunk: chunk, progress: hooks.progress, shouldStop: hooks.shouldStop) { range, chunkSeries in
            let sent = hooks.stream.map { range.lowerBound + min(range.count, $0(range, chunkSeries)) } ?? range.upperBound
            guard sent > range.lowerBound else { return }
            let kept = range.lowerBound..<sent
            let streamed = kept == range ? chunkSeries : chunkSeries.map { $0.slice(0..<kept.count) }
            folder.submit { state in
                state.tally.add(kept, streamed)
                state.series?.append(kept, streamed)
                state.text.append(state.tally)
            }
        }
        let tally = folder.finish().tally
        hooks.simulated()
        // The results cover the steps folded: after an interruption while streaming, those streamed.
        RunPlan.reconcile(&result, streamedSteps: tally.steps)
        if result.completedSteps == 0 && hooks.shouldStop() {
            _ = hooks.streamEnded(nil)
            if let series { try? series.writer.finish() }
            throw .interruptedBeforeStart
        }
        var uncertainty: RunSummary.Uncertainty?
        var runStats: [MonteCarlo.RunStats]?
        var runsInterrupted = false
        if let runs = job.runs, result.complete {
            let mine = job.shardRuns
            let mc: (section: RunSummary.Uncertainty?, finished: Int, stats: [MonteCarlo.RunStats])
            do throws(RunDrawError) {
                mc = try self.uncertainty(runs: runs, shard: part, adjust: job.adjust, done: hooks.runFinished, shouldStop: hooks.shouldStop)
            } catch {
                throw .draws(error)
            }
            runsInterrupted = mc.finished < mine
            uncertainty = mc.section
            runStats = mc.stats
        }
        // A shard of the runs simulated the central run whole, but is shard K/M of the whole job.
        if job.runs != nil { result.shard = part }
        let breakdown = Breakdown(result, tally)
        var info = RunInfo(wallSeconds: Date().timeIntervalSince(started), uncertainty: uncertainty)
        info.interrupted = runsInterrupted
        var summary = RunSummary(breakdown, run: info)
        if let telemetry = hooks.streamEnded(summary) {
            summary.telemetry = telemetry
            summary.run.wallSeconds = Date().timeIntervalSince(started)
        }
        do throws(OutputFolder.Failure) {
            try ResultFolder.write(
                breakdown, summary: summary, to: job.folder, stepsPerRow: job.stepsPerRow, columns: job.columns, scenarioText: text,
                runs: runStats, timeseries: timeseries, series: series, key: job.key)
        } catch {
            throw .cannotWrite(error)
        }
        return RunJob.Outcome(breakdown: breakdown, summary: summary, runsInterrupted: runsInterrupted)
    }
}
