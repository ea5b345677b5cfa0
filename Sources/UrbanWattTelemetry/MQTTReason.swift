/// The names of MQTT reason codes: MQTT 5 (§2.4) and the MQTT 3.1.1 CONNACK return codes.
package enum MQTTReason {
    static let names: [Int32: String] = [
        0: "success", 1: "unacceptable protocol version", 2: "identifier rejected", 3: "server unavailable",
        4: "bad user name or password", 5: "not authorised", 16: "no matching subscribers",
        128: "unspecified error", 129: "malformed packet", 130: "protocol error", 131: "implementation specific error",
        132: "unsupported protocol version", 133: "client identifier not valid", 134: "bad user name or password",
        135: "not authorised", 136: "server unavailable", 137: "server busy", 138: "banned", 139: "server shutting down",
        140: "bad authentication method", 141: "keep alive timeout", 142: "session taken over", 143: "topic filter invalid",
        144: "topic name invalid", 145: "packet identifier in use", 146: "packet identifier not found",
        147: "receive maximum exceeded", 148: "topic alias invalid", 149: "packet too large", 150: "message rate too high",
        151: "quota exceeded", 152: "administrative action", 153: "payload format invalid", 154: "retain not supported",
        155: "QoS not supported", 156: "use another server", 157: "server moved", 158: "shared subscriptions not supported",
        159: "connection rate exceeded", 160: "maximum connect time", 161: "subscription identifiers not supported",
        162: "wildcard subscriptions not supported",
    ]

    /// "not authorised (135)", or "code N" for a code MQTT does not define.
    package static func text(_ code: Int32) -> String {
        names[code].map { "\($0) (\(code))" } ?? "code \(code)"
    }

    /// Codes that mean the credentials or the client were refused (exit 77).
    package static func isAuthRefusal(_ code: Int32) -> Bool { [4, 5, 134, 135].contains(code) }
}
