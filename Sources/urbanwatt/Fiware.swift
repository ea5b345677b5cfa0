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
                abstract: "The IoT Agent provisioning of a scenario: the config group and its devices, as request bodies.",
                discussion: """
                    Prints one request body a line: first {"services": [...]} for the agent's /iot/services, then \
                    {"devices": [...]} bodies for /iot/devices, each under an agent's default 1 MB limit (or --batch devices \
                    each). --post sends them to an IoT Agent instead, with the Fiware-Service and Fiware-ServicePath headers. \
                    Then stream with the same --payload and --apikey.
                    """)

            @Argument(help: "A built-in scenario name or a YAML file (default: the built-in default).", completion: Completions.scenario)
            var scenario: String?

            @Option(help: "fiware-ul (UltraLight 2.0, resource /iot/d) or fiware-json (resource /iot/json).", completion: .list(["fiware-ul", "fiware-json"]))
            var payload: String = "fiware-ul"

            @Option(help: "The API key the devices publish under, as `run --apikey`.")
            var apikey: String = "urbanwatt"

            @Option(help: "nodes (a device per node) or fleets (a device per fleet, for `run --telemetry fleets`).", completion: Completions.telemetry)
            var devices: String = "nodes"

            @Option(help: "Devices in each /iot/devices body at most (1 to 100000); a body stays under 1 MB either way.")
            var batch: Int?

            @Option(help: "Post the bodies to this IoT Agent (its north port, e.g. http://127.0.0.1:4041) instead of printing them.")
            var post: String?

            @Option(help: "The Fiware-Service header of the posts.")
            var service: String = "urbanwatt"

            @Option(help: "The Fiware-ServicePath header of the posts.")
            var servicePath: String = "/"

            func validate() throws {
                if let batch, !(1...100_000).contains(batch) { throw ValidationError("--batch expects 1 to 100000 devices a body, got \(batch)") }
                if let post, let why = FiwareAgent.problem(post) { throw ValidationError("--post: \(why)") }
                if let why = FiwareAgent.serviceProblem(service) { throw ValidationError("--service: \(why)") }
                if let why = FiwareAgent.servicePathProblem(servicePath) { throw ValidationError("--service-path: \(why)") }
                guard payload == "fiware-ul" || payload == "fiware-json" else {
                    throw ValidationError("--payload expects fiware-ul or fiware-json, got \"\(payload.prefix(80))\"")
                }
                guard devices == "nodes" || devices == "fleets" else {
                    throw ValidationError("--devices expects nodes or fleets, got \"\(devices.prefix(80))\"")
                }
                if !Name.isValid(apikey) { throw ValidationError("--apikey: " + Name.problem(apikey, what: "an API key")) }
            }

            func run() throws {
                let s = try ScenarioSource.load(scenario).scenario
                // `validate()` let only fiware-ul or fiware-json through: both are `PayloadFormat`s.
                let p = FiwareProvisioning(scenario: s, format: PayloadFormat(rawValue: payload)!, apikey: apikey, perFleet: devices == "fleets")
                guard let post, let agent = FiwareAgent(url: post, service: service, servicePath: servicePath) else {
                    // One body a line, as they come: a city of a million nodes needs no tree of them.
                    p.forEachBody(devicesPerBody: batch) { _, body, _ in FileHandle.standardOutput.write(Data((body + "\n").utf8)) }
                    return
                }
                var bodies = 0, devices = 0
                try p.forEachBody(devicesPerBody: batch) { resource, body, count in
                    if let why = agent.post(resource, body: body) {
                        throw CommandFailure(
                            ExitStatus.unavailable,
                            "--post: \(resource) body \(bodies + 1) not taken: \(why); \(bodies) bodies (\(devices) devices) posted before it")
                    }
                    bodies += 1
                    devices += count
                }
                printError("urbanwatt: posted the config group and \(devices) devices in \(bodies) bodies to \(Redaction.url(post))")
            }
        }
    }
}
