import UrbanWattCore

/// Reads typed values out of a parsed JSON document at the edge (a summary, a status message),
/// each failure naming the key path, what was expected and what was found.
public struct JSONReader: Sendable {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var expected: String
        public var found: String
        public var description: String { "\(path.isEmpty ? "the document" : path): expected \(expected), found \(found)" }
    }

    let value: JSONValue
    /// Where `value` is in the document: `by_fleet.lamps.nodes`.
    let path: String

    public init(_ value: JSONValue, path: String = "") {
        self.value = value
        self.path = path
    }

    func failure(expected: String, found: String) -> Failure { Failure(path: path, expected: expected, found: found) }

    private func child(_ key: String) -> JSONReader { JSONReader(value[key] ?? .null, path: path.isEmpty ? key : "\(path).\(key)") }

    private func present(_ key: String, _ expected: String) throws(Failure) -> JSONReader {
        guard case .object = value else { throw failure(expected: "an object", found: Self.shown(value)) }
        let c = child(key)
        if value[key] == nil { throw c.failure(expected: expected, found: "nothing") }
        return c
    }

    /// Up to 60 characters of a value, as the message shows it.
    static func shown(_ v: JSONValue) -> String {
        let text = v.compact()
        return text.count > 60 ? String(text.prefix(57)) + "…" : text
    }

    public func string(_ key: String) throws(Failure) -> String {
        let c = try present(key, "a string")
        guard let s = c.value.stringValue else { throw c.failure(expected: "a string", found: Self.shown(c.value)) }
        return s
    }

    public func optionalString(_ key: String) throws(Failure) -> String? {
        let c = child(key)
        if c.value == .null { return nil }
        guard let s = c.value.stringValue else { throw c.failure(expected: "a string or null", found: Self.shown(c.value)) }
        return s
    }

    public func double(_ key: String) throws(Failure) -> Double {
        let c = try present(key, "a number")
        guard let d = c.value.doubleValue else { throw c.failure(expected: "a number", found: Self.shown(c.value)) }
        return d
    }

    /// A number that must be there, where null stands for a figure that was not finite.
    public func figure(_ key: String) throws(Failure) -> Double {
        let c = try present(key, "a number or null")
        return c.value == .null ? .nan : try double(key)
    }

    public func optionalDouble(_ key: String) throws(Failure) -> Double? {
        let c = child(key)
        if c.value == .null { return nil }
        guard let d = c.value.doubleValue else { throw c.failure(expected: "a number or null", found: Self.shown(c.value)) }
        return d
    }

    public func int(_ key: String) throws(Failure) -> Int {
        let c = try present(key, "a whole number")
        guard let u = c.value.uint64Value, let i = Int(exactly: u) else { throw c.failure(expected: "a whole number", found: Self.shown(c.value)) }
        return i
    }

    public func optionalInt(_ key: String) throws(Failure) -> Int? {
        child(key).value == .null ? nil : try int(key)
    }

    public func bool(_ key: String) throws(Failure) -> Bool {
        let c = try present(key, "true or false")
        guard case .bool(let b) = c.value else { throw c.failure(expected: "true or false", found: Self.shown(c.value)) }
        return b
    }

    public func seed(_ key: String) throws(Failure) -> UInt64 {
        let c = try present(key, "a seed")
        guard let u = c.value.uint64Value else { throw c.failure(expected: "a seed from 0 to 18446744073709551615", found: Self.shown(c.value)) }
        return u
    }

    public func object(_ key: String) throws(Failure) -> JSONReader {
        let c = try present(key, "an object")
        guard case .object = c.value else { throw c.failure(expected: "an object", found: Self.shown(c.value)) }
        return c
    }

    public func optionalObject(_ key: String) throws(Failure) -> JSONReader? {
        child(key).value == .null ? nil : try object(key)
    }

    /// The object's members in order.
    public func entries() -> [(String, JSONReader)] {
        guard case .object(let pairs) = value else { return [] }
        return pairs.map { ($0.0, JSONReader($0.1, path: path.isEmpty ? $0.0 : "\(path).\($0.0)")) }
    }

    /// Each member of the object, in order, through `transform`.
    public func entries<T>(_ transform: (String, JSONReader) throws -> T) rethrows -> [T] {
        var out: [T] = []
        for (key, value) in entries() { out.append(try transform(key, value)) }
        return out
    }

    /// Each item of the array, in order, through `transform`.
    public func items<T>(_ transform: (JSONReader) throws -> T) throws -> [T] {
        var out: [T] = []
        for item in try items() { out.append(try transform(item)) }
        return out
    }

    /// The array's items in order.
    public func items() throws(Failure) -> [JSONReader] {
        guard case .array(let list) = value else { throw failure(expected: "an array", found: Self.shown(value)) }
        return list.enumerated().map { JSONReader($1, path: "\(path)[\($0)]") }
    }
}
