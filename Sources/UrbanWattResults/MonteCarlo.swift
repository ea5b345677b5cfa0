import Dispatch
import Synchronization
public import UrbanWattCore

/// Monte Carlo replications: each run draws every uncertain parameter once, simulates, and
/// keeps only its totals; `section` turns them into p5 / p50 / p95.
public enum MonteCarlo {
    /// The figures of one replication.
    public struct RunStats: Sendable {
        /// The run's index (its draws are the scenario's seed and this index).
        public var run: Int
        public var totals: [(String, Double)]
        public var byYear: [(Int, Double)]
        /// The balance, and each layer and fleet: (section, group or nil, key, value), in summary order.
        public var groups: [(section: String, group: String?, key: String, value: Double)] = []
        /// Parameter draws rejected as outside their valid range in this run.
        public var redraws = 0
        /// Those of `redraws` that each parameter's own range rejected, by path (not in runs.csv).
        public var redrawsByParameter: [String: Int] = [:]
        /// Each uncertain parameter's value in this run, by path, in the scenario's order.
        public var inputs: [(String, Double)] = []
    }

    /// Runs replications `runs` on all cores; `scenario(k)` gives run k's scenario. Once
    /// `shouldStop` answers true no further run starts; the runs that finished are returned, in order.
    /// A nil scenario skips the run (its caller says why).
    public static func run(
        runs: [Int], scenario: @Sendable (Int) -> Scenario?, done: @Sendable (Int) -> Void = { _ in },
        shouldStop: @Sendable () -> Bool = { false }
    ) -> [RunStats] {
        let results = Mutex<[RunStats?]>(Array(repeating: nil, count: runs.count))
        let finished = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: runs.count) { i in
            if shouldStop() { return }
            let k = runs[i]
            guard let s = scenario(k) else { return }
            // A run keeps its totals only: one row for the whole period, not one an hour.
            let engine = Engine(scenario: s)
            // An interrupt stops a run between chunks too (a run of 1-second steps takes minutes);
            // a run stopped so is not a run.
            let b = Breakdown.run(engine, stepsPerRow: max(1, engine.clock.count), concurrent: false, shouldStop: shouldStop)
            guard b.result.complete else { return }
            let stats = RunStats(
                run: k,
                totals: [("energy_kwh", b.kWh(.total)), ("peak_kw", b.peak(.total).kW)]
                    + (b.co2(.total).map { [("co2_kg", $0)] } ?? [])
                    + (b.cost(.total).map { [("cost", $0)] } ?? []),
                byYear: b.years.map { ($0.year, b.kWh(.total, $0.span)) }, groups: groups(b), redraws: s.parameterRedraws,
                redrawsByParameter: s.redrawsByParameter, inputs: Array(zip(s.uncertainParameters, s.uncertainValues)))
            results.withLock { $0[i] = stats }
            done(finished.add(1, ordering: .relaxed).newValue)
        }
        return results.withLock { $0.compactMap { $0 } }
    }

    /// Runs replications 0..<`runs`.
    public static func run(
        runs: Int, scenario: @Sendable (Int) -> Scenario, done: @Sendable (Int) -> Void = { _ in },
        shouldStop: @Sendable () -> Bool = { false }
    ) -> [RunStats] {
        run(runs: Array(0..<runs), scenario: scenario, done: done, shouldStop: shouldStop)
    }

    /// The balance (energy, and carbon and cost where the grid gives them), each layer's and each
    /// fleet's energy, carbon and cost.
    static func groups(_ b: Breakdown) -> [(section: String, group: String?, key: String, value: Double)] {
        var out: [(section: String, group: String?, key: String, value: Double)] = []
        let balance = b.balance()
        for (unit, value) in [("kwh", Optional(balance.kWh)), ("co2_kg", balance.co2Kg), ("cost", balance.cost)] {
            guard let v = value else { continue }
            out += RunSummary.Balance.measures.filter { $0 != "baseline" }.map { ("balance", nil, "\($0)_\(unit)", v.value($0)) }
        }
        // Each view of the grid's CO2 (upstream, marginal, market-based): its total and its net.
        for view in RunSummary.CarbonView.views(b) {
            out += [("co2_views", view.name, "co2_kg", view.value.co2Kg), ("co2_views", view.name, "net_co2_kg", view.value.balance.net)]
        }
        func measures(_ g: Breakdown.Group) -> [(String, Double)] {
            [("energy_kwh", b.kWh(g))] + (b.co2(g).map { [("co2_kg", $0)] } ?? []) + (b.cost(g).map { [("cost", $0)] } ?? [])
        }
        for layer in Layer.allCases { out += measures(.layer(layer)).map { ("by_layer", layer.rawValue, $0.0, $0.1) } }
        for (i, fleet) in b.scenario.fleets.enumerated() {
            out += measures(.fleet(i)).map { ("by_fleet", fleet.name, $0.0, $0.1) }
        }
        if let life = RunSummary.LifeCycle(b) {
            out += [("lifecycle", nil, "incurred_co2e_kg", life.total.incurredCO2eKg), ("lifecycle", nil, "amortised_co2e_kg", life.total.amortisedCO2eKg)]
        }
        return out
    }

    /// The bands of every figure over the runs (`uncertainty` in summary.json). `parameters` is
    /// how many uncertain parameters each run draws: `redraw_share` is the share of all draws that
    /// were rejected, redraws / (redraws + runs × parameters).
    public static func section(_ stats: [RunStats], requested: Int? = nil, parameters: Int) -> RunSummary.Uncertainty {
        func bands(_ values: [Double]) -> RunSummary.Band {
            let sorted = values.sorted()
            return RunSummary.Band(p5: percentile(sorted, 5), p50: percentile(sorted, 50), p95: percentile(sorted, 95))
        }
        let keys = stats.first?.totals.map(\.0) ?? []
        let years = stats.first?.byYear.map(\.0) ?? []
        let (balance, byLayer, byFleet, lifecycle, co2Views) = groupSections(stats, bands)
        return RunSummary.Uncertainty(
            runs: stats.count, requested: requested ?? stats.count,
            // Draws outside a quantity's valid range are redrawn (truncated distributions): how many.
            redraws: stats.reduce(0) { $0 + $1.redraws }, redrawShare: redrawShare(stats, parameters: parameters),
            totals: keys.enumerated().map { k, key in RunSummary.Named(name: key, value: bands(stats.map { $0.totals[k].1 })) },
            byYear: years.enumerated().map { k, y in RunSummary.Named(name: String(y), value: bands(stats.map { $0.byYear[k].1 })) },
            balance: balance, byLayer: byLayer, byFleet: byFleet, lifecycle: lifecycle, co2Views: co2Views, drivers: Drivers.rank(stats))
    }

    /// The share of draws rejected over `stats`: 0 without draws.
    public static func redrawShare(_ stats: [RunStats], parameters: Int) -> Double {
        let rejected = Double(stats.reduce(0) { $0 + $1.redraws })
        let accepted = Double(stats.count * parameters)
        return rejected + accepted > 0 ? rejected / (rejected + accepted) : 0
    }

    /// The parameter whose draws were most often rejected over `stats`, with its share of rejected
    /// draws (each run accepts one), or nil when none was.
    public static func mostRedrawn(_ stats: [RunStats]) -> (path: String, share: Double)? {
        var rejected: [String: Int] = [:]
        for s in stats { rejected.merge(s.redrawsByParameter, uniquingKeysWith: +) }
        guard let (path, count) = rejected.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }), count > 0 else { return nil }
        return (path, Double(count) / Double(count + stats.count))
    }

    /// balance, by_layer, by_fleet, lifecycle and co2_views, each value's bands over the runs, in the first run's order.
    static func groupSections(_ stats: [RunStats], _ bands: ([Double]) -> RunSummary.Band)
        -> (
            balance: [RunSummary.Named<RunSummary.Band>], byLayer: [RunSummary.Named<[RunSummary.Named<RunSummary.Band>]>],
            byFleet: [RunSummary.Named<[RunSummary.Named<RunSummary.Band>]>], lifecycle: [RunSummary.Named<RunSummary.Band>],
            co2Views: [RunSummary.Named<[RunSummary.Named<RunSummary.Band>]>]
        )
    {
        var balance: [RunSummary.Named<RunSummary.Band>] = []
        var lifecycle: [RunSummary.Named<RunSummary.Band>] = []
        var grouped: [String: [RunSummary.Named<[RunSummary.Named<RunSummary.Band>]>]] = [:]
        for (k, g) in (stats.first?.groups ?? []).enumerated() {
            let value = RunSummary.Named(name: g.key, value: bands(stats.map { $0.groups[k].value }))
            if g.section == "lifecycle" { lifecycle.append(value); continue }
            guard let group = g.group else { balance.append(value); continue }
            var list = grouped[g.section] ?? []
            if let i = list.firstIndex(where: { $0.name == group }) {
                list[i].value.append(value)
            } else {
                list.append(RunSummary.Named(name: group, value: [value]))
            }
            grouped[g.section] = list
        }
        return (balance, grouped["by_layer"] ?? [], grouped["by_fleet"] ?? [], lifecycle, grouped["co2_views"] ?? [])
    }
}
