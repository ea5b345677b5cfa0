import ArgumentParser
import UrbanWattScenario

extension UrbanWatt {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a built-in scenario's YAML, to read or to copy.")

        @Argument(help: "A built-in scenario (urbanwatt list names them).", completion: .list(BuiltinScenarios.names))
        var scenario: String

        func run() throws {
            guard let text = BuiltinScenarios.text(named: scenario) else {
                throw CommandFailure(
                    ExitStatus.noInput,
                    "no built-in scenario `\(scenario)` (built-in: \(BuiltinScenarios.names.joined(separator: ", ")))"
                        + BuiltinScenarios.didYouMean(scenario))
            }
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        }
    }
}
