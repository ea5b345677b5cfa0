/// Appends text to a byte buffer without building intermediate Strings: the hot path of telemetry
/// writes hundreds of thousands of topics and payloads per second. The one writer of JSON numbers
/// and ISO 8601 times: `JSONValue` and `isoUTC` format through it too.
public struct ByteWriter: Sendable {
    public var bytes: [UInt8]

    public init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func text(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// The text escaped for inside a JSON string (RFC 8259 §7): quote, backslash and control
    /// characters. The one JSON string escaper: telemetry payloads and `JSONValue` use it.
    public mutating func jsonString(_ s: String) {
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            text(s)
            return
        }
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(b)
            case UInt8(ascii: "\n"): text("\\n")
            case UInt8(ascii: "\r"): text("\\r")
            case UInt8(ascii: "\t"): text("\\t")
            case 0..<0x20:
                text("\\u00")
                bytes.append(hexDigit(b >> 4))
                bytes.append(hexDigit(b & 0xF))
            default:
                bytes.append(b)
            }
        }
    }

    private func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? UInt8(ascii: "0") + v : UInt8(ascii: "a") + v - 10 }

    public mutating func integer(_ n: Int) {
        if n < 0 { bytes.append(UInt8(ascii: "-")) }
        // The magnitude as unsigned: -Int.min does not fit an Int.
        digits(n.magnitude, count: 0)
    }

    /// `v` in decimal, with leading zeros to at least `count` digits.
    @inline(__always) private mutating func digits(_ v: UInt, count: Int) {
        var width = 1, p: UInt = 10
        while width < 20 && v >= p {
            width += 1
            p = p &* 10
        }
        width = max(width, count)
        let base = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        bytes.withUnsafeMutableBufferPointer { buf in
            var v = v, k = base + width - 1
            while v > 0 {
                buf[k] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
                v /= 10
                k -= 1
            }
        }
    }

    /// A JSON number: whole numbers without a fraction, else the shortest representation that reads
    /// back as the same Double; `null` for NaN and infinities, which JSON cannot write.
    public mutating func number(_ x: Double) {
        if !x.isFinite { text("null") } else if x == x.rounded(), abs(x) < 1e15 { integer(Int(x)) } else { text(x.description) }
    }

    /// `n` with leading zeros to `width` digits (a sign first when negative).
    public mutating func padded(_ n: Int, width: Int) {
        if n < 0 { bytes.append(UInt8(ascii: "-")) }
        digits(n.magnitude, count: width)
    }

    /// ISO 8601 UTC (`2025-01-01T00:15:00Z`), with milliseconds when the time is not whole seconds.
    public mutating func timestamp(_ t: Double) {
        var whole = Int64(t.rounded(.down))
        var ms = Int(((t - Double(whole)) * 1000).rounded())
        if ms == 1000 { whole += 1; ms = 0 }
        dateTime(whole)
        if ms != 0 {
            bytes.append(UInt8(ascii: "."))
            padded(ms, width: 3)
        }
        bytes.append(UInt8(ascii: "Z"))
    }

    /// ISO 8601 local time with its UTC offset (`2025-07-01T02:00:00+02:00`): `t` is Unix seconds,
    /// `offset` the zone's offset from UTC then, in seconds.
    public mutating func localTimestamp(_ t: Int64, offset: Int64) {
        dateTime(t + offset)
        bytes.append(UInt8(ascii: offset < 0 ? "-" : "+"))
        let minutes = Int(offset.magnitude / 60)
        padded(minutes / 60, width: 2); bytes.append(UInt8(ascii: ":"))
        padded(minutes % 60, width: 2)
    }

    /// `YYYY-MM-DDThh:mm:ss` of whole seconds since the epoch.
    private mutating func dateTime(_ whole: Int64) {
        let days = Int(whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400)
        let second = Int(whole - Int64(days) * 86_400)
        let date = CivilDate(daysSinceEpoch: days)
        padded(date.year, width: 4); bytes.append(UInt8(ascii: "-"))
        padded(date.month, width: 2); bytes.append(UInt8(ascii: "-"))
        padded(date.day, width: 2); bytes.append(UInt8(ascii: "T"))
        padded(second / 3600, width: 2); bytes.append(UInt8(ascii: ":"))
        padded(second / 60 % 60, width: 2); bytes.append(UInt8(ascii: ":"))
        padded(second % 60, width: 2)
    }
}
