import Foundation

/// What an error message may show of a URL the user gave: never its secrets.
package enum Redaction {
    /// `text` with the password of `scheme://user:password@host` and the values of `p=`,
    /// `password=` and `token=` query parameters (InfluxDB 1.x takes credentials so) shown as `***`.
    package static func url(_ text: String) -> String {
        var result = Substring(text)
        if let scheme = result.range(of: "://") {
            let authority = result[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                result = result[..<result.index(after: colon)] + "***" + result[at...]
            }
        }
        guard let query = result.firstIndex(of: "?") else { return String(result) }
        let parameters = result[result.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = pair[..<equals].lowercased()
            return ["p", "password", "token", "u_password"].contains(name) ? pair[...equals] + "***" : String(pair)
        }
        return result[...query] + parameters.joined(separator: "&")
    }
}
