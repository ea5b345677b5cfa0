/// How to reach and log in to a broker.
public struct MQTTSettings: Sendable {
    public enum Version: String, Sendable { case v5 = "5", v311 = "3.1.1" }

    public var url: BrokerURL
    public var password: String?
    public var clientID: String
    public var version: Version = .v5
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var keepAlive: Int32 = 30
    /// Keep the session (and unacknowledged QoS ≥ 1 messages) across reconnects.
    public var persistentSession = false
    /// Give up reconnecting (or connecting at all) after this many seconds.
    public var reconnectTimeout: Double = 60
    /// The run's `offline` status. A connection lost without DISCONNECT makes the broker publish
    /// it; each reconnection then publishes the last retained status sent again (QoS 1), so that a
    /// run still alive says `running` again, and one that ended keeps its `done`.
    public var will: (topic: String, payload: String, qos: Int32, retain: Bool)?

    public init(url: BrokerURL, clientID: String) {
        self.url = url
        self.clientID = clientID
    }
}

/// Why a connection could not be made.
public enum ConnectFailure: Error, CustomStringConvertible, Sendable {
    /// Nothing answered, or TLS failed, within the timeout (exit 69).
    case unavailable(String)
    /// The broker refused the credentials or the client (exit 77).
    case refused(String)

    public var description: String {
        switch self {
        case .unavailable(let s), .refused(let s): s
        }
    }
}
