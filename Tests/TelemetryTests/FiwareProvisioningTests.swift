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
        #expect(
            p.service["resource"]?.stringValue == "/iot/d" && p.service["apikey"]?.stringValue == "urbanwatt" && p.service["transport"]?.stringValue == "MQTT")

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

    @Test func theCommandPrintsOneBodyALine() throws {
        let file = try writeTelemetryScenario()
        let r = try CLI.run(["fiware", "provision", file, "--payload", "fiware-json", "--devices", "fleets", "--apikey", "city"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { try? JSONParser.parse(String($0)) }
        guard lines.count == 2, case .array(let services)? = lines[0]?["services"], case .array(let devices)? = lines[1]?["devices"] else {
            Issue.record("expected a services line and a devices line: \(r.stdout.prefix(300))"); return
        }
        #expect(devices.count == 6 && services.count == 1)
        #expect(services[0]["resource"]?.stringValue == "/iot/json" && devices[0]["device_id"]?.stringValue == "teletown:parking")
        #expect(try CLI.run(["fiware", "provision", file, "--payload", "json"]).status == 64)
        // --batch 4: the six devices in bodies of 4 and 2.
        let batched = try CLI.run(["fiware", "provision", file, "--devices", "fleets", "--batch", "4"])
        #expect(
            batched.stdout.split(separator: "\n").dropFirst().map { line -> Int? in
                guard case .array(let list)? = (try? JSONParser.parse(String(line)))?["devices"] else { return nil }
                return list.count
            } == [4, 2])
        for bad in [["--batch", "0"], ["--post", "ftp://x"], ["--service", "Big"], ["--service-path", "city"]] {
            #expect(try CLI.run(["fiware", "provision", file] + bad).status == 64, "\(bad)")
        }
    }

    /// `--post` against an agent of the test's own, which refuses a body over 1 MB as an IoT
    /// Agent's body parser does and records every request: mittelstadt's 15,123 devices go in
    /// bodies under 1 MB, each with the headers, the config group first; `--batch` caps the devices
    /// a body; a refused body stops the posting with exit 69 and says how far it got.
    @Test func theBodiesArePostedToAnAgent() throws {
        let agent = try LocalService("agent", executables: ["/usr/bin/python3"], ready: "ready") { folder, port in
            let script = folder.appendingPathComponent("agent.py")
            try Self.agent.write(to: script, atomically: true, encoding: .utf8)
            return [script.path, String(port), folder.appendingPathComponent("requests.jsonl").path]
        }
        defer { agent.stop() }
        let r = try CLI.run(["fiware", "provision", "mittelstadt", "--post", "http://127.0.0.1:\(agent.port)", "--service", "city", "--service-path", "/mitte"])
        #expect(r.status == 0, "\(r.stderr)")
        let log = try String(contentsOf: agent.folder.appendingPathComponent("requests.jsonl"), encoding: .utf8)
        let requests = try log.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(requests.first?["path"]?.stringValue == "/iot/services" && requests.dropFirst().allSatisfy { $0["path"]?.stringValue == "/iot/devices" })
        #expect(
            requests.allSatisfy {
                $0["service"]?.stringValue == "city" && $0["servicepath"]?.stringValue == "/mitte" && $0["type"]?.stringValue == "application/json"
            })
        let sizes = requests.compactMap { $0["length"]?.doubleValue }
        #expect(sizes.allSatisfy { $0 <= 1_000_000 } && requests.count > 10, "\(sizes)")
        let devices = requests.compactMap { $0["devices"]?.doubleValue }.reduce(0, +)
        let nodes = try ScenarioDecoder.decode(BuiltinScenarios.text(named: "mittelstadt")!, file: "m.yaml").fleets.reduce(0) { $0 + $1.maximumNodes }
        #expect(Int(devices) == nodes && r.stderr.contains("posted the config group and \(nodes) devices in \(requests.count) bodies"), "\(r.stderr)")
        // --batch 1000: at most 1,000 devices a body, still under 1 MB each.
        let batched = try CLI.run(["fiware", "provision", "mittelstadt", "--post", "http://127.0.0.1:\(agent.port)", "--batch", "1000", "--service", "batched"])
        let sizes1000 = try String(contentsOf: agent.folder.appendingPathComponent("requests.jsonl"), encoding: .utf8).split(separator: "\n")
            .map { try JSONParser.parse(String($0)) }.filter { $0["service"]?.stringValue == "batched" && $0["path"]?.stringValue == "/iot/devices" }
        #expect(batched.status == 0 && sizes1000.count == (nodes + 999) / 1000, "\(batched.stderr)")
        #expect(sizes1000.allSatisfy { ($0["devices"]?.doubleValue ?? 0) <= 1000 && ($0["length"]?.doubleValue ?? 2e6) <= 1_000_000 })
        // An agent that refuses (its group exists: 409): nothing follows the refused body.
        let refused = try CLI.run(["fiware", "provision", "mittelstadt", "--post", "http://127.0.0.1:\(agent.port)", "--service", "taken"])
        #expect(
            refused.status == 69 && refused.stderr.contains("/iot/services body 1 not taken: HTTP 409")
                && refused.stderr.contains("0 bodies (0 devices) posted before it"), "\(refused.stderr)")
    }

    static let agent = """
        import http.server, json, sys
        port, log = int(sys.argv[1]), sys.argv[2]
        class Agent(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_GET(self):
                self.send_response(200 if self.path == "/ready" else 404); self.end_headers()
            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0)); body = self.rfile.read(n)
                if n > 1000000:
                    self.send_response(413); self.end_headers(); self.wfile.write(b'{"name":"PayloadTooLargeError"}'); return
                if self.headers.get("Fiware-Service") == "taken":
                    self.send_response(409); self.end_headers(); self.wfile.write(b'{"name":"DUPLICATE_GROUP"}'); return
                doc = json.loads(body)
                with open(log, "a") as f:
                    f.write(json.dumps({"path": self.path, "service": self.headers.get("Fiware-Service"), "servicepath": self.headers.get("Fiware-ServicePath"),
                                        "type": self.headers.get("Content-Type"), "length": n, "devices": len(doc.get("devices", []))}) + "\\n")
                self.send_response(201); self.end_headers()
        http.server.ThreadingHTTPServer(("127.0.0.1", port), Agent).serve_forever()
        """
}
