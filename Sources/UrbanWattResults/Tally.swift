public import UrbanWattCore

/// Folds the engine's chunks, as they come, into what the results report: per group (the total,
/// each layer, kind, district and fleet, and a fleet's replaced equipment, reference and ICT part)
/// and per calendar year the energy, its carbon and cost, and the highest step; the rows of timeseries.csv; the typical days; the load
/// histogram; each fleet's traffic and nodes. Memory grows with groups × (years + rows), not with
/// steps, so a year of one-second steps fits as well as a quarter-hour one.
public struct Tally: Sendable {
    /// Energy (J), carbon (g CO2) and cost of a group over a span, and its highest step.
    struct Stats: Sendable {
        var energy = 0.0
        /// Σ kWh × g/kWh, and Σ kWh × price.
        var co2 = 0.0
        var cost = 0.0
        /// Σ kWh × g/kWh in each of the grid's views (`Grid.views`), in their order.
        var views: [Double] = []
        var peak = -Double.infinity
        var peakStep = 0

        /// Adds the energies `v[base + i]` of the chunk's steps `steps`, the chunk's step 0 being
        /// step `first`; `carbon` and `price` by step, empty when the grid does not give them.
        @inline(__always) mutating func add(
            _ v: [Double], from base: Int, steps: Range<Int>, first: Int, carbon: [Double], price: [Double],
            views: [[Double]] = []
        ) {
            for i in steps {
                let e = v[base + i]
                energy += e
                if e > peak {
                    peak = e
                    peakStep = first + i
                }
            }
            if !carbon.isEmpty { for i in steps { co2 += v[base + i] / 3.6e6 * carbon[i] } }
            if !price.isEmpty { for i in steps { cost += v[base + i] / 3.6e6 * price[i] } }
            if views.isEmpty { return }
            if self.views.isEmpty { self.views = Array(repeating: 0, count: views.count) }
            for (k, factor) in views.enumerated() {
                var sum = self.views[k]
                for i in steps { sum += v[base + i] / 3.6e6 * factor[i] }
                self.views[k] = sum
            }
        }
    }

    public let scenario: Scenario
    public let clock: StepClock
    /// Steps per row of timeseries.csv.
    public let stepsPerRow: Int
    let groups: [Breakdown.Group]
    /// The groups folded from the fleets' step series; the effects' follow them.
    let stepGroups: Int
    /// The fleet that enables each effect, nil when the scenario no longer has it.
    let effectFleet: [Int?]
    let index: [Breakdown.Group: Int]
    /// Per fleet, the aggregate groups its energy adds to: total, layer, kind, district
    /// (`sums[4 f ..< 4 f + 4]`; the district −1 for a fleet that moves, which `moving` splits).
    let sums: [Int]
    /// Per fleet that moves, its index and, per district of its presence, that district's group and its own part's.
    let moving: [(fleet: Int, groups: [(district: Int, part: Int)])]
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
    /// Σ power (kW) by year of the run, month, local hour and layer
    /// (`typical[((year × 12 + month) × 24 + hour) × layers + layer]`), and steps by year and month
    /// (`typicalSteps[year × 12 + month][hour]`): the typical days of each year.
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
        groups += scenario.fleets.indices.flatMap { f in (scenario.fleets[f].presence?.districts ?? []).map { .presence(f, $0) } }
        let parts = scenario.fleets.map(\.seriesParts)
        groups += parts.indices.filter { parts[$0].contains(.baseline) }.map { .baseline($0) }
        groups += parts.indices.filter { parts[$0].contains(.reference) }.map { .reference($0) }
        groups += parts.indices.filter { parts[$0].contains(.ict) }.map { .ict($0) }
        // The effects come last: they are folded with their own carrier's carbon and price.
        stepGroups = groups.count
        groups += scenario.effects.indices.map { .effect($0) }
        // An effect whose fleet a caller removed after decoding saves nothing (and is not listed).
        effectFleet = scenario.effects.map { e in scenario.fleets.firstIndex { $0.name == e.enabledBy } }
        self.groups = groups
        let index = Dictionary(groups.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        self.index = index
        // Every fleet's total, layer, kind and district are groups of `groups`, made from the fleets above.
        sums = scenario.fleets.flatMap { f in
            // `index` holds every group named here: each was made from these fleets.
            [index[.total]!, index[.layer(f.layer)]!, index[.kind(f.kind)]!, f.presence == nil ? index[.district(f.district)]! : -1]
        }
        moving = scenario.fleets.indices.compactMap { f in
            // Each district of a moving fleet and its presence group were made above.
            scenario.fleets[f].presence.map { p in (f, p.districts.map { (index[.district($0)]!, index[.presence(f, $0)]!) }) }
        }
        years = clock.yearSpans
        all = Array(repeating: Stats(), count: groups.count)
        byYear = Array(repeating: all, count: years.count)
        let perFleet = Array(repeating: 0, count: scenario.fleets.count)
        messages = Array(repeating: perFleet, count: years.count)
        bytes = messages
        nodes = messages
        rows = Array(repeating: [], count: 1 + Layer.allCases.count + scenario.fleets.count)
        typical = Array(repeating: 0, count: years.count * 12 * 24 * Layer.allCases.count)
        typicalSteps = Array(repeating: Array(repeating: 0, count: 24), count: years.count * 12)
    }

