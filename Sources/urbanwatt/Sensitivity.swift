import UrbanWattScenario
import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattKit
import UrbanWattResults

extension UrbanWatt {
    struct Sensitivity: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Swing each uncertain input alone to its 5th and 95th percentile and show how far the net moves.",
            discussion: """
                The central run and, for each of the K inputs given as distributions, one run at its 5th and one at its 95th \
                percentile with every other input central: 2K + 1 runs on all cores. Prints the table (the widest swing first) \
                and writes sensitivity.json and tornado.svg to --out. `run --runs N` says instead how much of the spread each \
                input explains when all vary together (summary.json uncertainty.drivers).
                """)

        @Argument(help: "A scenario file or a built-in scenario name (default mittelstadt).", completion: Completions.scenario)
        var scenario: String?

        @Option(help: "Output folder (default out/sensitivity-<scenario>).")
        var out: String?

        @OptionGroup var period: PeriodOptions

        @Option(help: "text (the table) or json (sensitivity.json on stdout).", completion: Completions.textOrJSON)
        var format: OutputFormat = .text

        @Option(help: "Refuse swings expected to need more memory than this, e.g. 8GB (default: three quarters of this machine's memory).")
        var maxMemory: String?

        @Flag(help: "Print nothing but errors and the result.")
        var quiet = false

        func validate() throws { _ = try OptionValues.memory(maxMemory) }

        func run() throws {
            Interrupt.install()
            var loaded = try ScenarioSource.load(scenario)
            do { try period.apply(to: &loaded.scenario) } catch { throw CommandFailure(ExitStatus.usage, "\(error)") }
            let inputs = loaded.scenario.uncertainParameters
            guard !inputs.isEmpty else {
                throw CommandFailure(
                    ExitStatus.dataError,
                    "\(loaded.scenario.name) has no uncertain input: give a parameter as a distribution, such as power: {triangular: [38 W, 42 W, 48 W]}")
            }
            // The same admission as `run --runs`: a period made absurdly long by --to is refused, not run 2K + 1 times.
            do { _ = try RunPlan.admit(loaded.scenario, runs: 1 + 2 * inputs.count, maxMemory: try? OptionValues.memory(maxMemory)) } catch {
                throw CommandFailure(ExitStatus.usage, error.description)
            }
            let folder = out ?? "out/sensitivity-\(loaded.scenario.name)"
            try writing { () throws(OutputFolder.Failure) in try StagedFolder.checkReplaceable(folder) }
            let counter = RunCounter(total: 1 + 2 * inputs.count, style: .forStderr(quiet: quiet))
            let period = period
            let result: UrbanWattResults.Sensitivity
            do {
                result = try loaded.sensitivity(adjust: { try? period.apply(to: &$0) }, done: counter.update, shouldStop: { Interrupt.requested() })
            } catch {
                printError(error.description)
                throw CommandFailure(ExitStatus.dataError, nil)
            }
            counter.finish()
            guard result.complete, !Interrupt.requested() else {
                throw CommandFailure(Interrupt.exitCode, "interrupted before the \(1 + 2 * inputs.count) runs finished; nothing written to \(folder)/")
            }
            let json = result.json().serialized()
            try writing { () throws(OutputFolder.Failure) in
                try StagedFolder.replace(folder, command: "sensitivity") { f throws(OutputFolder.Failure) in
                    try f.write("sensitivity.json", json)
                    try f.write("tornado.svg", result.tornado())
                }
            }
            switch format {
            case .json: print(json, terminator: "")
            case .text:
                print(result.table(), terminator: "")
                if !quiet { print("Results in \(folder)/ (sensitivity.json, tornado.svg)") }
            }
        }
    }
}
