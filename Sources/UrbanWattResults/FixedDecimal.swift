import Foundation

/// `x` with exactly `digits` decimals and no exponent, rounded as printf's `%.Nf` rounds (the exact
/// binary value, ties to even), without Foundation's formatting: timeseries.csv of a decade writes
/// millions of them. Exact for |x| < 2^75; larger or non-finite values go through `%f` formatting.
enum FixedDecimal {
    static let powers: [UInt128] = (0...18).map { k in (0..<k).reduce(UInt128(1)) { p, _ in p * 10 } }

    static func format(_ x: Double, digits: Int = 6) -> String {
        precondition((0...18).contains(digits))
        guard x.isFinite, x.magnitude < 0x1p75 else { return String(format: "%.\(digits)f", x) }
        if x == 0 { return digits == 0 ? "0" : "0." + String(repeating: "0", count: digits) }
        // x = significand × 2^exponent exactly, with an integer significand below 2^53.
        let e = Int(x.exponent) - Double.significandBitCount
        let m = UInt128(x.significandBitPattern | (x.isNormal ? 1 << UInt64(Double.significandBitCount) : 0))
        let scaled = m * powers[digits]
        var q: UInt128
        if e >= 0 {
            q = scaled << e
        } else if -e >= 128 {
            q = 0  // below 2^-75 × 10^18: rounds to zero
        } else {
            let shift = -e
            q = scaled >> shift
            let rest = scaled & ((UInt128(1) << shift) - 1)
            let half = UInt128(1) << (shift - 1)
            if rest > half || (rest == half && q & 1 == 1) { q += 1 }
        }
        let whole = q / powers[digits], fraction = q % powers[digits]
        var text = x < 0 && q != 0 ? "-" : ""
        text += String(whole)
        guard digits > 0 else { return text }
        let f = String(fraction)
        text += "." + String(repeating: "0", count: digits - f.count) + f
        return text
    }
}
