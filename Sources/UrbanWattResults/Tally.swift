import UrbanWattCore

/// Folds the engine's chunks, as they come, into what the results report: per group (the total,
/// each layer, kind, district, fleet and replaced equipment) and per calendar year the energy, its
/// carbon and cost, and the highest step; the rows of timeseries.csv; the typical days; the load
/// histogram; each fleet's traffic and nodes. Memory grows with groups × (years + rows), not with
/// steps, so a year of one-second steps fits as well as a quarter-hour one.
public struct Tally: Sendable {
    /// Energy (J), carbon (g CO2) and cost of a group over a span, and its highest step.
    struct Stats: Sendable {
        var energy = 0.0
        /// Σ kWh × g/kWh, and Σ kWh × price.
        var co2 = 0.0
        var cost = 0.0
        var peak = -Double.infinity
        var peakStep = 0

        @inline(__always) mutating func add(_ e: Double, step m: Int, carbon: Double?, price: Double?) {
            energy += e
            if let carbon { co2 += e / 3.6e6 * carbon }
            if let price { cost += e / 3.6e6 * price }
            if e > peak {
                peak = e
                peakStep = m
            }
        }
    }

    public let scenario: Scenario
    public let clock: StepClock
    /// Steps per row of timeseries.csv.
    public let stepsPerRow: Int
    let groups: [Breakdown.Group]
    let index: [Breakdown.Group: Int]
    /// Per fleet, the aggregate groups its energy adds to: total, layer, kind, district
    /// (`sums[4 f ..< 4 f + 4]`).
    let sums: [Int]
    let years: [(year: Int, steps: Range<Int>)]
    /// Per group, over all steps seen, and per year and group.
    var all: [Stats]
    var byYear: [[Stats]]
    /// Per year and fleet: messages, bytes, and the nodes at the year's last step seen.
    var messages: [[Int]]
    var bytes: [[Int]]
    var nodes: [[Int]]
    /// Energy per row (J) of the total, each layer and each fleet, in that order.
    var rows: [[Double]]
    /// Σ power (kW) by month, local hour and layer (`typical[(month × 24 + hour) × layers + layer]`),
    /// and steps by month and hour (typical days).
    var typical: [Double]
    var typicalSteps: [[Int]]
    var load = LoadHistogram()
    /// Σ over steps of the carbon intensity and price.
    var carbonSum = 0.0
    var priceSum = 0.0
    /// Steps folded so far.
    public private(set) var steps = 0
    private var year = 0
    private var lastDay = Int.min
    private var month = 0

