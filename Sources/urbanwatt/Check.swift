import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattKit
import UrbanWattResults
import UrbanWattScenario

extension UrbanWatt {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scenario regression: run scenarios and compare each with its golden summary.",
            discussion: """
                A scenario DIR/NAME.yaml is checked against DIR/expected/NAME.summary.json, field by field \
                (the `run` section excluded), with a relative tolerance (default 1e-9, or the scenario's \
                `check: {tolerance: …}`). Differences are printed as a table and the exit code is 1. \
                --bless writes the goldens anew.
                """)

        @Argument(help: "Scenario files or folders of scenarios (default: Scenarios).", completion: .file(extensions: ["yaml", "yml"]))
        var paths: [String] = []

        @Flag(help: "Rewrite the golden summaries from this run.")
        var bless = false

        @Option(help: "Relative tolerance for every scenario, overriding theirs (0 to 1; 0.001 is 0.1 %).")
        var tolerance: Double?

        func validate() throws {
            // nan, inf or 1e308 would pass any golden: a check that cannot fail.
            if let tolerance, !(0...1).contains(tolerance) {
                throw ValidationError("--tolerance expects a relative tolerance from 0 to 1 (0.001 is 0.1 %), got \(tolerance)")
            }
        }

        func run() throws {
            var failed = 0, checked = 0
            do {
                for file in try RegressionSuite.files(paths) {
                    let golden = RegressionSuite.golden(for: file)
                    switch try RegressionSuite.check(try ScenarioSource.load(file), file: file, tolerance: tolerance, bless: bless) {
                    case .noGolden:
                        print("skip  \(file) (no golden \(golden); --bless writes one)")
                    case .blessed:
                        print("bless \(file) → \(golden)")
                    case .passed:
                        checked += 1
                        print("ok    \(file)")
                    case .failed(let mismatches, let tol):
                        checked += 1
                        failed += 1
                        print("FAIL  \(file): \(mismatches.count) field\(mismatches.count == 1 ? "" : "s") differ beyond \(tol)")
                        print(RegressionCheck.table(mismatches))
                    }
                }
            } catch let failure as RegressionSuite.Failure {
                switch failure {
                case .noInput: throw CommandFailure(ExitStatus.noInput, failure.description)
                case .unreadableGolden: throw CommandFailure(ExitStatus.dataError, failure.description)
                case .cannotWrite: throw CommandFailure(ExitStatus.cannotCreate, failure.description)
                }
            }
            if !bless { print("\(checked - failed) passed, \(failed) failed") }
            if failed > 0 { throw CommandFailure(ExitStatus.internalError, nil) }
        }
    }
}
