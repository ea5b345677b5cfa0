/// A JSON value whose objects keep their keys in the order they were built, so that output files
/// have a stable, readable key order.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case integer(Int)
    /// A whole number above Int.max (a 64-bit seed), written and read back digit for digit.
    case unsigned(UInt64)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// Numbers compare by value, so `1.0` equals `1` as it does once written and read back.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.integer(let x), .integer(let y)): x == y
        case (.unsigned(let x), .unsigned(let y)): x == y
        case (.unsigned, .integer), (.integer, .unsigned): a.uint64Value != nil && a.uint64Value == b.uint64Value
        case (.number, .number), (.number, .integer), (.integer, .number), (.number, .unsigned), (.unsigned, .number):
            a.doubleValue == b.doubleValue
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// The value of `key` in an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let pairs) = self { return pairs.first { $0.0 == key }?.1 }
        return nil
    }

    public var doubleValue: Double? {
        switch self {
        case .number(let d): d
        case .integer(let i): Double(i)
        case .unsigned(let u): Double(u)
        default: nil
        }
    }

    /// A whole number from 0 to UInt64.max exactly, as seeds are written.
    public var uint64Value: UInt64? {
        switch self {
        case .integer(let i): UInt64(exactly: i)
        case .unsigned(let u): u
        default: nil
        }
    }

    /// A seed: `.integer` when it fits, `.unsigned` above Int.max, so every 64-bit seed round-trips.
    public static func seed(_ s: UInt64) -> JSONValue { Int(exactly: s).map(JSONValue.integer) ?? .unsigned(s) }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }

    /// Pretty-printed with two-space indentation and a final newline.
    public func serialized() -> String {
        var out = ""
        write(to: &out, indent: 0)
        out += "\n"
        return out
    }

    /// On one line, no spaces.
    public func compact() -> String {
        var out = ""
        write(to: &out, indent: nil)
        return out
    }

    private func write(to out: inout String, indent: Int?) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .unsigned(let u): out += String(u)
        case .number(let d): out += JSONValue.format(d)
        case .string(let s): JSONValue.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (k, item) in items.enumerated() {
                if k > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: "  ", count: indent + 1) }
                item.write(to: &out, indent: indent.map { $0 + 1 })
            }
            if let indent { out += "\n" + String(repeating: "  ", count: indent) }
            out += "]"
        case .object(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{"
            for (k, (key, value)) in pairs.enumerated() {
                if k > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: "  ", count: indent + 1) }
                JSONValue.quote(key, into: &out)
                out += indent == nil ? ":" : ": "
                value.write(to: &out, indent: indent.map { $0 + 1 })
            }
            if let indent { out += "\n" + String(repeating: "  ", count: indent) }
            out += "}"
        }
    }

    /// Shortest text that reads back as the same Double; whole numbers without ".0"; non-finite as null.
    public static func format(_ d: Double) -> String {
        var w = ByteWriter(capacity: 24)
        w.number(d)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    static func quote(_ s: String, into out: inout String) {
        var w = ByteWriter(capacity: s.utf8.count + 2)
        w.text("\"")
        w.jsonString(s)
        w.text("\"")
        out += String(decoding: w.bytes, as: UTF8.self)
    }
}
