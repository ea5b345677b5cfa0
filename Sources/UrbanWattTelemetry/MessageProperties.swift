/// The MQTT 5 properties UrbanWatt sets on each telemetry message and reads back: the payload's
/// content type, and its units as user properties (`power_unit: W`, `energy_unit: J`), so a
/// consumer need not guess the format from the bytes.
public struct MessageProperties: Sendable {
    public var contentType: String?
    /// User properties, in order (MQTT 5 allows a key more than once).
    public var user: [(key: String, value: String)]

    public init(contentType: String? = nil, user: [(key: String, value: String)] = []) {
        self.contentType = contentType
        self.user = user
    }

    public func user(_ key: String) -> String? { user.first { $0.key == key }?.value }

    /// What telemetry in `format` carries.
    public static func telemetry(_ format: PayloadFormat) -> MessageProperties {
        MessageProperties(contentType: format.contentType, user: [("power_unit", "W"), ("energy_unit", "J")])
    }
}

extension PayloadFormat {
    /// The payload's media type: JSON, SenML's own (RFC 8428 §12.3), and plain text for UltraLight
    /// and for line protocol (as InfluxDB's write API takes it).
    public var contentType: String {
        switch self {
        case .json, .fiwareJSON: "application/json"
        case .senml: "application/senml+json"
        case .fiwareUL: "text/plain"
        case .influx: "text/plain; charset=utf-8"
        }
    }
}
