import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattKit
import UrbanWattResults

extension UrbanWatt {
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare two results side by side: result folders, or scenarios (run first).")

        @Argument(help: "A result folder (with summary.json), a scenario file or a built-in scenario name.", completion: Completions.scenario)
        var a: String

        @Argument(help: "The same for the other side.", completion: Completions.scenario)
        var b: String

        @Option(
            help: "table, md, json, csv or html (a page with the deltas and the charts side by side).",
            completion: .list(Comparison.Format.allCases.map(\.rawValue)))
        var format: String = "table"

        @Flag(help: "Exit 1 when the two results are not like for like: other periods, steps, seeds, fleets, grids, or incomplete.")
        var strict = false

        @Option(help: "fleet:NAME, repeatable: the fleet the two differ in on purpose (added, removed or changed); --strict lets its differences pass.")
        var expect: [String] = []

        func validate() throws {
            if Comparison.Format(rawValue: format) == nil { throw ValidationError("--format expects table, md, json, csv or html, got \"\(format)\"") }
            for e in expect where !(e.hasPrefix("fleet:") && Name.isValid(String(e.dropFirst(6)))) {
                throw ValidationError("--expect expects fleet:NAME, such as fleet:chargers, got \"\(e)\"")
            }
        }

        func run() throws {
            let left = try summary(a), right = try summary(b)
            let labels = (left.scenario, right.scenario)
            let distinct = labels.0 == labels.1 ? (a, b) : labels
            let comparison = Comparison(left, right, labels: distinct, expected: Set(expect.map { String($0.dropFirst(6)) }))
            // `validate()` refused a `format` that is not one of `Comparison.Format`'s values.
            print(comparison.render(Comparison.Format(rawValue: format)!), terminator: "")
            for w in comparison.warnings { printError("urbanwatt: warning: \(w)") }
            for x in comparison.expected { printError("urbanwatt: expected: \(x)") }
            if strict && !comparison.warnings.isEmpty { throw CommandFailure(ExitStatus.internalError, "--strict: the two results are not like for like") }
        }

        func summary(_ argument: String) throws -> RunSummary {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue {
                do { return try ResultFolder.summary(in: argument) } catch { throw CommandFailure(ExitStatus.noInput, error.description) }
            }
            return try ScenarioSource.load(argument).run().summary()
        }
    }
}
