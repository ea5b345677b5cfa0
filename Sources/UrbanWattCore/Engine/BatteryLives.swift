import Foundation

/// The battery lives of a fleet's nodes: count, mean and shortest exactly, and a histogram on a
/// logarithmic scale for percentiles, so that the nodes that die first are not hidden behind the
/// mean, and shards add up (counts, sums and histograms add; minimums take the least).
public struct BatteryLives: Sendable, Equatable {
    /// Bins per factor of 10, from 10^lowestDecade s (17 min) to 10^(lowestDecade + decades) s (3,170 years):
    /// a bin spans 2.3 %, and interpolation inside it keeps a percentile well within that.
    public static let binsPerDecade = 100
    public static let lowestDecade = 3.0
    public static let decades = 8

    public private(set) var count = 0
    public private(set) var sum = 0.0
    public private(set) var minimum = Double.infinity
    public private(set) var bins: [Int]

    public init() { bins = Array(repeating: 0, count: BatteryLives.binsPerDecade * BatteryLives.decades) }

    public init(count: Int, sum: Double, minimum: Double, bins: [Int]) {
        self.count = count
        self.sum = sum
        self.minimum = minimum
        self.bins = bins
    }

    /// Adds `n` nodes whose battery lasts `seconds`.
    public mutating func add(_ seconds: Double, nodes n: Int = 1) {
        guard n > 0 else { return }
        count += n
        sum += seconds * Double(n)
        minimum = Swift.min(minimum, seconds)
        bins[BatteryLives.bin(seconds)] += n
    }

    public mutating func merge(_ other: BatteryLives) {
        count += other.count
        sum += other.sum
        minimum = Swift.min(minimum, other.minimum)
        for k in bins.indices { bins[k] += other.bins[k] }
    }

    public var mean: Double? { count > 0 ? sum / Double(count) : nil }

    /// The `p`-th percentile (0–100), interpolated inside its bin; exact at the ends of a bin.
    public func percentile(_ p: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = p / 100 * Double(count)
        var below = 0
        for (k, n) in bins.enumerated() where n > 0 {
            if Double(below + n) >= rank {
                // Geometric interpolation: the bins are even in log(seconds).
                let (lo, hi) = BatteryLives.edges(k)
                let inside = Swift.max(0, Swift.min(1, (rank - Double(below)) / Double(n)))
                return Swift.max(minimum, lo * pow(hi / lo, inside))
            }
            below += n
        }
        return BatteryLives.edges(bins.count - 1).1
    }

    static func bin(_ seconds: Double) -> Int {
        let x = (log10(Swift.max(seconds, 1e-300)) - lowestDecade) * Double(binsPerDecade)
        return Swift.max(0, Swift.min(binsPerDecade * decades - 1, Int(x.rounded(.down))))
    }

    static func edges(_ k: Int) -> (Double, Double) {
        (pow(10, lowestDecade + Double(k) / Double(binsPerDecade)), pow(10, lowestDecade + Double(k + 1) / Double(binsPerDecade)))
    }
}
