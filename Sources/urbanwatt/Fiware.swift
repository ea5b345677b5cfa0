import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattKit
import UrbanWattScenario
import UrbanWattTelemetry

extension UrbanWatt {
    struct Fiware: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "FIWARE: what an IoT Agent needs to take a scenario's telemetry into a context broker.",
            subcommands: [Provision.self])

        struct Provision: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print the IoT Agent provisioning of a scenario as one JSON object: `services` (the config group) and `devices`.",
                discussion: """
                    Post `services` to the agent's /iot/services and `devices` to /iot/devices (with your Fiware-Service and \
                    Fiware-ServicePath headers), then stream with the same --payload and --apikey.
                    """)

            @Argument(help: "A built-in scenario name or a YAML file (default: the built-in default).", completion: Completions.scenario)
            var scenario: String?

            @Option(help: "fiware-ul (UltraLight 2.0, resource /iot/d) or fiware-json (resource /iot/json).", completion: .list(["fiware-ul", "fiware-json"]))
            var payload: String = "fiware-ul"

            @Option(help: "The API key the devices publish under, as `run --apikey`.")
            var apikey: String = "urbanwatt"

            @Option(help: "nodes (a device per node) or fleets (a device per fleet, for `run --telemetry fleets`).", completion: Completions.telemetry)
            var devices: String = "nodes"

            func validate() throws {
                guard payload == "fiware-ul" || payload == "fiware-json" else { throw ValidationError("--payload expects fiware-ul or fiware-json, got \"\(payload.prefix(80))\"") }
                guard devices == "nodes" || devices == "fleets" else { throw ValidationError("--devices expects nodes or fleets, got \"\(devices.prefix(80))\"") }
                if !Name.isValid(apikey) { throw ValidationError("--apikey: " + Name.problem(apikey, what: "an API key")) }
            }

            func run() throws {
                let s = try ScenarioSource.load(scenario).scenario
                let p = FiwareProvisioning(scenario: s, format: PayloadFormat(rawValue: payload)!, apikey: apikey, perFleet: devices == "fleets")
                // Devices are written one a line as they come: a city of a million nodes needs no tree of them.
                let out = FileHandle.standardOutput
                out.write(Data("{\"services\": [\(p.service.compact())],\n\"devices\": [\n".utf8))
                var first = true
                var buffer = ""
                p.forEachDevice { device in
                    buffer += (first ? "" : ",\n") + device.compact()
                    first = false
                    if buffer.utf8.count > 1 << 20 {
                        out.write(Data(buffer.utf8))
                        buffer = ""
                    }
                }
                out.write(Data((buffer + "\n]}\n").utf8))
            }
        }
    }
}
