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
    /// Σ over chargers of weight × seconds spent charging, for the steps from `pendingFirst` on
    /// (`pending[head]` is step `pendingFirst`).
    var pending: [Double] = []
    var head = 0
    var pendingFirst = 0

    init(population: NodePopulation, charger: EVCharger, clock: StepClock, fleet: String, seed: UInt64, grid: Grid) {
        self.population = population
        self.charger = charger
        period = clock
        switch charger.model {
        case .drawn: drawn = ChargerSessions(population: population, charger: charger, clock: clock, fleet: fleet, seed: seed, grid: grid)
        case .expected: expected = ExpectedSessions(charger: charger, clock: clock, grid: grid)
        }
    }

    mutating func run(_ w: StepperContext, into series: inout FleetSeries) {
        let start = Double(period.start), dt = w.dt
        let population = population
        var pending = self.pending, head = self.head, first = pendingFirst
        func add(_ m: Int, _ seconds: Double) {
            // Sessions start on or after their day, which no earlier chunk has reached.
            let k = head + max(0, m - first)
            if k >= pending.count { pending.append(contentsOf: repeatElement(0, count: k + 1 - pending.count)) }
            pending[k] += seconds
        }
        // Every session that can touch the chunk starts on a day that begins before the chunk ends.
        let before = Double(w.clock.end)
        drawn?.draw(before: before) { j, a, b in
            let weight = population.weight(of: j)
            StepClock.forEachOverlap(from: a, to: b, start: start, dt: dt, count: period.count) { m, span in add(m, weight * span) }
        }
        expected?.spread(before: before, weight: { population.weight(population.active($0)) }, add)
        let efficiency = w.efficiency
        for i in 0..<w.clock.count {
            let n = population.active(w.first + i)
            let weight = population.weight(n)
            let k = head + w.first + i - first
            let charging = k < pending.count ? pending[k] : 0
            series.nodes[i] = Int32(n)
            series.energy[i] = efficiency[i] * (charger.power * charging + charger.standby * max(0, weight * dt - charging))
        }
        // Forget the chunk's steps; compact when they are most of the buffer.
        head = min(pending.count, head + w.first + w.clock.count - first)
        first = w.first + w.clock.count
        if head > pending.count / 2 {
            pending.removeFirst(head)
            head = 0
        }
        self.pending = pending
        self.head = head
        pendingFirst = first
    }
}
