import Foundation

extension ByteWriter {
    private static let powersOfTen: [UInt64] = (0...18).map { k in (0..<k).reduce(UInt64(1)) { p, _ in p * 10 } }

    /// `x` with exactly `digits` decimals and no exponent, rounded as printf's `%.Nf` rounds (the
    /// exact binary value, ties to even), straight into the buffer: timeseries.csv of a decade
    /// writes millions of them. Exact while |x| × 10^digits < 2^126 (|x| < 2^75 with six digits);
    /// larger or non-finite values go through `%f`.
    /// Negative values that round to zero lose their sign.
    package mutating func fixed(_ x: Double, digits: Int = 6) {
        precondition((0...18).contains(digits))
        let power = Self.powersOfTen[digits]
        guard x.isFinite, x.magnitude * Double(power) < 0x1p126 else {
            text(String(format: "%.\(digits)f", x))
            return
        }
        // x = significand × 2^exponent exactly, with an integer significand below 2^53.
        var q: UInt128 = 0
        if x != 0 {
            let e = Int(x.exponent) - Double.significandBitCount
            let m = UInt128(x.significandBitPattern | (x.isNormal ? 1 << UInt64(Double.significandBitCount) : 0))
            let scaled = m * UInt128(power)
            if e >= 0 {
                q = scaled << e
            } else if -e < 128 {
                let shift = -e
                q = scaled >> shift
                let rest = scaled & ((UInt128(1) << shift) - 1)
                let half = UInt128(1) << (shift - 1)
                if rest > half || (rest == half && q & 1 == 1) { q += 1 }
            } // else below 2^-75 × 10^18: rounds to zero
        }
        let negative = x < 0 && q != 0
        guard q <= UInt128(Int.max) else {
            if negative { bytes.append(UInt8(ascii: "-")) }
            text(String(q / UInt128(power)))
            if digits > 0 {
                bytes.append(UInt8(ascii: "."))
                padded(Int(UInt64(q % UInt128(power))), width: digits)
            }
            return
        }
        // The common case, |x| × 10^digits below 2^63: 64-bit division, one append.
        let small = UInt(UInt64(q))
        // Six digits, the time series' case, divide by a constant: a multiplication.
        let (whole, fraction) = digits == 6 ? small.quotientAndRemainder(dividingBy: 1_000_000) : small.quotientAndRemainder(dividingBy: UInt(power))
        compose { p in
            var i = 0
            if negative { p[0] = UInt8(ascii: "-"); i = 1 }
            i = ByteWriter.put(whole, width: 1, into: p, at: i)
            guard digits > 0 else { return i }
            p[i] = UInt8(ascii: ".")
            return ByteWriter.put(fraction, width: digits, into: p, at: i + 1)
        }
    }
}

/// Fixed-point text of a Double without Foundation's formatting (see `ByteWriter.fixed`).
package enum FixedDecimal {
    package static func format(_ x: Double, digits: Int = 6) -> String {
        var w = ByteWriter(capacity: 24)
        w.fixed(x, digits: digits)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// A whole number with thousands separators: 1,234,567.
    package static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = n < 0 ? "-" : ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return out
    }
}
