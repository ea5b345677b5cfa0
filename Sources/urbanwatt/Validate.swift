import ArgumentParser
import UrbanWattCore
import UrbanWattScenario

extension UrbanWatt {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check scenario files and print every problem found (exit 65 if any).")

        @Argument(help: "Scenario files (YAML).")
        var scenarios: [String]

        func validate() throws {
            if scenarios.isEmpty { throw ValidationError("name at least one scenario file") }
        }

        func run() throws {
            var worst: ExitCode = .success
            for path in scenarios {
                do {
                    let s = try ScenarioSource.load(path).scenario
                    let e = WorkEstimate(s)
                    print("\(path): ok (\(s.name): \(e.description); \(e.messagesDescription) at --interval 15min)")
                } catch let failure as CommandFailure {
                    // Every file is checked: say this one's problem and go on.
                    if let message = failure.message { printError("urbanwatt: \(message)") }
                    if worst == .success || failure.code == ExitStatus.noInput { worst = failure.code }
                }
            }
            if worst != .success { throw CommandFailure(worst, nil) }
        }
    }
}
