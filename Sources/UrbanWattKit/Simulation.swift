import Foundation
import Synchronization
// The scenario types (Scenario, Fleet, CivilDate, YearMap, JSONValue) come with the front door.
@_exported import UrbanWattCore
import UrbanWattResults
import UrbanWattScenario

/// A scenario ready to simulate: the library's front door. Load a built-in scenario or a YAML file,
/// change what you like, run it, and read or write the results:
///
/// ```swift
/// import UrbanWattKit
///
/// var district = try Simulation.load("mittelstadt")
/// district.scenario.end = CivilDate(year: 2025, month: 2, day: 1)
/// let outcome = district.run()
/// print(outcome.totalEnergy.converted(to: .kilowattHours))
/// try outcome.write(to: "out/january")
/// ```
public struct Simulation: Sendable {
    public var scenario: Scenario
    /// The YAML the scenario was read from: Monte Carlo runs read it again with other draws.
    public let text: String
    /// Where the text came from, for diagnostics (`<built-in NAME>` for the library).
    public let file: String

    /// Reads `text` (reporting every problem with its line and column as `ScenarioErrors`).
    public init(yaml text: String, file: String = "scenario.yaml") throws(ScenarioErrors) {
        scenario = try ScenarioDecoder.decode(text, file: file)
        self.text = ScenarioDecoder.selfContained(text, file: file)
        self.file = file
    }

    /// A built-in scenario by name (`mittelstadt`, `metropole`, …) or a YAML file by path.
    public static func load(_ nameOrPath: String) throws -> Simulation {
        if FileManager.default.fileExists(atPath: nameOrPath) {
            guard let data = FileManager.default.contents(atPath: nameOrPath) else { throw ScenarioFileError.unreadable(nameOrPath) }
            return try Simulation(yaml: try ScenarioDecoder.text(of: data, file: nameOrPath), file: nameOrPath)
        }
        guard let text = BuiltinScenarios.text(named: nameOrPath) else { throw ScenarioFileError.unreadable(nameOrPath) }
        return try Simulation(yaml: text, file: "<built-in \(nameOrPath)>")
    }

    /// What a run of `scenario` will take (steps, nodes, memory, messages), before running it.
    public var estimate: WorkEstimate { WorkEstimate(scenario) }

    /// Simulates the scenario (or one shard of its nodes); `shouldStop` is asked between chunks.
    /// The time series keeps one row per `resolution` (default an hour, or a step when longer);
    /// `Outcome.write` can widen it to any whole multiple.
    public func run(shard: Shard = .whole, resolution: Measurement<UnitDuration>? = nil, progress: (Int, Int, Int) -> Void = { _, _, _ in },
                    shouldStop: () -> Bool = { false }) -> Outcome {
        let engine = Engine(scenario: scenario, shard: shard)
        let rows = resolution.map { max(1, Int(($0.converted(to: .seconds).value / Double(scenario.step)).rounded())) }
        return Outcome(Breakdown.run(engine, stepsPerRow: rows, progress: progress, shouldStop: shouldStop))
    }

    /// The scenario with run `k`'s draws of its uncertain parameters (`--runs`), with `adjust`
    /// applied (the same period and step overrides as the central run). Draws that break a check
    /// spanning parameters (a server's `max` below its `idle`) are drawn again as a whole, up to
    /// `maximumRunRedraws` times, and counted in the run's redraws: the joint distribution is
    /// truncated to valid scenarios, as each parameter's is to its range. Throws the last attempt's
    /// problems when no attempt is valid, instead of running something else.
    public func sample(run k: Int, adjust: (inout Scenario) -> Void = { _ in }) throws(ScenarioErrors) -> Scenario {
        var problems = ScenarioErrors([])
        for attempt in 0...Simulation.maximumRunRedraws {
            do {
                var s = try ScenarioDecoder.decode(text, file: file, sampler: .draw(seed: scenario.seed, run: k, attempt: attempt))
                s.runRedraws = attempt
                adjust(&s)
                return s
            } catch {
                problems = error
            }
        }
        throw problems
    }

