import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattScenario

/// Loads a scenario named on the command line: a file path, or the name of a built-in scenario.
/// Problems are printed to stderr and turned into the matching exit code.
enum ScenarioSource {
    static func load(_ argument: String?) throws -> Scenario {
        let name = argument ?? BuiltinScenarios.defaultName
        do {
            if FileManager.default.fileExists(atPath: name) {
                return try ScenarioDecoder.load(path: name)
            }
            if let text = BuiltinScenarios.text(named: name) {
                return try ScenarioDecoder.decode(text, file: "<built-in \(name)>")
            }
            throw ScenarioFileError.unreadable(name)
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