    /// Energy per row (J) of the total, a layer or a fleet; none for other groups.
    func rows(_ g: Breakdown.Group) -> [Double] {
        switch g {
        case .total: rows[0]
        // Every `Layer` is in `allCases`.
        case .layer(let l): rows[1 + Layer.allCases.firstIndex(of: l)!]
        case .fleet(let i): rows[1 + Layer.allCases.count + i]
        default: []
        }
    }

    /// Folds the steps `range` (the next ones) with every fleet's series for them. The chunk's
    /// group energies go into one group-major array first; then each sum runs down its column.
    /// Every sum still adds its terms in step order, as a step-by-step fold would, so the figures
    /// do not depend on the chunk size.
    public mutating func add(_ range: Range<Int>, _ series: [FleetSeries]) {
        precondition(range.lowerBound == steps, "chunks come in order")
        let n = range.count
        let window = clock.window(range)
        let intensities = scenario.grid.carbonSeries(on: window)
        let carbon = intensities?.headline, views = intensities?.views ?? []
        let price = scenario.grid.price?.series(on: window)
        let fleets = scenario.fleets.count
        let layers = Layer.allCases.count
        let layerGroup = 1
        let groupCount = groups.count
        let fleetGroup = index[.fleet(0)] ?? groupCount
        let dt = Double(clock.step)
        // v[g × n + i]: the energy of group g at the chunk's step i.
        var v = [Double](repeating: 0, count: n * stepGroups)
        for f in 0..<fleets {
            let energy = series[f].energy
            for g in sums[4 * f..<4 * f + 4] where g >= 0 {
                for i in 0..<n { v[g * n + i] += energy[i] }
            }
            v.replaceSubrange((fleetGroup + f) * n..<(fleetGroup + f + 1) * n, with: energy)
            for (group, part) in [(Breakdown.Group.baseline(f), series[f].baseline), (.reference(f), series[f].reference), (.ict(f), series[f].ict)] {
                if let g = index[group], let part { v.replaceSubrange(g * n..<(g + 1) * n, with: part) }
            }
        }
        // A fleet that moves adds to each district, and to its part there, its share of the energy.
        for (f, parts) in moving {
            let energy = series[f].energy
            let shares = scenario.fleets[f].districtShares(on: window)?.energy ?? []
            for (d, (district, part)) in parts.enumerated() {
                for i in 0..<n {
                    let e = energy[i] * shares[d][i]
                    v[district * n + i] += e
                    v[part * n + i] = e
                }
            }
        }
        // Each effect's saving at each step, in its carrier's unit (× 3.6e6, so that kWh() reads it),
        // with its carrier's carbon and price.
        let effects = scenario.effects.enumerated().map { k, e in
            let perStep = e.rate * e.perNode * dt / Effect.year * 3.6e6
            let nodes = effectFleet[k].map { series[$0].nodes } ?? Array(repeating: 0, count: n)
            let carrier = scenario.carrier(named: e.carrier)
            let other = carrier?.carbon?.series(on: window) ?? []
            return (
                values: (0..<n).map { perStep * Double(nodes[$0]) },
                carbon: e.carrier == "electricity" ? carbon ?? [] : other,
                price: e.carrier == "electricity" ? price ?? [] : carrier?.price?.series(on: window) ?? [],
                // Another carrier has one intensity, the same in each view of the grid's.
                views: e.carrier == "electricity" ? views : other.isEmpty ? [] : views.map { _ in other }
            )
        }
        let firstYear = year
        var i0 = 0
        while i0 < n {
            while range.lowerBound + i0 >= years[year].steps.upperBound { year += 1 }
            let i1 = min(n, years[year].steps.upperBound - range.lowerBound)
            for g in 0..<stepGroups {
                all[g].add(v, from: g * n, steps: i0..<i1, first: range.lowerBound, carbon: carbon ?? [], price: price ?? [], views: views)
                byYear[year][g].add(v, from: g * n, steps: i0..<i1, first: range.lowerBound, carbon: carbon ?? [], price: price ?? [], views: views)
            }
            for (k, e) in effects.enumerated() {
                all[stepGroups + k].add(e.values, from: 0, steps: i0..<i1, first: range.lowerBound, carbon: e.carbon, price: e.price, views: e.views)
                byYear[year][stepGroups + k].add(e.values, from: 0, steps: i0..<i1, first: range.lowerBound, carbon: e.carbon, price: e.price, views: e.views)
            }
            for f in 0..<fleets {
                var sent = 0, size = 0
                for i in i0..<i1 {
                    sent += series[f].messages[i]
                    size += series[f].bytes[i]
                }
                messages[year][f] += sent
                bytes[year][f] += size
                nodes[year][f] = Int(series[f].nodes[i1 - 1])
            }
            i0 = i1
        }
        // The rows of timeseries.csv: total, layers, fleets; which steps begin a row.
        let firstStart = (stepsPerRow - range.lowerBound % stepsPerRow) % stepsPerRow
        var starts = [Bool](repeating: false, count: n)
        for i in stride(from: firstStart, to: n, by: stepsPerRow) { starts[i] = true }
        for r in rows.indices {
            let g = r == 0 ? 0 : r <= layers ? layerGroup + r - 1 : fleetGroup + r - 1 - layers
            var column = rows[r]
            rows[r] = []
            var open = column.last ?? 0
            for i in 0..<n {
                if starts[i] {
                    if !column.isEmpty { column[column.count - 1] = open }
                    column.append(0)
                    open = 0
                }
                open += v[g * n + i]
            }
            if !column.isEmpty { column[column.count - 1] = open }
            rows[r] = column
        }
        // Typical days: the cell (year, month, local hour) of each step.
        var cells = [Int](repeating: 0, count: n)
        var y = firstYear
        for i in 0..<n {
            while range.lowerBound + i >= years[y].steps.upperBound { y += 1 }
            let day = window.localDay(i)
            if day != lastDay {
                lastDay = day
                month = CivilDate(daysSinceEpoch: day).month - 1
            }
            let hour = window.localSecondOfDay(i) / 3600
            typicalSteps[y * 12 + month][hour] += 1
            cells[i] = ((y * 12 + month) * 24 + hour) * layers
        }
        for l in 0..<layers {
            for i in 0..<n { typical[cells[i] + l] += v[(layerGroup + l) * n + i] / dt / 1000 }
        }
        for i in 0..<n {
            load.add(v[i] / dt / 1000)
            carbonSum += carbon?[i] ?? 0
            priceSum += price?[i] ?? 0
        }
        steps = range.upperBound
    }
}