    /// How often a run's draws are drawn again as a whole before `sample` gives up.
    public static let maximumRunRedraws = 100

    /// Above this share of rejected draws of one parameter, `uncertainty` refuses the runs; above
    /// `warningRedrawShare` of all draws, the command line warns.
    public static let maximumRedrawShare = 0.5
    public static let warningRedrawShare = 0.01

    /// Monte Carlo: `runs` replications on all cores, each with its own draws; with `shard` K/M,
    /// only runs k with k mod M = K − 1 (`merge` puts the shards' runs back together). Returns the
    /// `uncertainty` section of summary.json, or nil when fewer than two runs finished before
    /// `shouldStop`; `stats` holds each finished run's figures (runs.csv). Throws, naming the run,
    /// when a run's draws never make a valid scenario (`sample`).
    public func uncertainty(runs: Int, shard: Shard = .whole, adjust: @escaping @Sendable (inout Scenario) -> Void = { _ in },
                            done: @escaping @Sendable (Int) -> Void = { _ in },
                            shouldStop: @escaping @Sendable () -> Bool = { false }) throws(RunDrawError)
        -> (section: RunSummary.Uncertainty?, finished: Int, stats: [MonteCarlo.RunStats]) {
        let simulation = self
        let mine = Array(stride(from: shard.index, to: runs, by: shard.count))
        let failure = Mutex<RunDrawError?>(nil)
        let stats = MonteCarlo.run(runs: mine, scenario: { k in
            do throws(ScenarioErrors) {
                return try simulation.sample(run: k, adjust: adjust)
            } catch {
                failure.withLock { $0 = $0 ?? RunDrawError(run: k, problems: error) }
                return nil
            }
        }, done: done, shouldStop: { shouldStop() || failure.withLock { $0 != nil } })
        if let error = failure.withLock({ $0 }) { throw error }
        // Mostly redrawn: the distribution lies mostly outside the valid range, and the runs sample
        // a sliver of it that the user did not write.
        if let worst = MonteCarlo.mostRedrawn(stats), worst.share > Simulation.maximumRedrawShare {
            throw RunDrawError(run: nil, problems: ScenarioErrors([]), mostlyRedrawn: worst)
        }
        return (stats.count >= 2 ? MonteCarlo.section(stats, requested: mine.count, parameters: scenario.uncertainParameters.count) : nil,
                stats.count, stats)
    }
}

/// A Monte Carlo run whose draws broke the scenario's checks in every attempt (`Simulation.sample`),
/// or a parameter whose draws were mostly outside its valid range.
public struct RunDrawError: Error, Sendable, CustomStringConvertible {
    public var run: Int?
    public var problems: ScenarioErrors
    public var mostlyRedrawn: (path: String, share: Double)?

    public init(run: Int?, problems: ScenarioErrors, mostlyRedrawn: (path: String, share: Double)? = nil) {
        self.run = run
        self.problems = problems
        self.mostlyRedrawn = mostlyRedrawn
    }

    public var description: String {
        if let (path, share) = mostlyRedrawn {
            return "\(path): \(Int((share * 100).rounded())) % of its draws fell outside its valid range and were drawn again "
                + "(more than \(Int(Simulation.maximumRedrawShare * 100)) %): the runs would sample a sliver of the distribution; narrow it to the valid range"
        }
        return "\(problems.description)\nrun \(run ?? 0)'s draws of the uncertain parameters broke these checks in \(Simulation.maximumRunRedraws + 1) attempts; "
            + "narrow the distributions so that their values agree"
    }
}

extension Simulation {
    /// A finished (or interrupted) run with its breakdowns and summary.
    public struct Outcome: Sendable {
        public let breakdown: Breakdown

        public init(_ breakdown: Breakdown) {
            self.breakdown = breakdown
        }

