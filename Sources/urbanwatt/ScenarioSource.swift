import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattScenario

/// A scenario named on the command line — a file path or a built-in name — with its text, so that
/// Monte Carlo runs can read it again with other parameter draws.
struct LoadedScenario: Sendable {
    var scenario: Scenario
    var text: String
    var file: String

    /// The scenario with run `k`'s draws of its uncertain parameters.
    func sample(seed: UInt64, run k: Int) -> Scenario {
        (try? ScenarioDecoder.decode(text, file: file, sampler: .draw(seed: seed, run: k))) ?? scenario
    }
}

/// Loads scenarios, printing problems to stderr and turning them into the matching exit code.
enum ScenarioSource {
    static func load(_ argument: String?) throws -> LoadedScenario {
        let name = argument ?? BuiltinScenarios.defaultName
        do {
            if FileManager.default.fileExists(atPath: name) {
                guard let data = FileManager.default.contents(atPath: name) else { throw ScenarioFileError.unreadable(name) }
                let text = try ScenarioDecoder.text(of: data, file: name)
                return LoadedScenario(scenario: try ScenarioDecoder.decode(text, file: name), text: text, file: name)
            }
            if let text = BuiltinScenarios.text(named: name) {
                let file = "<built-in \(name)>"
                return LoadedScenario(scenario: try ScenarioDecoder.decode(text, file: file), text: text, file: file)
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
