import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattResults
import UrbanWattScenario

extension UrbanWatt {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate scenarios and write summary.json, timeseries.csv and fleets.csv.",
            discussion: "Without a scenario, runs the built-in default (\(BuiltinScenarios.defaultName)).")

        @Argument(help: "Scenario files or built-in scenario names.")
        var scenarios: [String] = []

        @Option(help: "Output folder (default out/<scenario>; with several scenarios, DIR/<scenario>).")
        var out: String?

        @Option(help: "Random seed, overriding the scenario's.")
        var seed: UInt64?

        @Option(help: "First day simulated (YYYY-MM-DD), overriding the scenario's period.")
        var from: String?

        @Option(help: "Day after the last one simulated (YYYY-MM-DD).")
        var to: String?

        @Option(help: "Step length, e.g. 15min or \"1 h\"; must divide a day.")
        var step: String?

        @Option(help: "Interval of timeseries.csv, a whole number of steps.")
        var resolution: String = "1h"

        @Flag(help: "Print nothing but errors.")
        var quiet = false

        @Flag(help: "Print summary.json to stdout instead of the table.")
        var json = false

        func run() throws {
            let names: [String?] = scenarios.isEmpty ? [nil] : scenarios.map { $0 }
            for name in names {
                var scenario = try ScenarioSource.load(name)
                try applyOverrides(&scenario)
                let folder = out.map { names.count > 1 ? ($0 as NSString).appendingPathComponent(scenario.name) : $0 }
                    ?? "out/\(scenario.name)"
                try simulate(scenario, into: folder)
            }
        }

        func applyOverrides(_ s: inout Scenario) throws {
            if let seed { s.seed = seed }
            if let from {
                guard let d = CivilDate(iso: from) else { throw usage("--from expects a date such as 2025-01-01, got \"\(from)\"") }
                s.start = d
            }
            if let to {
                guard let d = CivilDate(iso: to) else { throw usage("--to expects a date such as 2026-01-01, got \"\(to)\"") }
                s.end = d
            }
            if s.end <= s.start { throw usage("the period ends (\(s.end)) before it starts (\(s.start))") }
            if let step {
                guard case .success(let v) = QuantityParser.parse(step, as: .duration), v >= 1, v.rounded() == v,
                      86_400.truncatingRemainder(dividingBy: v) == 0
                else { throw usage("--step expects a duration that divides a day, such as 15min, got \"\(step)\"") }
                s.step = Int64(v)
            }
        }

        func stepsPerRow(step: Int64) throws -> Int {
            guard case .success(let v) = QuantityParser.parse(resolution, as: .duration), v > 0 else {
                throw usage("--resolution expects a duration such as 1h, got \"\(resolution)\"")
            }
            let k = v / Double(step)
            if v < Double(step) { return 1 }
            guard k.rounded() == k else {
                throw usage("--resolution (\(resolution)) must be a whole number of steps (\(step) s)")
            }
            return Int(k)
        }

        func simulate(_ scenario: Scenario, into path: String) throws {
            let rows = try stepsPerRow(step: scenario.step)
            let started = Date()
            let engine = Engine(scenario: scenario)
            let progress = ProgressBar(clock: engine.clock, enabled: !quiet && isatty(2) == 1)
            Interrupt.install()
            let result = engine.run(progress: progress.update, shouldStop: Interrupt.requested)
            progress.finish()
            let breakdown = Breakdown(result)
            let summary = SummaryBuilder.summary(
                breakdown, run: RunInfo(version: UrbanWattVersion.current, wallSeconds: Date().timeIntervalSince(started)))
            let folder = OutputFolder(path: path)
            do {
                try folder.create()
                try folder.write("summary.json", summary.serialized())
                try folder.write("timeseries.csv", CSVWriters.timeseries(breakdown, stepsPerRow: rows))
                try folder.write("fleets.csv", CSVWriters.fleets(breakdown))
            } catch {
                printError("urbanwatt: \(error)")
                throw ExitStatus.cannotCreate
            }
            if json {
                print(summary.serialized(), terminator: "")
            } else if !quiet {
                print(SummaryTable.render(breakdown), terminator: "")
                print("Results in \(path)/")
            }
            if !result.complete {
                printError("urbanwatt: interrupted; results up to \(isoUTC(result.clock.time(result.completedSteps))) written with \"complete\": false")
                throw ExitStatus.interrupted
            }
        }

        func usage(_ message: String) -> any Error {
            printError("urbanwatt run: \(message)")
            return ExitStatus.usage
        }
    }
}
