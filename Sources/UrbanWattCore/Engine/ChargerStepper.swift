/// EV chargers: every session of every active charger is drawn from the charger's own stream for
/// that day (`ChargerSessions`), or the fleet's expected sessions are computed for the day
/// (`ExpectedSessions`), a day at a time as the run reaches it, and their charging seconds are
/// spread over the steps they cover; each step then costs O(1). What reaches past a chunk waits in
/// `pending` for the next one, so memory follows the longest session, not the period.
struct ChargerStepper: FleetStepper {
    let population: NodePopulation
    let charger: EVCharger
    /// The whole period.
    let period: StepClock
    /// One of the two, by the charger's `model`.
    var drawn: ChargerSessions?
    var expected: ExpectedSessions?
    var pending = PendingCharge()

    /// Σ over chargers of weight × seconds spent charging, for the steps from `first` on
    /// (`values[head]` is step `first`).
    struct PendingCharge {
        var values: [Double] = []
        var head = 0
        var first = 0

        mutating func add(_ m: Int, _ seconds: Double) {
            // Sessions start on or after their day, which no earlier chunk has reached.
            let k = head + max(0, m - first)
            if k >= values.count { values.append(contentsOf: repeatElement(0, count: k + 1 - values.count)) }
            values[k] += seconds
        }

        func at(_ m: Int) -> Double {
            let k = head + m - first
            return k < values.count ? values[k] : 0
        }

        /// Forgets the steps before `m`; compacts when they are most of the buffer.
        mutating func forget(below m: Int) {
            head = min(values.count, head + m - first)
            first = m
            if head > values.count / 2 {
                values.removeFirst(head)
                head = 0
            }
        }
    }

    init(population: NodePopulation, charger: EVCharger, clock: StepClock, fleet: String, seed: UInt64, grid: Grid) {
        self.population = population
        self.charger = charger
        period = clock
        switch charger.model {
        case .drawn: drawn = ChargerSessions(population: population, charger: charger, clock: clock, fleet: fleet, seed: seed, grid: grid)
        case .expected: expected = ExpectedSessions(charger: charger, clock: clock)
        }
    }

    mutating func run(_ w: StepperContext, into series: inout FleetSeries) {
        let start = Double(period.start), dt = w.dt, count = period.count
        let population = population
        var pending = self.pending
        self.pending = PendingCharge()
        // Every session that can touch the chunk starts on a day that begins before the chunk ends.
        let before = Double(w.clock.end)
        drawn?.draw(before: before) { j, a, b in
            let weight = population.weight(of: j)
            StepClock.forEachOverlap(from: a, to: b, start: start, dt: dt, count: count) { m, span in pending.add(m, weight * span) }
        }
        expected?.spread(before: before, weight: { population.weight(population.active($0)) }) { m, seconds in pending.add(m, seconds) }
        let efficiency = w.efficiency
        for i in 0..<w.clock.count {
            let n = population.active(w.first + i)
            let weight = population.weight(n)
            let charging = pending.at(w.first + i)
            series.nodes[i] = Int32(n)
            let idle = efficiency[i] * charger.standby * max(0, weight * dt - charging)
            series.energy[i] = efficiency[i] * charger.power * charging + idle
            // `!` after the nil check on the same line: the series is changed in place.
            if series.ict != nil { series.ict![i] = idle }
        }
        pending.forget(below: w.first + w.clock.count)
        self.pending = pending
    }
}
