/// Appends text to a byte buffer without building intermediate Strings: the hot path of telemetry
/// writes hundreds of thousands of topics and payloads per second. The one writer of JSON numbers
/// and ISO 8601 times: `JSONValue` and `isoUTC` format through it too.
package struct ByteWriter: Sendable {
    package var bytes: [UInt8]

    package init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    package mutating func text(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    package mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// The text escaped for inside a JSON string (RFC 8259 §7): quote, backslash and control
    /// characters. The one JSON string escaper: telemetry payloads and `JSONValue` use it.
    package mutating func jsonString(_ s: String) {
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

    package mutating func integer(_ n: Int) {
        compose { p in
            var i = 0
            if n < 0 { p[i] = UInt8(ascii: "-"); i += 1 }
            // The magnitude as unsigned: -Int.min does not fit an Int.
            return ByteWriter.put(n.magnitude, width: 1, into: p, at: i)
        }
    }

    /// Lets `body` write up to 64 bytes on the stack (returning how many), then appends them at once:
    /// one append per number or time instead of one per character.
    @inline(__always) mutating func compose(_ body: (UnsafeMutableRawBufferPointer) -> Int) {
        var scratch: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { p in
            let n = body(p)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[0..<n]))
        }
    }

    /// Writes `v` in decimal, with leading zeros to at least `width` digits, at `p[i...]`; returns
    /// the index after it. Two digits at a time, from a table of the hundred pairs.
    @inline(__always) static func put(_ v: UInt, width: Int, into p: UnsafeMutableRawBufferPointer, at i: Int) -> Int {
        var count = 1, limit: UInt = 10
        while count < 20 && v >= limit {
            count += 1
            limit = limit &* 10
        }
        count = max(count, width)
        var v = v, k = i + count
        digitPairs.withUnsafeBufferPointer { pairs in
            while v >= 100 {
                let r = Int(v % 100) * 2
                v /= 100
                k -= 2
                p[k] = pairs[r]
                p[k + 1] = pairs[r + 1]
            }
            if v >= 10 {
                k -= 2
                p[k] = pairs[Int(v) * 2]
                p[k + 1] = pairs[Int(v) * 2 + 1]
            } else {
                k -= 1
                p[k] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v)
            }
        }
        while k > i {
            k -= 1
            p[k] = UInt8(ascii: "0")
        }
        return i + count
    }

    /// "00", "01", … "99".
    private static let digitPairs: [UInt8] = (0..<100).flatMap { [UInt8(ascii: "0") + UInt8($0 / 10), UInt8(ascii: "0") + UInt8($0 % 10)] }

    /// A JSON number: whole numbers without a fraction, else the shortest representation that reads
    /// back as the same Double; `null` for NaN and infinities, which JSON cannot write.
    package mutating func number(_ x: Double) {
        if !x.isFinite { text("null") } else if x == x.rounded(), abs(x) < 1e15 { integer(Int(x)) } else { text(x.description) }
    }

    /// `n` with leading zeros to `width` digits (a sign first when negative).
    package mutating func padded(_ n: Int, width: Int) {
        compose { p in
            var i = 0
            if n < 0 { p[i] = UInt8(ascii: "-"); i += 1 }
            return ByteWriter.put(n.magnitude, width: min(width, 40), into: p, at: i)
        }
    }

    /// ISO 8601 UTC (`2025-01-01T00:15:00Z`), with milliseconds when the time is not whole seconds.
    package mutating func timestamp(_ t: Double) {
        var whole = Int64(t.rounded(.down))
        var ms = Int(((t - Double(whole)) * 1000).rounded())
        if ms == 1000 { whole += 1; ms = 0 }
        compose { p in
            var i = ByteWriter.dateTime(whole, into: p)
            if ms != 0 {
                p[i] = UInt8(ascii: ".")
                i = ByteWriter.put(UInt(ms), width: 3, into: p, at: i + 1)
            }
            p[i] = UInt8(ascii: "Z")
            return i + 1
        }
    }

    /// ISO 8601 local time with its UTC offset (`2025-07-01T02:00:00+02:00`): `t` is Unix seconds,
    /// `offset` the zone's offset from UTC then, in seconds.
    package mutating func localTimestamp(_ t: Int64, offset: Int64) {
        compose { p in
            var i = ByteWriter.dateTime(t + offset, into: p)
            p[i] = UInt8(ascii: offset < 0 ? "-" : "+")
            let minutes = UInt(offset.magnitude / 60)
            i = ByteWriter.put(minutes / 60, width: 2, into: p, at: i + 1)
            p[i] = UInt8(ascii: ":")
            return ByteWriter.put(minutes % 60, width: 2, into: p, at: i + 1)
        }
    }

    /// `YYYY-MM-DDThh:mm:ss` of whole seconds since the epoch at `p[0...]` (a sign before a year
    /// before 0); the index after it.
    private static func dateTime(_ whole: Int64, into p: UnsafeMutableRawBufferPointer) -> Int {
        let days = Int(whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400)
        let second = UInt(whole - Int64(days) * 86_400)
        let date = CivilDate(daysSinceEpoch: days)
        var i = 0
        if date.year < 0 { p[0] = UInt8(ascii: "-"); i = 1 }
        i = put(date.year.magnitude, width: 4, into: p, at: i)
        p[i] = UInt8(ascii: "-")
        i = put(UInt(date.month), width: 2, into: p, at: i + 1)
        p[i] = UInt8(ascii: "-")
        i = put(UInt(date.day), width: 2, into: p, at: i + 1)
        p[i] = UInt8(ascii: "T")
        i = put(second / 3600, width: 2, into: p, at: i + 1)
        p[i] = UInt8(ascii: ":")
        i = put(second / 60 % 60, width: 2, into: p, at: i + 1)
        p[i] = UInt8(ascii: ":")
        return put(second % 60, width: 2, into: p, at: i + 1)
    }
}