    public init(scenario: Scenario, clock: StepClock, stepsPerRow: Int) {
        self.scenario = scenario
        self.clock = clock
        self.stepsPerRow = max(1, stepsPerRow)
        let kinds = FleetKind.allCases.filter { k in scenario.fleets.contains { $0.kind == k } }
        var groups: [Breakdown.Group] = [.total] + Layer.allCases.map { .layer($0) } + kinds.map { .kind($0) }
        groups += scenario.districts.map { .district($0) }
        groups += scenario.fleets.indices.map { .fleet($0) }
        groups += scenario.fleets.indices.filter { scenario.fleets[$0].replaces != nil }.map { .baseline($0) }
        self.groups = groups
        let index = Dictionary(groups.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        self.index = index
        sums = scenario.fleets.flatMap { f in [index[.total]!, index[.layer(f.layer)]!, index[.kind(f.kind)]!, index[.district(f.district)]!] }
        years = clock.yearSpans
        all = Array(repeating: Stats(), count: groups.count)
        byYear = Array(repeating: all, count: years.count)
        let perFleet = Array(repeating: 0, count: scenario.fleets.count)
        messages = Array(repeating: perFleet, count: years.count)
        bytes = messages
        nodes = messages
        rows = Array(repeating: [], count: 1 + Layer.allCases.count + scenario.fleets.count)
        typical = Array(repeating: 0, count: 12 * 24 * Layer.allCases.count)
        typicalSteps = Array(repeating: Array(repeating: 0, count: 24), count: 12)
    }

    /// Folds the steps `range` (the next ones) with every fleet's series for them. The arrays are
    /// taken out of `self` for the chunk, so that each step updates plain arrays in place; every
    /// sum adds its terms in step order, as a step-by-step fold would.
    public mutating func add(_ range: Range<Int>, _ series: [FleetSeries]) {
        precondition(range.lowerBound == steps, "chunks come in order")
        let window = clock.window(range)
        let carbon = scenario.grid.carbon?.series(on: window)
        let price = scenario.grid.price?.series(on: window)
        let fleets = scenario.fleets.count
        let layers = Layer.allCases.count
        let layerGroup = 1
        let groupCount = groups.count
        let fleetGroup = index[.fleet(0)] ?? groupCount
        let baselineGroups = scenario.fleets.indices.map { index[.baseline($0)] }
        let dt = Double(clock.step)
        let sums = sums
        var v = [Double](repeating: 0, count: groupCount)
        var all = self.all, byYear = self.byYear, rows = self.rows, typical = self.typical
        var messages = self.messages, bytes = self.bytes, nodes = self.nodes
        self.all = []; self.byYear = []; self.rows = []; self.typical = []
        self.messages = []; self.bytes = []; self.nodes = []
        // The open row's sums, written back when the row or the chunk ends.
        var row = rows[0].count - 1
        var open = rows.map { $0.last ?? 0 }
        func closeRow() {
            guard row >= 0 else { return }
            for r in rows.indices { rows[r][row] = open[r] }
        }
        var i = 0
        while i < range.count {
            while range.lowerBound + i >= years[year].steps.upperBound { year += 1 }
            let segmentEnd = min(range.count, years[year].steps.upperBound - range.lowerBound)
            var yearStats = byYear[year], yearMessages = messages[year], yearBytes = bytes[year], yearNodes = nodes[year]
            byYear[year] = []
            for i in i..<segmentEnd {
                let m = range.lowerBound + i
                for g in 0..<fleetGroup { v[g] = 0 }
                for f in 0..<fleets {
                    let e = series[f].energy[i]
                    for g in sums[4 * f ..< 4 * f + 4] { v[g] += e }
                    v[fleetGroup + f] = e
                    if let g = baselineGroups[f] { v[g] = series[f].baseline![i] }
                    yearMessages[f] += series[f].messages[i]
                    yearBytes[f] += series[f].bytes[i]
                    yearNodes[f] = Int(series[f].nodes[i])
                }
                let c = carbon?[i], p = price?[i]
                for g in 0..<groupCount {
                    all[g].add(v[g], step: m, carbon: c, price: p)
                    yearStats[g].add(v[g], step: m, carbon: c, price: p)
                }
                if m % stepsPerRow == 0 {
                    closeRow()
                    for r in rows.indices { rows[r].append(0) }
                    row += 1
                    for r in open.indices { open[r] = 0 }
                }
                open[0] += v[0]
                for l in 0..<layers { open[1 + l] += v[layerGroup + l] }
                for f in 0..<fleets { open[1 + layers + f] += v[fleetGroup + f] }
                let day = window.localDay(i)
                if day != lastDay {
                    lastDay = day
                    month = CivilDate(daysSinceEpoch: day).month - 1
                }
                let hour = window.localSecondOfDay(i) / 3600
                typicalSteps[month][hour] += 1
                let cell = (month * 24 + hour) * layers
                for l in 0..<layers { typical[cell + l] += v[layerGroup + l] / dt / 1000 }
                load.add(v[0] / dt / 1000)
                carbonSum += c ?? 0
                priceSum += p ?? 0
            }
            byYear[year] = yearStats
            messages[year] = yearMessages
            bytes[year] = yearBytes
            nodes[year] = yearNodes
            i = segmentEnd
        }
        closeRow()
        self.all = all; self.byYear = byYear; self.rows = rows; self.typical = typical
        self.messages = messages; self.bytes = bytes; self.nodes = nodes
        steps = range.upperBound
    }
}
