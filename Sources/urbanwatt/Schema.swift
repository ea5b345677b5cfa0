import UrbanWattCore
import ArgumentParser
import UrbanWattScenario

extension UrbanWatt {
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the JSON Schema (draft 2020-12) of the scenario format.")

        func run() {
            print(ScenarioSchema.json.serialized(), terminator: "")
        }
    }
}
