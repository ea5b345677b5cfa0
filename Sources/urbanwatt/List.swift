import ArgumentParser
import UrbanWattCore
import UrbanWattScenario

extension UrbanWatt {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List built-in scenarios, node kinds, radio types, base-station presets, profiles and units, with defaults and sources.")

        func run() {
            print(Catalogue.text, terminator: "")
        }
    }
}
