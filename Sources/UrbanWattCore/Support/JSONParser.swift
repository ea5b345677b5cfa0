/// A small JSON reader producing `JSONValue` with object keys in file order.
package struct JSONParser {
    package struct Failure: Error, CustomStringConvertible {
        package var offset: Int
        package var message: String
        package var description: String { "invalid JSON at byte \(offset): \(message)" }
    }

    /// Deeper nesting is refused: a hostile payload of nested brackets must not exhaust the stack.
    package static let maximumDepth = 64

    private let bytes: [UInt8]
    private var i = 0
    private var depth = 0

    package static func parse(_ text: String) throws(Failure) -> JSONValue {
        var p = JSONParser(bytes: Array(text.utf8))
        p.skipSpace()
        let v = try p.value()
        p.skipSpace()
        if p.i != p.bytes.count { throw Failure(offset: p.i, message: "unexpected text after the value") }
        return v
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
    }

    private mutating func value() throws(Failure) -> JSONValue {
        guard i < bytes.count else { throw Failure(offset: i, message: "unexpected end") }
        let opens = bytes[i] == UInt8(ascii: "{") || bytes[i] == UInt8(ascii: "[")
        if opens {
            depth += 1
            if depth > JSONParser.maximumDepth { throw Failure(offset: i, message: "nested deeper than \(JSONParser.maximumDepth) levels") }
        }
        defer { if opens { depth -= 1 } }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            var pairs: [(String, JSONValue)] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(pairs) }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Failure(offset: i, message: "expected a key") }
                let key = try string()
                skipSpace()
                try expect(":")
                skipSpace()
                pairs.append((key, try value()))
                skipSpace()
                if try endOrComma("}") { return .object(pairs) }
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [JSONValue] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value())
                skipSpace()
                if try endOrComma("]") { return .array(items) }
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            let start = i
            while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            if let n = Int(text) { return .integer(n) }
            if let n = UInt64(text) { return .unsigned(n) }
            guard let d = Double(text) else { throw Failure(offset: start, message: "expected a value") }
            return .number(d)
        }
    }

    private mutating func endOrComma(_ close: Character) throws(Failure) -> Bool {
        guard i < bytes.count else { throw Failure(offset: i, message: "unexpected end") }
        if bytes[i] == UInt8(ascii: ",") { i += 1; return false }
        // `close` is `]` or `}`: ASCII.
        if bytes[i] == close.asciiValue! { i += 1; return true }
        throw Failure(offset: i, message: "expected , or \(close)")
    }

    private mutating func expect(_ c: Character) throws(Failure) {
        // `c` is `:`, the only mark expected: ASCII.
        guard i < bytes.count, bytes[i] == c.asciiValue! else { throw Failure(offset: i, message: "expected \(c)") }
        i += 1
    }

    private mutating func literal(_ word: String) throws(Failure) {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { throw Failure(offset: i, message: "expected \(word)") }
        i += w.count
    }

    private mutating func string() throws(Failure) -> String {
        i += 1
        var out = [UInt8]()
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if b == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { break }
                switch bytes[i] {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard i + 4 < bytes.count, let code = UInt32(String(decoding: bytes[i + 1...i + 4], as: UTF8.self), radix: 16) else {
                        throw Failure(offset: i, message: "bad \\u escape")
                    }
                    i += 4
                    out.append(contentsOf: Array(String(UnicodeScalar(code).map(Character.init) ?? "?").utf8))
                default: out.append(bytes[i])
                }
                i += 1
                continue
            }
            out.append(b)
            i += 1
        }
        throw Failure(offset: i, message: "unterminated string")
    }
}
