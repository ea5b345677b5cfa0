import ArgumentParser
import UrbanWattCore
import UrbanWattScenario

extension UrbanWatt {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List built-in scenarios, node kinds, radio types, base-station presets, profiles and units, with defaults and sources.")

        @Option(help: "text or json.", completion: Completions.textOrJSON)
        var format: OutputFormat = .text

        func run() {
            print(format == .json ? Catalogue.json.serialized() : Catalogue.text, terminator: "")
        }
    }
}
