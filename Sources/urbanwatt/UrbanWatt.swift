import ArgumentParser
import UrbanWattCore

@main
struct UrbanWatt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "urbanwatt",
        abstract: "Simulate the electricity of a smart city's ICT, year by year, with carbon, cost and savings.",
        version: UrbanWattVersion.current,
        subcommands: [
            Run.self, Validate.self, List.self, Show.self, New.self, Schema.self, Compare.self, Sensitivity.self, Check.self, Merge.self, Listen.self,
            Fiware.self,
        ],
        defaultSubcommand: nil)

    /// Parse, call, render: a `CommandFailure` is printed once, here, and becomes the exit code.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            if let message = failure.message { printError("urbanwatt: \(message)") }
            exit(withError: failure.code)
        } catch {
            exit(withError: error)
        }
    }
}
