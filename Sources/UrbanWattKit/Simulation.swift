public import Foundation
import Synchronization
public import UrbanWattCore
public import UrbanWattResults
public import UrbanWattScenario

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
    /// What runs, Monte Carlo included: change it in code as you like (`sample`).
    public var scenario: Scenario
    /// The YAML the scenario was read from: Monte Carlo runs read it again with other draws.
    public let text: String
    /// Where the text came from, for diagnostics (`<built-in NAME>` for the library).
    public let file: String
    /// The scenario as read, before any change in code: what tells a part you changed from one the
    /// YAML (and its distributions) still describes.
    let decoded: Scenario

    /// Reads `text` (reporting every problem with its line and column as `ScenarioErrors`).
    public init(yaml text: String, file: String = "scenario.yaml") throws(ScenarioErrors) {
        scenario = try ScenarioDecoder.decode(text, file: file)
        decoded = scenario
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
    public func run(
        shard: Shard = .whole, resolution: Measurement<UnitDuration>? = nil, progress: (Int, Int, Int) -> Void = { _, _, _ in },
        shouldStop: () -> Bool = { false }
    ) -> Outcome {
        let engine = Engine(scenario: scenario, shard: shard)
        let rows = resolution.map { max(1, Int(($0.converted(to: .seconds).value / Double(scenario.step)).rounded())) }
        return Outcome(Breakdown.run(engine, stepsPerRow: rows, progress: progress, shouldStop: shouldStop))
    }

    /// `scenario` with run `k`'s draws of its uncertain parameters (`--runs`), with `adjust`
    /// applied (the same period and step overrides as the central run). What you changed in code
    /// runs as you set it: the period, seed and districts, and any fleet, grid, carrier or effect
    /// you changed, added or removed; the parts the YAML still describes take the run's draws.
    /// Draws that break a check spanning parameters (a server's `max` below its `idle`) are drawn
    /// again as a whole, up to `maximumRunRedraws` times, and counted in the run's redraws: the
    /// joint distribution is truncated to valid scenarios, as each parameter's is to its range.
    /// Throws the last attempt's problems when no attempt is valid, instead of running something else.
    public func sample(run k: Int, adjust: (inout Scenario) -> Void = { _ in }) throws(ScenarioErrors) -> Scenario {
        try sample(run: k, adjust: adjust, edits: Edits(decoded, scenario))
    }

    /// `sample` with the edits found once for all runs.
    func sample(run k: Int, adjust: (inout Scenario) -> Void, edits: Edits) throws(ScenarioErrors) -> Scenario {
        var problems = ScenarioErrors([])
        for attempt in 0...Simulation.maximumRunRedraws {
            do {
                let drawn = try ScenarioDecoder.decode(text, file: file, sampler: .draw(seed: scenario.seed, run: k, attempt: attempt))
                var s = edits.apply(drawn, to: scenario)
                s.runRedraws = attempt
                adjust(&s)
                return s
            } catch {
                problems = error
            }
        }
        throw problems
    }

    /// Which parts of `scenario` were changed in code since it was read, down to a fleet's groups
    /// of keys: its kind's parameters (with `replaces:` and `reference:`, which derive from them),
    /// count, efficiency trend, jitter, rebound, life cycle and capex. A group counts as changed
    /// when its full description differs (a copy left alone shares the read one's storage and
    /// describes alike); the grid, carriers and effects compare as values. A value set in code to
    /// exactly the central one it had is no change, and stays drawn.
    struct Edits {
        /// The groups of a fleet's keys, each drawn or set as a whole.
        enum Group: CaseIterable {
            case kind, count, efficiency, jitter, rebound, embodied, capex

            func describe(_ f: Fleet) -> String {
                switch self {
                case .kind: "\(f.model) \(String(describing: f.replaces)) \(String(describing: f.reference))"
                case .count: "\(f.count)"
                case .efficiency: "\(String(describing: f.efficiency))"
                case .jitter: "\(f.jitter)"
                case .rebound: "\(f.rebound)"
                case .embodied: "\(String(describing: f.embodied)) \(String(describing: f.replacedEmbodied))"
                case .capex: "\(String(describing: f.capex)) \(String(describing: f.replacedCapex))"
                }
            }

            /// The group of an uncertain input's path below its fleet (`count`, `power`: the kind's,
            /// `installed.age`: the life cycle's, `replaces.embodied.co2e`: the replaced equipment's
            /// life cycle, `replaces.capex`: its capex, `replaces.power`: the kind's).
            init(path: [Substring]) {
                switch path.first ?? "" {
                case "count": self = .count
                case "efficiency": self = .efficiency
                case "jitter": self = .jitter
                case "rebound": self = .rebound
                case "embodied", "installed": self = .embodied
                case "capex": self = .capex
                case "replaces":
                    let inner = path.dropFirst().first ?? ""
                    self = inner == "capex" ? .capex : inner == "embodied" || inner == "installed" ? .embodied : .kind
                default: self = .kind
                }
            }
        }

        /// By fleet name, the groups changed; a fleet added in code has all of them.
        var fleets: [String: Set<Group>] = [:]
        var grid = false
        var carriers: Set<String> = []
        var effects: Set<String> = []

        init(_ read: Scenario, _ now: Scenario) {
            let before = Dictionary(read.fleets.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            for f in now.fleets {
                guard let old = before[f.name] else { fleets[f.name] = Set(Group.allCases); continue }
                let changed = Set(Group.allCases.filter { $0.describe(f) != $0.describe(old) })
                if !changed.isEmpty { fleets[f.name] = changed }
            }
            grid = read.grid != now.grid
            carriers = Set(now.carriers.filter { c in read.carrier(named: c.name) != c }.map(\.name))
            effects = Set(now.effects.filter { e in !read.effects.contains(e) }.map(\.name))
        }

        /// `scenario`, its unchanged parts taken from `drawn` (the same YAML with a run's draws).
        func apply(_ drawn: Scenario, to scenario: Scenario) -> Scenario {
            var s = scenario
            let drawnFleets = Dictionary(drawn.fleets.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            s.fleets = scenario.fleets.map { f in
                guard let d = drawnFleets[f.name] else { return f }
                let changed = fleets[f.name] ?? []
                var out = f
                if !changed.contains(.kind) { (out.model, out.replaces, out.reference) = (d.model, d.replaces, d.reference) }
                if !changed.contains(.count) { out.count = d.count }
                if !changed.contains(.efficiency) { out.efficiency = d.efficiency }
                if !changed.contains(.jitter) { out.jitter = d.jitter }
                if !changed.contains(.rebound) { out.rebound = d.rebound }
                if !changed.contains(.embodied) { (out.embodied, out.replacedEmbodied) = (d.embodied, d.replacedEmbodied) }
                if !changed.contains(.capex) { (out.capex, out.replacedCapex) = (d.capex, d.replacedCapex) }
                return out
            }
            if !grid { s.grid = drawn.grid }
            s.carriers = scenario.carriers.map { c in carriers.contains(c.name) ? c : drawn.carrier(named: c.name) ?? c }
            s.effects = scenario.effects.map { e in effects.contains(e.name) ? e : drawn.effects.first { $0.name == e.name } ?? e }
            // The inputs drawn are those of the parts that took the draws.
            let names = Set(s.fleets.map(\.name)), effectNames = Set(s.effects.map(\.name)), carrierNames = Set(s.carriers.map(\.name))
            func drawnHere(_ path: String) -> Bool {
                if path.hasPrefix("grid.") { return !grid }
                if path.hasPrefix("fleets["), let close = path.firstIndex(of: "]") {
                    let name = String(path[path.index(path.startIndex, offsetBy: 7)..<close])
                    let keys = path[path.index(after: close)...].dropFirst().split { $0 == "." || $0 == "[" }
                    return names.contains(name) && !(fleets[name]?.contains(Group(path: keys)) ?? false)
                }
                if path.hasPrefix("effects["), let close = path.firstIndex(of: "]") {
                    let name = String(path[path.index(path.startIndex, offsetBy: 8)..<close])
                    return effectNames.contains(name) && !effects.contains(name)
                }
                if path.hasPrefix("carriers.") {
                    let name = String(path.dropFirst(9).prefix { $0 != "." })
                    return carrierNames.contains(name) && !carriers.contains(name)
                }
                return true
            }
            let pairs = zip(drawn.uncertainParameters, drawn.uncertainValues).filter { drawnHere($0.0) }
            s.uncertainParameters = pairs.map(\.0)
            s.uncertainValues = pairs.map(\.1)
            s.redrawsByParameter = drawn.redrawsByParameter.filter { drawnHere($0.key) }
            return s
        }
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
    public func uncertainty(
        runs: Int, shard: Shard = .whole, adjust: @escaping @Sendable (inout Scenario) -> Void = { _ in },
        done: @escaping @Sendable (Int) -> Void = { _ in },
        shouldStop: @escaping @Sendable () -> Bool = { false }
    ) throws(RunDrawError)
        -> (section: RunSummary.Uncertainty?, finished: Int, stats: [MonteCarlo.RunStats])
    {
        let simulation = self
        let edits = Edits(decoded, scenario)
        let mine = Array(stride(from: shard.index, to: runs, by: shard.count))
        let failure = Mutex<RunDrawError?>(nil)
        let stats = MonteCarlo.run(
            runs: mine,
            scenario: { k in
                do throws(ScenarioErrors) {
                    return try simulation.sample(run: k, adjust: adjust, edits: edits)
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
        return (
            stats.count >= 2
                ? MonteCarlo.section(stats, requested: mine.count, parameters: stats.first?.inputs.count ?? scenario.uncertainParameters.count) : nil,
            stats.count, stats
        )
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
        return
            "\(problems.description)\nrun \(run ?? 0)'s draws of the uncertain parameters broke these checks in \(Simulation.maximumRunRedraws + 1) attempts; "
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
        public func write(
            to folder: String, resolution: Measurement<UnitDuration> = Measurement(value: 1, unit: .hours),
            run: RunInfo = RunInfo(wallSeconds: 0), scenarioText: String = ""
        ) throws {
            let seconds = resolution.converted(to: .seconds).value
            let rows = max(1, Int((seconds / breakdown.dt).rounded()))
            guard rows % breakdown.stepsPerRow == 0 else {
                throw UsageError(
                    "a resolution of \(seconds) s is not a whole multiple of the \(Double(breakdown.stepsPerRow) * breakdown.dt) s rows this run kept; run with that resolution"
                )
            }
            try ResultFolder.write(breakdown, summary: summary(run: run), to: folder, stepsPerRow: rows, scenarioText: scenarioText)
        }
    }
}

extension Simulation {
    /// One-at-a-time swings (`urbanwatt sensitivity`): the central run, then each uncertain input at
    /// its 5th and its 95th percentile with the others central, 2K + 1 runs on all cores. Throws
    /// the problems of a swing whose values break a check spanning parameters.
    public func sensitivity(
        adjust: @escaping @Sendable (inout Scenario) -> Void = { _ in }, done: @escaping @Sendable (Int) -> Void = { _ in },
        shouldStop: @escaping @Sendable () -> Bool = { false }
    ) throws(ScenarioErrors) -> Sensitivity {
        // The inputs the YAML still describes: a part changed in code swings nothing.
        let edits = Edits(decoded, scenario)
        let inputs = edits.apply(decoded, to: scenario).uncertainParameters
        var scenarios: [Scenario] = []
        var values: [Sensitivity.Ends] = []
        var central = scenario
        adjust(&central)
        scenarios.append(central)
        for path in inputs {
            var ends: [Double] = []
            for q in [0.05, 0.95] {
                var s = edits.apply(try ScenarioDecoder.decode(text, file: file, sampler: .swing(path: path, quantile: q)), to: scenario)
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
