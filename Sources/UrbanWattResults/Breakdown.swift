public import UrbanWattCore

/// A run's figures by group (the total, each layer, kind, district, fleet, and the equipment a fleet
/// replaces) and span (the whole run or one calendar year), read from its `Tally`. Every total, peak
/// and chart of the results layer comes from here.
public struct Breakdown: Sendable {
    /// What energy is summed over.
    public enum Group: Hashable, Sendable {
        case total
        case layer(Layer)
        case kind(FleetKind)
        case district(String)
        /// The fleet at this index of the scenario.
        case fleet(Int)
        /// The part of the fleet at this index in this district, for a fleet that moves (`presence:`).
        case presence(Int, String)
        /// The load what the fleet at this index replaces would have served (`replaces:`).
        case baseline(Int)
        /// The load the fleet at this index would serve with its ICT functions off.
        case reference(Int)
        /// The ICT part of the fleet at this index, for a kind that also serves a load.
        case ict(Int)
        /// What the effect at this index saves, in its carrier's unit (kWh or l, read as kWh), with
        /// the carrier's carbon and price.
        case effect(Int)
    }

    /// Over what time.
    public enum Span: Hashable, Sendable {
        case all
        /// The calendar year at this index of `years`.
        case year(Int)
    }

    public let result: SimulationResult
    let tally: Tally

    public init(_ result: SimulationResult, _ tally: Tally) {
        self.result = result
        self.tally = tally
    }

    /// Runs `engine`, folding each chunk into the figures (and handing it to `onChunk` too); with
    /// `concurrent`, the folding runs on a second core beside the engine (`ChunkFolder`).
    public static func run(
        _ engine: Engine, stepsPerRow: Int? = nil, chunk: Int = 672, concurrent: Bool = true, progress: (Int, Int, Int) -> Void = { _, _, _ in },
        shouldStop: () -> Bool = { false }, onChunk: (Range<Int>, [FleetSeries]) -> Void = { _, _ in }
    ) -> Breakdown {
        let tally = ChunkFolder(
            Tally(scenario: engine.scenario, clock: engine.clock, stepsPerRow: stepsPerRow ?? StepClock.stepsPerHour(engine.clock.step)),
            concurrent: concurrent)
        let result = engine.run(chunk: chunk, progress: progress, shouldStop: shouldStop) { range, series in
            tally.submit { $0.add(range, series) }
            onChunk(range, series)
        }
        return Breakdown(result, tally.finish())
    }

    /// Steps with results (fewer than the period when interrupted).
    public var steps: Int { result.completedSteps }
    /// Step length, s.
    public var dt: Double { Double(result.clock.step) }
    public var scenario: Scenario { result.scenario }
    /// Steps per row of the time series.
    public var stepsPerRow: Int { tally.stepsPerRow }

    /// The calendar years with results, in order, each with its span.
    public var years: [(year: Int, span: Span)] {
        tally.years.enumerated().filter { $0.element.steps.lowerBound < steps }.map { ($0.element.year, .year($0.offset)) }
    }

    /// Whether the grid gives a carbon intensity, and a price.
    public var hasCarbon: Bool { scenario.grid.carbon != nil }
    public var hasPrice: Bool { scenario.grid.price != nil }

    private func stats(_ g: Group, _ s: Span) -> Tally.Stats {
        guard let i = tally.index[g] else { return Tally.Stats() }
        switch s {
        case .all: return tally.all[i]
        case .year(let y): return tally.byYear[y][i]
        }
    }

    /// Energy in kWh.
    public func kWh(_ g: Group, _ s: Span = .all) -> Double { stats(g, s).energy / 3.6e6 }

    /// Highest mean power of a step, kW, and that step.
    public func peak(_ g: Group, _ s: Span = .all) -> (kW: Double, step: Int) {
        let st = stats(g, s)
        return st.peak.isFinite ? (st.peak / dt / 1000, st.peakStep) : (0, 0)
    }

    /// kg CO2, nil without a grid carbon intensity; in the grid's `view` when given (nil when the
    /// scenario does not ask for it).
    public func co2(_ g: Group, _ s: Span = .all, view: Grid.View? = nil) -> Double? {
        guard hasCarbon else { return nil }
        guard let view else { return stats(g, s).co2 / 1000 }
        guard let k = scenario.grid.views.firstIndex(of: view) else { return nil }
        let views = stats(g, s).views
        return views.isEmpty ? 0 : views[k] / 1000
    }

    /// Cost, nil without a grid price.
    public func cost(_ g: Group, _ s: Span = .all) -> Double? { hasPrice ? stats(g, s).cost : nil }

    /// A fleet's radio uplinks and other data units sent along `via` (not MQTT messages), and bytes.
    public func uplinks(fleet i: Int, _ s: Span = .all) -> Int { traffic(tally.messages, i, s) }
    public func bytes(fleet i: Int, _ s: Span = .all) -> Int { traffic(tally.bytes, i, s) }

    private func traffic(_ perYear: [[Int]], _ i: Int, _ s: Span) -> Int {
        switch s {
        case .all: perYear.reduce(0) { $0 + $1[i] }
        case .year(let y): perYear[y][i]
        }
    }

    /// A fleet's nodes at the last step of the span (with results).
    public func nodes(fleet i: Int, _ s: Span = .all) -> Int {
        switch s {
        case .all: years.last.map { nodes(fleet: i, $0.span) } ?? 0
        case .year(let y): tally.nodes[y][i]
        }
    }

    /// Energy per row of `stepsPerRow` steps (the last row may be shorter), J: of the total
    /// (`.total`), a layer or a fleet.
    public func rows(_ g: Group) -> [Double] { tally.rows(g) }

    /// Mean power (kW) by local hour of the day and layer over the steps in `months` (1–12), and
    /// whether any step fell in them.
    public func typicalDay(months: Set<Int>, year: Int? = nil) -> (kW: [[Double]], any: Bool) {
        var sums = Array(repeating: Array(repeating: 0.0, count: 24), count: Layer.allCases.count)
        var counts = Array(repeating: 0, count: 24)
        let spans = tally.years.indices.filter { year == nil || tally.years[$0].year == year }
        for y in spans {
            for month in months.sorted() where (1...12).contains(month) {
                let m = y * 12 + month - 1
                for h in 0..<24 {
                    counts[h] += tally.typicalSteps[m][h]
                    for l in sums.indices { sums[l][h] += tally.typical[(m * 24 + h) * sums.count + l] }
                }
            }
        }
        let means = sums.map { row in row.enumerated().map { counts[$0.offset] > 0 ? $0.element / Double(counts[$0.offset]) : 0 } }
        return (means, counts.contains { $0 > 0 })
    }

    /// The load-duration curve: (hours at or above, kW) from the peak down.
    public var loadDuration: [(hours: Double, kW: Double)] { tally.load.curve(dt: dt) }

    /// Mean carbon intensity (g/kWh) and price over the steps, nil when the grid does not give them.
    public var meanCarbon: Double? { hasCarbon && steps > 0 ? tally.carbonSum / Double(steps) : nil }
    public var meanPrice: Double? { hasPrice && steps > 0 ? tally.priceSum / Double(steps) : nil }
}
