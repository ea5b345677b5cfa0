import Histogram
import Synchronization

/// Latencies as HdrHistogram keeps them: microseconds from 1 µs to an hour at three significant
/// digits, in a fixed 30 KB whatever the count, so percentiles over millions of messages cost no
/// more than over ten. Recorded from any thread.
public final class LatencyHistogram: Sendable {
    private let histogram = Mutex(Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three))
    /// Bounds of the Prometheus buckets, seconds.
    public static let buckets: [Double] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60]

    public init() {}

    /// Records one latency; below zero (clocks apart) as zero, beyond an hour as an hour.
    public func record(seconds: Double) {
        let us = UInt64(min(3.6e9, max(0, seconds * 1e6)).rounded())
        histogram.withLock { _ = $0.record(max(1, us)) }
    }

    public struct Snapshot: Sendable, Equatable {
        public var count: Int
        /// Seconds.
        public var p50: Double, p95: Double, p99: Double, max: Double, mean: Double
        /// Messages at or under each of `LatencyHistogram.buckets`.
        public var cumulative: [Int]
    }

    public var snapshot: Snapshot {
        histogram.withLock { h in
            let count = Int(h.totalCount)
            func at(_ p: Double) -> Double { count == 0 ? 0 : Double(h.valueAtPercentile(p)) / 1e6 }
            return Snapshot(
                count: count, p50: at(50), p95: at(95), p99: at(99), max: count == 0 ? 0 : Double(h.max) / 1e6,
                mean: count == 0 ? 0 : h.mean / 1e6,
                cumulative: Self.buckets.map { Int(h.count(within: 0...UInt64($0 * 1e6))) })
        }
    }
}
