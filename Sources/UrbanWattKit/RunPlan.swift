import Foundation
package import UrbanWattCore

/// A request the library refuses before any work, with what to change (the command line's exit 64).
package struct UsageError: Error, CustomStringConvertible, Sendable {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// Everything decided about a run before it starts: the scenario's overrides, the rows of the
/// time series, and the checks that refuse what would overflow, not fit or not mean anything.
package enum RunPlan {
    /// Overrides of a scenario's seed, period (`from`, `to` as YYYY-MM-DD) and step (a duration that divides a day).
    package static func override(
        _ s: inout Scenario, seed: UInt64? = nil, from: String? = nil, to: String? = nil,
        step: String? = nil
    ) throws(UsageError) {
        // On a copy: a refused override leaves the scenario as it was.
        var t = s
        if let seed { t.seed = seed }
        if let from {
            guard let d = CivilDate(iso: from) else { throw UsageError("--from expects a date such as 2025-01-01, got \"\(from)\"") }
            t.start = d
        }
        if let to {
            guard let d = CivilDate(iso: to) else { throw UsageError("--to expects a date such as 2026-01-01, got \"\(to)\"") }
            t.end = d
        }
        if t.end <= t.start { throw UsageError("the period ends (\(t.end)) before it starts (\(t.start))") }
        if let step {
            guard case .success(let v) = QuantityParser.parse(step, as: .duration), StepClock.isValidStep(v)
            else { throw UsageError("--step expects a duration that divides a day, such as 15min, got \"\(step)\"") }
            t.step = Int64(v)
        }
        s = t
    }

    /// Steps per row of timeseries.csv for a `resolution`: a whole number of steps, at most the period.
    package static func stepsPerRow(_ resolution: String, scenario s: Scenario) throws(UsageError) -> Int {
        let length = Double(s.end.daysSinceEpoch - s.start.daysSinceEpoch) * 86_400
        guard case .success(let v) = QuantityParser.parse(resolution, as: .duration), v > 0, v <= length else {
            throw UsageError("--resolution expects a duration from one step to the period's length (\(Int(length)) s), such as 1h, got \"\(resolution)\"")
        }
        if v <= Double(s.step) { return 1 }
        let k = v / Double(s.step)
        guard k.rounded() == k else { throw UsageError("--resolution (\(resolution)) must be a whole number of steps (\(s.step) s)") }
        return Int(k)
    }

    /// Refuses a run whose counts would overflow, that is expected to need more memory than
    /// `maxMemory` (default three quarters of this machine's), Monte Carlo without distributions, or
    /// shards of a scenario that does not split. Returns the work it will take, with `stepsPerRow`
    /// steps per row of the time series and per-node telemetry when `streaming`. `maxMemory` is in
    /// bytes, with the text it was given as (for the message).
    package static func admit(
        _ s: Scenario, runs: Int? = nil, sharded: Bool = false, stepsPerRow: Int? = nil, streaming: Bool = false,
        maxMemory: (bytes: Double, written: String)? = nil
    ) throws(UsageError) -> WorkEstimate {
        // --from, --to and --step may have made the period longer than the one validated.
        if let excess = TrafficLimit.excess(s) { throw UsageError(TrafficLimit.problem(s, fleet: excess.fleet, total: excess.total)) }
        if runs != nil && s.uncertainParameters.isEmpty {
            throw UsageError("--runs: \(s.name) has no distributions ({uniform: …}, {normal: …}, {triangular: …}), so every run would give the same figures")
        }
        if sharded, let problem = Shard.problem(s) { throw UsageError("--shard: \(problem)") }
        let estimate = WorkEstimate(s, stepsPerRow: stepsPerRow, streaming: streaming)
        // Monte Carlo keeps one simulation per core besides the central one, each with hourly rows.
        let cores = runs == nil ? 0.0 : Double(ProcessInfo.processInfo.activeProcessorCount)
        let need = estimate.memoryBytes + cores * WorkEstimate(s).memoryBytes
        let limit = maxMemory?.bytes ?? Double(ProcessInfo.processInfo.physicalMemory) * 0.75
        guard need > limit else { return estimate }
        let allowed = maxMemory.map { "--max-memory \($0.written)" } ?? "three quarters of this machine's memory (\(WorkEstimate.bytes(limit)))"
        throw UsageError(
            "\(s.name) needs about \(WorkEstimate.bytes(need)) (\(estimate.description)\(cores > 0 ? ", and \(Int(cores)) more for --runs" : "")), "
                + "more than \(allowed); use a longer --step or --resolution, a shorter period, or allow it with --max-memory")
    }

    /// After an interruption while streaming, the results cover only the steps that were streamed,
    /// so that the summary and the stream agree.
    package static func reconcile(_ result: inout SimulationResult, streamedSteps: Int?) {
        if let streamedSteps { result.completedSteps = min(result.completedSteps, streamedSteps) }
    }

    /// What an interrupted run wrote: results up to a time, or the Monte Carlo runs that finished.
    package static func interruption(_ result: SimulationResult, runsFinished: Int? = nil, runsRequested: Int? = nil) -> String {
        if let runsFinished, let runsRequested, runsFinished < runsRequested {
            return "interrupted after \(runsFinished) of \(runsRequested) Monte Carlo runs; the bands cover those, written with \"complete\": false"
        }
        return "interrupted with results up to \(isoUTC(result.clock.time(result.completedSteps))), written with \"complete\": false"
    }
}
