import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattKit
import UrbanWattScenario

/// Loads a scenario named on the command line — a file path or a built-in name — printing problems
/// to stderr and turning them into the matching exit code.
enum ScenarioSource {
    static func load(_ argument: String?) throws -> Simulation {
        let name = argument ?? BuiltinScenarios.defaultName
        do {
            return try Simulation.load(name)
        } catch let errors as ScenarioErrors {
            printError(errors.description)
            printError("\(errors.diagnostics.count) problem\(errors.diagnostics.count == 1 ? "" : "s") in \(name)")
            throw CommandFailure(ExitStatus.dataError, nil)
        } catch let error as ScenarioFileError {
            throw CommandFailure(
                ExitStatus.noInput,
                "\(error) (built-in scenarios: \(BuiltinScenarios.names.joined(separator: ", ")))"
                    + BuiltinScenarios.didYouMean(name))
        }
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
