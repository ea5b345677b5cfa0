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
            throw ExitStatus.dataError
        } catch let error as ScenarioFileError {
            printError("urbanwatt: \(error) (built-in scenarios: \(BuiltinScenarios.names.joined(separator: ", ")))")
            throw ExitStatus.noInput
        }
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
