import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattTelemetry

/// How to reach a broker: URL, credentials (never on the command line), TLS files, client id.
struct BrokerOptions: ParsableArguments, Sendable {
    @Option(help: "Broker URL: mqtt://[user@]host[:port] (1883) or mqtts://… (8883). The password comes from URBANWATT_MQTT_PASSWORD or --password-file.")
    var mqtt: String?

    @Option(help: "A file whose first line is the broker password.")
    var passwordFile: String?

    @Option(help: "CA certificate file for mqtts://.")
    var cafile: String?

    @Option(help: "Client certificate file for mqtts://.")
    var cert: String?

    @Option(help: "Client key file for mqtts://.")
    var key: String?

    @Option(help: "MQTT client id (default urbanwatt-<scenario>-<pid>).")
    var clientId: String?

    @Option(help: "MQTT protocol: 5 or 3.1.1.", completion: Completions.mqttVersion)
    var mqttVersion: String = "5"

    @Option(
        help:
            "How long to keep retrying a lost or first connection, or to wait for a broker that stopped answering, before giving up (exit 69); e.g. 60s, 5min (0.1 s to 1 d)."
    )
    var reconnectTimeout: String = "60s"

    static let reconnectRange: ClosedRange<Double> = 0.1...86_400

    func validate() throws {
        if let mqtt, BrokerURL(mqtt) == nil {
            throw ValidationError(
                "--mqtt expects mqtt://[user@]host[:port] or mqtts://…, got \"\(Redaction.url(mqtt))\" (passwords go in URBANWATT_MQTT_PASSWORD or --password-file)"
            )
        }
        if MQTTSettings.Version(rawValue: mqttVersion) == nil { throw ValidationError("--mqtt-version expects 5 or 3.1.1, got \"\(mqttVersion)\"") }
        _ = try OptionValues.duration(reconnectTimeout, option: "--reconnect-timeout", range: BrokerOptions.reconnectRange)
        for (flag, path) in [("--cafile", cafile), ("--cert", cert), ("--key", key), ("--password-file", passwordFile)] {
            if let path { try OptionValues.readableFile(path, option: flag) }
        }
    }

    /// The connection settings, or nil without --mqtt.
    func settings(defaultClientID: String) throws -> MQTTSettings? {
        guard let mqtt, let url = BrokerURL(mqtt) else { return nil }
        var s = MQTTSettings(url: url, clientID: clientId ?? defaultClientID)
        s.version = MQTTSettings.Version(rawValue: mqttVersion) ?? .v5
        s.caFile = cafile
        s.certFile = cert
        s.keyFile = key
        s.reconnectTimeout = try OptionValues.duration(reconnectTimeout, option: "--reconnect-timeout", range: BrokerOptions.reconnectRange)
        if let passwordFile {
            let text = (try? String(contentsOfFile: passwordFile, encoding: .utf8)) ?? ""
            s.password = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
        } else {
            s.password = ProcessInfo.processInfo.environment["URBANWATT_MQTT_PASSWORD"]
        }
        return s
    }
}
