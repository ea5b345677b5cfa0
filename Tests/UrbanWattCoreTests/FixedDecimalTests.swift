import Foundation
import Testing
import UrbanWattCore

/// Decimals and times written byte by byte agree with printf's `%.Nf` and with the calendar.
struct FixedDecimalTests {
    @Test func agreesWithPrintfOnAMillionValues() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state
        }
        var values: [Double] = [
            0, -0.0, 1, -1, 0.5, 1e-7, 5e-7, 0.0000005, 0.0000015, 0.0000025, 1.0000005, 123456.7890125,
            0x1p74, -0x1p74, 0x1p80, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 9_999_999.9999995,
        ]
        // Exact ties at the 7th decimal: k / 128 has at most 7 decimals, so some end in 5.
        values += (0..<2000).map { Double($0) / 128 + 1e6 } + (0..<2000).map { -Double($0) / 2048 }
        for _ in 0..<1_000_000 {
            let bits = next()
            // Magnitudes from 1e-9 to 1e12, the range power and energy figures live in.
            let magnitude = pow(10, Double(bits % 22) - 9)
            values.append(Double(bitPattern: 0x3FF0_0000_0000_0000 | (next() >> 12)) * magnitude * (bits & 1 == 0 ? 1 : -1))
        }
        var mismatches: [String] = []
        for x in values {
            var expected = String(format: "%.6f", x)
            if expected == "-0.000000" { expected = "0.000000" }
            let got = FixedDecimal.format(x)
            if got != expected { mismatches.append("\(x): \(got) instead of \(expected)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func otherDigitCountsAgreeWithPrintf() {
        let values: [Double] = [0, 0.5, 1.5, 2.5, -2.5, 0.125, 123.456789, -0.004, 9.995, 1e17, 0x1p63, 0x1p64 + 2048, 0x1p74, 1e-20]
        for digits in [0, 1, 2, 3, 9, 18] {
            for x in values {
                var expected = String(format: "%.\(digits)f", x)
                if expected.hasPrefix("-"), expected.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { expected.removeFirst() }
                #expect(FixedDecimal.format(x, digits: digits) == expected, "\(x) with \(digits) digits")
            }
        }
    }

    @Test func localTimesCarryTheirOffset() {
        // 2025-07-01T00:00:00Z is 1751328000.
        #expect(isoLocal(1_751_328_000, offset: 7200) == "2025-07-01T02:00:00+02:00")
        #expect(isoLocal(1_751_328_000, offset: -16_200) == "2025-06-30T19:30:00-04:30")
        #expect(isoLocal(1_751_328_000, offset: 0) == "2025-07-01T00:00:00+00:00")
        #expect(isoLocal(-1, offset: 3600) == "1970-01-01T00:59:59+01:00")
    }
}
