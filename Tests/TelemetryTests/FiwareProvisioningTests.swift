import Foundation
import TestSupport
import Testing
import UrbanWattCore
@testable import UrbanWattScenario
@testable import UrbanWattTelemetry

/// `fiware provision`: the IoT Agent's config group and devices, in the provisioning API's shape,
/// for exactly the device ids the stream publishes under, with every short key mapped.
@Suite struct FiwareProvisioningTests {
    @Test func theDevicesAreThoseTheStreamPublishesUnder() throws {
        let s = try ScenarioDecoder.decode(telemetryScenario, file: "teletown.yaml")
        let p = FiwareProvisioning(scenario: s, format: .fiwareUL, apikey: "urbanwatt", perFleet: false)
        var devices: [JSONValue] = []
        p.forEachDevice { devices.append($0) }
        #expect(devices.count == s.fleets.reduce(0) { $0 + $1.maximumNodes })
        // The provisioning API's required fields (iotagent-node-lib, Device datamodel).
        for d in devices {
            for key in ["device_id", "entity_name", "entity_type"] { #expect(d[key]?.stringValue?.isEmpty == false, "\(key)") }
            guard case .array(let attributes)? = d["attributes"] else { Issue.record("no attributes"); continue }
            #expect(attributes.allSatisfy { $0["object_id"] != nil && $0["name"] != nil && $0["type"] != nil })
        }
        let types = Dictionary(devices.map { ($0["device_id"]!.stringValue!, $0["entity_type"]!.stringValue!) }, uniquingKeysWith: { a, _ in a })
        #expect(types["teletown:lights-0"] == "Streetlight" && types["teletown:chargers-3"] == "EVChargingStation" && types["teletown:gw-1"] == "Device")
        #expect(devices.first?["entity_name"]?.stringValue == "urn:ngsi-ld:Device:teletown:parking-0")
        #expect(p.service["resource"]?.stringValue == "/iot/d" && p.service["apikey"]?.stringValue == "urbanwatt" && p.service["transport"]?.stringValue == "MQTT")

        // The stream: every message's device id (the level before `attrs`) is provisioned, and every
        // provisioned device speaks.
        let engine = Engine(scenario: s)
        let transport = InMemoryTransport()
        var config = TelemetryConfig(topic: try TopicTemplate(PayloadFormat.fiwareUL.defaultTopic))
        config.format = .fiwareUL
        let session = TelemetrySession(engine: engine, config: config, transport: transport, clock: ManualClock(), options: .init())
        try session.start()
        _ = engine.run { range, series in session.publish(range, series: series, clock: engine.clock, shouldStop: { false }) }
        _ = session.finish(totals: nil, interrupted: false)
        let telemetry = transport.sent.filter { !$0.topic.hasSuffix("/status") }
        let published = Set(telemetry.map { $0.topic.split(separator: "/").dropLast().last.map(String.init)! })
        #expect(published == Set(types.keys))
        // Every short key of the payload is an attribute (TimeInstant is the agent's own).
        let keys = Set(telemetry[0].payloadText.split(separator: "|").enumerated().filter { $0.offset % 2 == 0 }.map { String($0.element) })
        #expect(keys.subtracting(["TimeInstant"]) == Set(FiwareProvisioning.attributes.map(\.key)))
        // And the listener reads those topics back to their nodes and fleets.
        var a = Aggregator()
        for m in telemetry { a.add(topic: m.topic, payload: m.payload) }
        #expect(a.invalid == 0 && Set(a.fleetTotals.map(\.fleet)) == Set(s.fleets.map(\.name)))
    }

    @Test func theCommandPrintsOneJSONObject() throws {
        let file = try writeTelemetryScenario()
        let r = try CLI.run(["fiware", "provision", file, "--payload", "fiware-json", "--devices", "fleets", "--apikey", "city"])
        #expect(r.status == 0, "\(r.stderr)")
        let v = try JSONParser.parse(r.stdout)
        guard case .array(let devices)? = v["devices"], case .array(let services)? = v["services"] else { Issue.record("no devices or services"); return }
        #expect(devices.count == 6 && services.count == 1)
        #expect(services[0]["resource"]?.stringValue == "/iot/json" && devices[0]["device_id"]?.stringValue == "teletown:parking")
        #expect(try CLI.run(["fiware", "provision", file, "--payload", "json"]).status == 64)
    }
}
