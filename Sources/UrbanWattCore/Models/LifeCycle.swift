/// A fleet's life cycle year by year: nodes installed as its count grows (and at the start when
/// new), replaced like for like when their lifetime ends, retired when the count falls, and the
/// CO2e and waste that go with them.
///
/// It works on cohorts (nodes installed together), not nodes: a handful per fleet, whatever its
/// count. Within a calendar year a count is linear in time (`YearMap`), so nodes installed in a
/// year are installed on average at its middle, and retirements take the oldest nodes first.
public enum LifeCycle {
    /// What a fleet (or a group of fleets) installed, replaced and retired in a span, with the CO2e
    /// and waste that went with it.
    public struct Figures: Sendable, Equatable {
        /// Nodes installed (growth and new stock), replaced at the end of their lifetime, retired.
        public var installed = 0.0
        public var replaced = 0.0
        public var retired = 0.0
        /// Batteries replaced when they ran out (`embodied.battery`).
        public var batteriesReplaced = 0.0
        /// kg CO2e as incurred (made and installed, disposed of) and amortised over the lifetime.
        public var incurredCO2eKg = 0.0
        public var amortisedCO2eKg = 0.0
        /// kg to waste electrical equipment; nil when no fleet gives a mass (of node or battery).
        public var wasteKg: Double?
        /// kg Sb-eq and MJ of making the nodes, as incurred and amortised, like the CO2e; nil when
        /// no fleet gives them.
        public var incurredADPKgSbEq: Double?
        public var amortisedADPKgSbEq: Double?
        public var incurredPrimaryEnergyMJ: Double?
        public var amortisedPrimaryEnergyMJ: Double?

        public init() {}

        public static func + (a: Self, b: Self) -> Self {
            var s = a
            s.installed += b.installed; s.replaced += b.replaced; s.retired += b.retired; s.batteriesReplaced += b.batteriesReplaced
            s.incurredCO2eKg += b.incurredCO2eKg; s.amortisedCO2eKg += b.amortisedCO2eKg
            func add(_ x: Double?, _ y: Double?) -> Double? { x.map { $0 + (y ?? 0) } ?? y }
            s.wasteKg = add(a.wasteKg, b.wasteKg)
            s.incurredADPKgSbEq = add(a.incurredADPKgSbEq, b.incurredADPKgSbEq)
            s.amortisedADPKgSbEq = add(a.amortisedADPKgSbEq, b.amortisedADPKgSbEq)
            s.incurredPrimaryEnergyMJ = add(a.incurredPrimaryEnergyMJ, b.incurredPrimaryEnergyMJ)
            s.amortisedPrimaryEnergyMJ = add(a.amortisedPrimaryEnergyMJ, b.amortisedPrimaryEnergyMJ)
            return s
        }

        /// Every figure times `k`: the part of a fleet that moves in one district.
        public static func * (a: Self, k: Double) -> Self {
            var s = a
            s.installed *= k; s.replaced *= k; s.retired *= k; s.batteriesReplaced *= k
            s.incurredCO2eKg *= k; s.amortisedCO2eKg *= k
            s.wasteKg = a.wasteKg.map { $0 * k }
            s.incurredADPKgSbEq = a.incurredADPKgSbEq.map { $0 * k }
            s.amortisedADPKgSbEq = a.amortisedADPKgSbEq.map { $0 * k }
            s.incurredPrimaryEnergyMJ = a.incurredPrimaryEnergyMJ.map { $0 * k }
            s.amortisedPrimaryEnergyMJ = a.amortisedPrimaryEnergyMJ.map { $0 * k }
            return s
        }
    }

    /// One calendar year of a fleet.
    public typealias Year = (year: Int, figures: Figures)

    /// A calendar year of the run: `[start, end)` in Unix seconds.
    public typealias Span = (year: Int, start: Int64, end: Int64)

    /// Node-seconds in service of a fleet of `count` nodes over `span`: a count is linear within a
    /// calendar year, so the mean of its ends.
    public static func nodeSeconds(_ count: YearMap, _ span: Span, zone: Zone) -> Double {
        func nodes(_ t: Int64) -> Double { count.value(at: t, zone: zone).rounded(.down) }
        return (nodes(span.start) + nodes(span.end)) / 2 * Double(span.end - span.start)
    }

