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

    /// What telemetry in `format` carries; `sent_at` last, filled in as each message goes out.
    public static func telemetry(_ format: PayloadFormat) -> MessageProperties {
        MessageProperties(contentType: format.contentType, user: [("power_unit", "W"), ("energy_unit", "J"), (sentAt, stamp(0))])
    }

    /// The user property with the wall-clock time a message was handed to the socket, in
    /// milliseconds since 1970: `listen --latency` takes it from the time the message arrives.
    public static let sentAt = "sent_at"

    /// Milliseconds since 1970 as 13 digits, the width every stamp has until the year 2286, so the
    /// pool can write it into properties encoded once.
    public static func stamp(_ unixSeconds: Double) -> String {
        var digits: [UInt8] = []
        digits.append(count: stampWidth) { $0.digits(milliseconds(unixSeconds), count: stampWidth) }
        return String(decoding: digits, as: UTF8.self)
    }

    static let stampWidth = 13

    /// The stamp's value: whole milliseconds since 1970, within 13 digits.
    static func milliseconds(_ unixSeconds: Double) -> Int {
        max(0, min(9_999_999_999_999, Int((unixSeconds * 1000).rounded(.down))))
    }

    /// These properties with `sent_at` stamped `unixSeconds`, where they carry it.
    public func stamped(_ unixSeconds: Double) -> MessageProperties {
        guard let i = user.lastIndex(where: { $0.key == Self.sentAt }) else { return self }
        var copy = self
        copy.user[i].value = Self.stamp(unixSeconds)
        return copy
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
