/// A running sum with Neumaier's compensation: the error stays near one rounding whatever the
/// number of terms, where plain addition drifts by up to one rounding per term. Prefix sums over
/// millions of nodes use it, so that a run split into shards adds up to the unsharded run within
/// a relative 1e-12 however the nodes are grouped.
package struct CompensatedSum: Sendable {
    private var sum = 0.0
    private var compensation = 0.0

    package init() {}

    package mutating func add(_ x: Double) {
        let t = sum + x
        compensation += CompensatedSum.lost(sum, x, t)
        sum = t
    }

    /// What rounding lost when `a + b` became `t` (Neumaier): the low-order bits of the smaller operand.
    @inline(__always) static func lost(_ a: Double, _ b: Double, _ t: Double) -> Double {
        abs(a) >= abs(b) ? (a - t) + b : (b - t) + a
    }

    package var value: Double { sum + compensation }

    /// `[0, x₀, x₀ + x₁, …]`, each the correctly compensated sum so far.
    package static func prefixSums(count: Int, _ term: (Int) -> Double) -> [Double] {
        var prefix = [Double](repeating: 0, count: count + 1)
        var s = CompensatedSum()
        for j in 0..<count {
            s.add(term(j))
            prefix[j + 1] = s.value
        }
        return prefix
    }
}
