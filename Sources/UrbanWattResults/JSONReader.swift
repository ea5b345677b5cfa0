public import UrbanWattCore

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

    /// Whether the object holds `key` (with any value, null too).
    func has(_ key: String) -> Bool { value[key] != nil }

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

    /// The value at `key`, read by `read`; `expected` says what a missing one should have been,
    /// `mismatch` (default the same) what a wrong one should have been.
    private func required<T>(_ key: String, _ expected: String, mismatch: String? = nil, _ read: (JSONValue) -> T?) throws(Failure) -> T {
        let c = try present(key, expected)
        guard let v = read(c.value) else { throw c.failure(expected: mismatch ?? expected, found: Self.shown(c.value)) }
        return v
    }

    /// The value at `key` read by `read`, nil when it is null or missing.
    private func optional<T>(_ key: String, _ expected: String, _ read: (JSONValue) -> T?) throws(Failure) -> T? {
        let c = child(key)
        if c.value == .null { return nil }
        guard let v = read(c.value) else { throw c.failure(expected: expected + " or null", found: Self.shown(c.value)) }
        return v
    }

    public func string(_ key: String) throws(Failure) -> String { try required(key, "a string") { $0.stringValue } }

    public func optionalString(_ key: String) throws(Failure) -> String? { try optional(key, "a string") { $0.stringValue } }

    public func double(_ key: String) throws(Failure) -> Double { try required(key, "a number") { $0.doubleValue } }

    /// A number that must be there, where null stands for a figure that was not finite.
    public func figure(_ key: String) throws(Failure) -> Double {
        let c = try present(key, "a number or null")
        return c.value == .null ? .nan : try double(key)
    }

    public func optionalDouble(_ key: String) throws(Failure) -> Double? { try optional(key, "a number") { $0.doubleValue } }

    public func int(_ key: String) throws(Failure) -> Int {
        try required(key, "a whole number") { $0.uint64Value.flatMap { Int(exactly: $0) } }
    }

    public func optionalInt(_ key: String) throws(Failure) -> Int? {
        child(key).value == .null ? nil : try int(key)
    }

    public func bool(_ key: String) throws(Failure) -> Bool {
        try required(key, "true or false") { if case .bool(let b) = $0 { b } else { nil } }
    }

    public func seed(_ key: String) throws(Failure) -> UInt64 {
        try required(key, "a seed", mismatch: "a seed from 0 to 18446744073709551615") { $0.uint64Value }
    }

    public func object(_ key: String) throws(Failure) -> JSONReader {
        _ = try required(key, "an object") { if case .object = $0 { $0 } else { nil } }
        return child(key)
    }

    public func optionalObject(_ key: String) throws(Failure) -> JSONReader? {
        child(key).value == .null ? nil : try object(key)
    }

    /// The array under `key`'s items, nil when it is absent or null.
    public func optionalArray(_ key: String) throws(Failure) -> [JSONReader]? {
        let c = child(key)
        return c.value == .null ? nil : try c.items()
    }

    /// This value as a number.
    public func number() throws(Failure) -> Double {
        guard let x = value.doubleValue else { throw failure(expected: "a number", found: Self.shown(value)) }
        return x
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
