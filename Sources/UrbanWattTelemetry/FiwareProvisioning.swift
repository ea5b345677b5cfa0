public import UrbanWattCore

/// What a FIWARE IoT Agent needs to take UrbanWatt's UltraLight or JSON stream into Orion: a config
/// group for the API key and resource, and one device per node (or per fleet, for `--telemetry
/// fleets`), in the IoT Agent provisioning API's own shape (`POST /iot/services`, `POST /iot/devices`).
///
/// Device ids are `{scenario}:{node}`, the topic level before `attrs` (`/ul/{apikey}/{scenario}:{node}/attrs`):
/// `:` is in no UrbanWatt name, so two scenarios on one agent never share a device. Entity types
/// come from the FIWARE Smart Data Models where one fits (`Streetlight`, `EVChargingStation`), else
/// `Device`; the attributes name the payload's short keys, with UN/CEFACT unit codes.
public struct FiwareProvisioning: Sendable {
    public let scenario: Scenario
    public let format: PayloadFormat
    public let apikey: String
    /// One device per fleet instead of per node.
    public let perFleet: Bool

    public init(scenario: Scenario, format: PayloadFormat, apikey: String, perFleet: Bool) {
        precondition(format == .fiwareUL || format == .fiwareJSON)
        self.scenario = scenario
        self.format = format
        self.apikey = apikey
        self.perFleet = perFleet
    }

    /// The IoT Agents' default southbound resources.
    public var resource: String { format == .fiwareUL ? "/iot/d" : "/iot/json" }
    var protocolName: String { format == .fiwareUL ? "PDI-IoTA-UltraLight" : "PDI-IoTA-JSON" }

    /// The short keys of `fiware-ul` and `fiware-json` payloads: (key, attribute, type, UN/CEFACT unit).
    public static let attributes: [(key: String, name: String, type: String, unit: String?)] = [
        ("p", "powerConsumption", "Number", "WTT"),
        ("e", "energyConsumed", "Number", "JOU"),
        ("t", "totalEnergyConsumed", "Number", "JOU"),
        ("s", "sequenceNumber", "Integer", nil),
        ("f", "fleet", "Text", nil),
        // Where the node is when it sends: a fleet that moves changes district, and a FIWARE
        // topic names only the device (the static `district` lists every district it moves through).
        ("d", "currentDistrict", "Text", nil),
    ]

    /// The Smart Data Models entity type for a kind.
    public static func entityType(_ kind: FleetKind) -> String {
        switch kind.rawValue {
        case "streetlight": "Streetlight"
        case "ev-charger": "EVChargingStation"
        default: "Device"
        }
    }

    static var attributeList: JSONValue {
        .array(
            attributes.map { a in
                var fields: [(String, JSONValue)] = [("object_id", .string(a.key)), ("name", .string(a.name)), ("type", .string(a.type))]
                if let unit = a.unit { fields.append(("metadata", .object([("unitCode", .object([("type", .string("Text")), ("value", .string(unit))]))]))) }
                return .object(fields)
            })
    }

    /// The config group (`services`).
    public var service: JSONValue {
        .object([
            ("apikey", .string(apikey)), ("resource", .string(resource)), ("entity_type", .string("Device")),
            ("protocol", .string(protocolName)), ("transport", .string("MQTT")), ("attributes", FiwareProvisioning.attributeList),
        ])
    }

    /// The device id of a node (`parking-17`) or fleet, as the topic carries it.
    public func deviceID(_ node: String) -> String { "\(scenario.name):\(node)" }

    /// Calls `body` with every device, in scenario order: every node that ever exists, or every fleet.
    public func forEachDevice(_ body: (JSONValue) throws -> Void) rethrows {
        for fleet in scenario.fleets {
            let entityType = FiwareProvisioning.entityType(fleet.kind)
            let statics = JSONValue.array(
                [("fleet", fleet.name), ("kind", fleet.kind.rawValue), ("layer", fleet.layer.rawValue), ("district", fleet.districtLabel)].map {
                    .object([("name", .string($0.0)), ("type", .string("Text")), ("value", .string($0.1))])
                })
            func device(_ node: String) -> JSONValue {
                .object([
                    ("device_id", .string(deviceID(node))), ("entity_name", .string("urn:ngsi-ld:\(entityType):\(deviceID(node))")),
                    ("entity_type", .string(entityType)), ("apikey", .string(apikey)), ("protocol", .string(protocolName)),
                    ("transport", .string("MQTT")), ("attributes", FiwareProvisioning.attributeList), ("static_attributes", statics),
                ])
            }
            if perFleet {
                try body(device(fleet.name))
            } else {
                let nodes = type(of: fleet.model).isSingleNode ? 1 : fleet.maximumNodes
                for i in 0..<nodes { try body(device("\(fleet.name)-\(i)")) }
            }
        }
    }

    /// An IoT Agent's default body limit (body-parser's 1 MB in iotagent-node-lib): the default
    /// bodies stay under it.
    public static let maximumBodyBytes = 1_000_000

    /// The provisioning as the agent takes it, one request body at a time: the config group for
    /// `POST /iot/services`, then `{"devices": [...]}` bodies for `POST /iot/devices` of at most
    /// `devicesPerBody` devices (by default, no limit but the size), each under `maximumBytes`.
    public func forEachBody(
        devicesPerBody: Int? = nil, maximumBytes: Int = FiwareProvisioning.maximumBodyBytes,
        _ body: (_ resource: String, _ text: String, _ devices: Int) throws -> Void
    ) rethrows {
        try body("/iot/services", "{\"services\": [\(service.compact())]}", 0)
        let head = "{\"devices\": [", tail = "]}"
        var text = head, count = 0
        try forEachDevice { device in
            let item = device.compact()
            // At `devicesPerBody` devices, or before the body would pass `maximumBytes`, whichever comes first.
            let full = devicesPerBody.map { count >= $0 } ?? false || text.utf8.count + item.utf8.count + 1 + tail.utf8.count > maximumBytes
            if count > 0 && full {
                try body("/iot/devices", text + tail, count)
                (text, count) = (head, 0)
            }
            text += (count > 0 ? "," : "") + item
            count += 1
        }
        if count > 0 { try body("/iot/devices", text + tail, count) }
    }
}
