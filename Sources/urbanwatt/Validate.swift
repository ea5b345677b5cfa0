import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattKit
import UrbanWattScenario

extension UrbanWatt {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check scenario files and print every problem found (exit 65 if any).",
            discussion: "With --format json, stdout is one JSON array of every problem: {file, line, column, path, message, suggestion}.")

        @Argument(help: "Scenario files (YAML).", completion: .file(extensions: ["yaml", "yml"]))
        var scenarios: [String]

        @Option(help: "text (a line per problem on stderr) or json (an array on stdout).", completion: Completions.textOrJSON)
        var format: OutputFormat = .text

        func validate() throws {
            if scenarios.isEmpty { throw ValidationError("name at least one scenario file") }
        }

        func run() throws {
            var worst: ExitCode = .success
            var found: [JSONValue] = []
            for path in scenarios {
                // Every file is checked: say this one's problems and go on.
                do {
                    let s = try Simulation.load(path).scenario
                    let e = WorkEstimate(s)
                    if format == .text { print("\(path): ok (\(s.name): \(e.description); \(e.messagesDescription) at --interval 15min)") }
                } catch let errors as ScenarioErrors {
                    if format == .json {
                        found += errors.diagnostics.map(\.json)
                    } else {
                        printError(errors.description)
                        printError("\(errors.diagnostics.count) problem\(errors.diagnostics.count == 1 ? "" : "s") in \(path)")
                    }
                    if worst == .success { worst = ExitStatus.dataError }
                } catch {
                    let problem = Diagnostic(file: path, line: 1, column: 1, path: "", message: "cannot read the file")
                    if format == .json { found.append(problem.json) } else { printError("urbanwatt: \(error)") }
                    worst = ExitStatus.noInput
                }
            }
            if format == .json { print(JSONValue.array(found).serialized(), terminator: "") }
            if worst != .success { throw CommandFailure(worst, nil) }
        }
    }
}