        public var result: SimulationResult { breakdown.result }

        /// summary.json as a value; `run` adds the version, wall time and telemetry counters.
        public func summary(run: RunInfo = RunInfo(wallSeconds: 0)) -> RunSummary { RunSummary(breakdown, run: run) }

        public var complete: Bool { result.complete }

        /// Electricity of every fleet together over what was simulated.
        public var totalEnergy: Measurement<UnitEnergy> {
            Measurement(value: breakdown.kWh(.total), unit: .kilowattHours)
        }

        /// The highest mean power of any step.
        public var peakPower: Measurement<UnitPower> { Measurement(value: breakdown.peak(.total).kW, unit: .kilowatts) }

        /// Simulated time.
        public var duration: Measurement<UnitDuration> {
            Measurement(value: Double(result.completedSteps) * breakdown.dt, unit: .seconds)
        }

        /// One fleet's electricity, nil for a fleet the scenario does not have.
        public func energy(ofFleet name: String) -> Measurement<UnitEnergy>? {
            guard let i = result.scenario.fleets.firstIndex(where: { $0.name == name }) else { return nil }
            return Measurement(value: breakdown.kWh(.fleet(i)), unit: .kilowattHours)
        }

        /// Writes summary.json, timeseries.csv (one row per `resolution`, a whole multiple of the
        /// rows the run kept), fleets.csv and report.html into `folder`, replacing it as a whole.
        public func write(to folder: String, resolution: Measurement<UnitDuration> = Measurement(value: 1, unit: .hours),
                          run: RunInfo = RunInfo(wallSeconds: 0), scenarioText: String = "") throws {
            let seconds = resolution.converted(to: .seconds).value
            let rows = max(1, Int((seconds / breakdown.dt).rounded()))
            guard rows % breakdown.stepsPerRow == 0 else {
                throw UsageError("a resolution of \(seconds) s is not a whole multiple of the \(Double(breakdown.stepsPerRow) * breakdown.dt) s rows this run kept; run with that resolution")
            }
            try ResultFolder.write(breakdown, summary: summary(run: run), to: folder, stepsPerRow: rows, scenarioText: scenarioText)
        }
    }
}

extension Simulation {
    /// One-at-a-time swings (`urbanwatt sensitivity`): the central run, then each uncertain input at
    /// its 5th and its 95th percentile with the others central, 2K + 1 runs on all cores. Throws
    /// the problems of a swing whose values break a check spanning parameters.
    public func sensitivity(adjust: @escaping @Sendable (inout Scenario) -> Void = { _ in }, done: @escaping @Sendable (Int) -> Void = { _ in },
                            shouldStop: @escaping @Sendable () -> Bool = { false }) throws(ScenarioErrors) -> Sensitivity {
        let inputs = scenario.uncertainParameters
        var scenarios: [Scenario] = []
        var values: [Sensitivity.Ends] = []
        var central = scenario
        adjust(&central)
        scenarios.append(central)
        for path in inputs {
            var ends: [Double] = []
            for q in [0.05, 0.95] {
                var s = try ScenarioDecoder.decode(text, file: file, sampler: .swing(path: path, quantile: q))
                adjust(&s)
                // The same text gives the same inputs, in the same order, whatever the sampler.
                guard let k = s.uncertainParameters.firstIndex(of: path), s.uncertainValues.indices.contains(k) else {
                    preconditionFailure("the swing of \(path) decoded without it")
                }
                ends.append(s.uncertainValues[k])
                scenarios.append(s)
            }
            values.append(Sensitivity.Ends(p5: ends[0], p95: ends[1]))
        }
        let all = scenarios
        let runs = MonteCarlo.run(runs: Array(all.indices), scenario: { all[$0] }, done: done, shouldStop: shouldStop)
        return Sensitivity(scenario: scenario.name, inputs: inputs, values: values, runs: runs)
    }
}
