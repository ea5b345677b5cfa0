import CMosquitto

/// A libmosquitto failure: the operation, its return code, and `mosquitto_strerror`'s text.
public struct MosquittoError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    public var description: String {
        let text = mosquitto_strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return "\(operation): \(text)"
    }

    /// Throws when `code` is not MOSQ_ERR_SUCCESS.
    static func check(_ code: Int32, _ operation: @autoclosure () -> String) throws(MosquittoError) {
        if code != Int32(MOSQ_ERR_SUCCESS.rawValue) { throw MosquittoError(code: code, operation: operation()) }
    }
}
