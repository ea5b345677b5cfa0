public import Foundation
import UrbanWattCore

/// An IoT Agent's provisioning API (its north port, such as http://127.0.0.1:4041): where
/// `fiware provision --post` sends the bodies, each with the service and service path headers
/// every FIWARE component reads.
public struct FiwareAgent: Sendable {
    public let base: URL
    public let service: String
    public let servicePath: String
    public static let requestTimeout = 30.0

    /// nil when `url` is not an http(s) URL with a host.
    public init?(url: String, service: String, servicePath: String) {
        guard let u = URL(string: url), ["http", "https"].contains(u.scheme ?? ""), u.host != nil, u.query == nil else { return nil }
        base = u
        self.service = service
        self.servicePath = servicePath
    }

    /// Why `url` cannot be an agent's address, or nil.
    public static func problem(_ url: String) -> String? {
        FiwareAgent(url: url, service: "x", servicePath: "/") == nil
            ? "expected the IoT Agent's http URL such as http://127.0.0.1:4041, got \"\(Redaction.url(String(url.prefix(200))).prefix(80))\"" : nil
    }

    /// FIWARE's rules for the `Fiware-Service` header: lowercase letters, digits and `_`, at most 50.
    public static func serviceProblem(_ s: String) -> String? {
        s.count <= 50 && !s.isEmpty && s.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
            ? nil
            : "expected a service name of 1 to 50 lowercase letters, digits or `_`, got \"\(s.prefix(80))\""
    }

    /// And for `Fiware-ServicePath`: `/` or `/` followed by letters, digits and `_`, at most 50.
    public static func servicePathProblem(_ s: String) -> String? {
        s.hasPrefix("/") && s.count <= 50 && s.dropFirst().allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            ? nil
            : "expected a service path such as / or /city (at most 50 characters), got \"\(s.prefix(80))\""
    }

    /// POSTs `body` to `resource` (`/iot/services`, `/iot/devices`); nil when the agent took it, else why.
    public func post(_ resource: String, body: String) -> String? {
        let url = base.appendingPathComponent(String(resource.dropFirst()))
        let headers = ["Content-Type": "application/json", "Fiware-Service": service, "Fiware-ServicePath": servicePath]
        let (status, text) = HTTPPost.send(url, body: Data(body.utf8), headers: headers, timeout: Self.requestTimeout)
        if (200..<300).contains(status) { return nil }
        return status == 0 ? text : "HTTP \(status) \(text.split(separator: "\n").joined(separator: " "))"
    }
}