    /// The life cycle of a fleet with `count` nodes over `years`, in `zone`, whose batteries (if
    /// any) last `batteryLife` seconds.
    public static func years(count: YearMap, embodied e: Embodied, batteryLife: Double? = nil, over years: [Span], zone: Zone) -> [Year] {
        let batteries = e.batteriesPerLife(batteryLife)
        /// Batteries a cohort installed at `installed` replaces in `[from, to)`: at each multiple of
        /// the battery life before the node's own replacement.
        func batteryChanges(installed: Double, from: Double, to: Double) -> Double {
            guard batteries > 0, let b = batteryLife else { return 0 }
            let first = max(1, ((from - installed) / b).rounded(.up)), last = min(batteries, ((to - installed) / b).rounded(.up) - 1)
            return max(0, last - first + 1)
        }
        guard let first = years.first else { return [] }
        func nodes(_ t: Int64) -> Double { count.value(at: t, zone: zone).rounded(.down) }
        // Cohorts by the time each next comes due for replacement, oldest first.
        var cohorts: [(due: Double, n: Double)] = []
        let start = Double(first.start), n0 = nodes(first.start)
        var out: [Year] = []
        for (k, span) in years.enumerated() {
            var y = Figures()
            let s = Double(span.start), end = Double(span.end)
            if k == 0 && n0 > 0 {
                if e.installedNew {
                    y.installed += n0
                    cohorts.append((start + e.lifetime, n0))
                } else {
                    // Stock of ages spread evenly (by default from new to the lifetime) falls due
                    // evenly when each reaches the lifetime; stock older than that at once.
                    let ages = e.stockAge ?? 0...e.lifetime
                    let first = start + e.lifetime - ages.upperBound, last = start + e.lifetime - ages.lowerBound
                    if last <= first {
                        cohorts.append((max(start, first), n0))
                    } else {
                        // Sliced at the ends of the run's calendar years (then yearly), so that each
                        // year, a short first one too, gets its share.
                        let ends = years.map { Double($0.end) }.filter { $0 > first && $0 < last }
                        var cuts = [first] + ends
                        var t = max(cuts[cuts.count - 1], Double(years[years.count - 1].end))
                        while t + Dimension.yearSeconds < last { t += Dimension.yearSeconds; cuts.append(t) }
                        cuts.append(last)
                        for (t, t2) in zip(cuts, cuts.dropFirst()) where t2 > t {
                            cohorts.append((max(start, (t + t2) / 2), n0 * (t2 - t) / (last - first)))
                        }
                    }
                }
            }
            let change = nodes(span.end) - nodes(span.start)
            if change < 0 {
                // The oldest go first, and with them their coming replacements.
                var left = -change
                while left > 0, !cohorts.isEmpty {
                    let take = min(left, cohorts[0].n)
                    cohorts[0].n -= take
                    left -= take
                    y.retired += take
                    if cohorts[0].n <= 0 { cohorts.removeFirst() }
                }
            }
            // Growth is installed on average mid-year; its batteries and (short) lifetimes count from then.
            if change > 0 {
                y.installed += change
                cohorts.append(((s + end) / 2 + e.lifetime, change))
            }
            // Replacements due this year, again if the lifetime is shorter than a year; each cycle's
            // batteries run out in turn.
            for i in cohorts.indices {
                var from = s
                while cohorts[i].due < end {
                    y.batteriesReplaced += cohorts[i].n * batteryChanges(installed: cohorts[i].due - e.lifetime, from: from, to: cohorts[i].due)
                    from = cohorts[i].due
                    y.replaced += cohorts[i].n
                    cohorts[i].due += e.lifetime
                }
                y.batteriesReplaced += cohorts[i].n * batteryChanges(installed: cohorts[i].due - e.lifetime, from: from, to: end)
            }
            cohorts.sort { $0.due < $1.due }
            let made = y.installed + y.replaced, disposed = y.replaced + y.retired
            let battery = e.battery ?? Embodied.Battery(co2e: 0)
            y.incurredCO2eKg = made * (e.manufacturing + e.transport) + disposed * e.endOfLife + y.batteriesReplaced * battery.co2e
            if e.mass != nil || battery.mass != nil { y.wasteKg = disposed * (e.mass ?? 0) + y.batteriesReplaced * (battery.mass ?? 0) }
            // Node-seconds in service (the count is linear within the year) over the lifetime, with
            // the batteries a node uses up in it.
            let nodeSeconds = nodeSeconds(count, span, zone: zone)
            y.amortisedCO2eKg = nodeSeconds * (e.total + batteries * battery.co2e) / e.lifetime
            // Resources of making a node: at manufacture, or spread over the lifetime.
            if let a = e.abioticDepletion { (y.incurredADPKgSbEq, y.amortisedADPKgSbEq) = (made * a, nodeSeconds * a / e.lifetime) }
            if let p = e.primaryEnergy { (y.incurredPrimaryEnergyMJ, y.amortisedPrimaryEnergyMJ) = (made * p / 1e6, nodeSeconds * p / 1e6 / e.lifetime) }
            out.append((span.year, y))
        }
        return out
    }
}
