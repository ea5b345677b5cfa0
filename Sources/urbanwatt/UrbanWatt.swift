import ArgumentParser
import UrbanWattCore

@main
struct UrbanWatt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "urbanwatt",
        abstract: "Simulate the electricity of a smart city's ICT, year by year, with carbon, cost and savings.",
        version: UrbanWattVersion.current,
        subcommands: [Run.self, Validate.self, List.self, Schema.self, Compare.self, Check.self, Merge.self, Listen.self],
        defaultSubcommand: nil)
}
