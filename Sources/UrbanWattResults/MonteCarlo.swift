import Dispatch
import Synchronization
import UrbanWattCore

/// Monte Carlo replications: each run draws every uncertain parameter once, simulates, and
/// keeps only its totals; `section` turns them into p5 / p50 / p95.
public enum MonteCarlo {
    /// The figures of one replication.
    public struct RunStats: Sendable {
        public var totals: [(String, Double)]
        public var byYear: [(Int, Double)]
        /// Parameter draws rejected as outside their valid range in this run.
        public var redraws = 0
    }

    /// Runs `runs` replications on all cores; `scenario(k)` gives run k's scenario. Once
    /// `shouldStop` answers true no further run starts; the runs that finished are returned, in order.
    public static func run(runs: Int, scenario: @Sendable (Int) -> Scenario, done: @Sendable (Int) -> Void = { _ in },
                           shouldStop: @Sendable () -> Bool = { false }) -> [RunStats] {
        let results = Mutex<[RunStats?]>(Array(repeating: nil, count: runs))
        let finished = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: runs) { k in
            if shouldStop() { return }
            let s = scenario(k)
            let b = Breakdown(Engine(scenario: s).run())
            let stats = RunStats(
                totals: [("energy_kwh", b.kWh(b.total, b.all)), ("peak_kw", b.peak(b.total, b.all).kW)]
                    + (b.co2(b.total, b.all).map { [("co2_kg", $0)] } ?? [])
                    + (b.cost(b.total, b.all).map { [("cost", $0)] } ?? []),
                byYear: b.years.map { ($0.year, b.kWh(b.total, $0.steps)) }, redraws: s.parameterRedraws)
            results.withLock { $0[k] = stats }
            done(finished.add(1, ordering: .relaxed).newValue)
        }
        return results.withLock { $0.compactMap { $0 } }
    }

    /// `{"runs": N, "totals": {"energy_kwh": {"p5", "p50", "p95"}, …}, "by_year": {"2025": {"energy_kwh": {…}}}}`.
    public static func section(_ stats: [RunStats], requested: Int? = nil) -> JSONValue {
        func bands(_ values: [Double]) -> JSONValue {
            let sorted = values.sorted()
            return .object([("p5", .number(percentile(sorted, 5))), ("p50", .number(percentile(sorted, 50))), ("p95", .number(percentile(sorted, 95)))])
        }
        let keys = stats.first?.totals.map(\.0) ?? []
        let years = stats.first?.byYear.map(\.0) ?? []
        return .object([
            ("runs", .integer(stats.count)),
            ("requested", .integer(requested ?? stats.count)),
            // Draws outside a quantity's valid range are redrawn (truncated distributions): how many.
            ("redraws", .integer(stats.reduce(0) { $0 + $1.redraws })),
            ("totals", .object(keys.enumerated().map { k, key in (key, bands(stats.map { $0.totals[k].1 })) })),
            ("by_year", .object(years.enumerated().map { k, y in (String(y), .object([("energy_kwh", bands(stats.map { $0.byYear[k].1 }))])) })),
        ])
    }
}
