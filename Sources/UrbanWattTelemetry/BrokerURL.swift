/// `mqtt://[user@]host[:port]` (port 1883) or `mqtts://…` (TLS, port 8883).
public struct BrokerURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var tls: Bool
    public var username: String?

    public init?(_ text: String) {
        let scheme: String
        if text.hasPrefix("mqtt://") { scheme = "mqtt" } else if text.hasPrefix("mqtts://") { scheme = "mqtts" } else { return nil }
        tls = scheme == "mqtts"
        var rest = Substring(text.dropFirst(scheme.count + 3))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        if let at = rest.lastIndex(of: "@") {
            let user = String(rest[..<at])
            if user.contains(":") { return nil } // a password never goes on the command line
            username = user.isEmpty ? nil : user
            rest = rest[rest.index(after: at)...]
        }
        var hostPart = rest, portValue = tls ? 8883 : 1883
        if rest.hasPrefix("[") { // [::1]:1883
            guard let close = rest.firstIndex(of: "]") else { return nil }
            hostPart = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { guard let p = Int(after.dropFirst()) else { return nil }; portValue = p }
        } else if let colon = rest.lastIndex(of: ":") {
            hostPart = rest[..<colon]
            guard let p = Int(rest[rest.index(after: colon)...]) else { return nil }
            portValue = p
        }
        guard !hostPart.isEmpty, !hostPart.contains("/"), (1...65535).contains(portValue) else { return nil }
        host = String(hostPart)
        port = portValue
    }

    public var description: String {
        "\(tls ? "mqtts" : "mqtt")://\(username.map { "\($0)@" } ?? "")\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}
