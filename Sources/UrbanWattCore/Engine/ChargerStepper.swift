/// EV chargers: every session of every active charger is drawn from the charger's own stream for
/// that day, so each charger is simulated individually, once, when the run starts; each step then
/// costs O(1).
struct ChargerStepper: FleetStepper {
    let population: NodePopulation
    let charger: EVCharger
    let efficiency: [Double]
    let dt: Double
    /// Σ over active chargers of weight × seconds spent charging, per step.
    let chargingSeconds: [Double]

    init(population: NodePopulation, charger: EVCharger, efficiency: [Double], clock: StepClock, fleet: String, seed: UInt64, grid: Grid) {
        self.population = population
        self.charger = charger
        self.efficiency = efficiency
        self.dt = Double(clock.step)
        chargingSeconds = ChargerStepper.sessions(
            population: population, charger: charger, clock: clock, fleet: fleet, seed: seed, grid: grid)
    }

    func run(_ steps: Range<Int>, into series: inout FleetSeries) {
        for m in steps {
            let n = population.active(m)
            let w = population.weight(n)
            let charging = chargingSeconds[m]
            series.nodes[m] = Int32(n)
            series.energy[m] = efficiency[m] * (charger.power * charging + charger.standby * max(0, w * dt - charging))
        }
    }

    /// The charging seconds of each step, summed over chargers and weighted by their jitter factor.
    ///
    /// Per charger and local day the number of sessions is Poisson(`sessionsPerDay`); start times follow
    /// the start profile (uniform without one); a session starts no earlier than the previous one ends,
    /// and charges at `power` until its energy is delivered.
    static func sessions(population: NodePopulation, charger: EVCharger, clock: StepClock, fleet: String, seed: UInt64, grid: Grid) -> [Double] {
        var result = [Double](repeating: 0, count: clock.count)
        let start = Double(clock.start), dt = Double(clock.step)
        forEachSession(population: population, charger: charger, clock: clock, fleet: fleet, seed: seed, grid: grid, nodes: 0..<population.localNodes) { j, a, b in
            add(from: a, to: b, weight: population.weight(of: j), into: &result, start: start, dt: dt)
        }
        return result
    }

    /// Calls `body(local node, start, end)` for every charging session of the given local nodes, in
    /// node and time order, clipped to the period. Smart chargers defer each start within their window.
    static func forEachSession(
        population: NodePopulation, charger: EVCharger, clock: StepClock, fleet: String, seed: UInt64, grid: Grid, nodes: Range<Int>,
        _ body: (Int, Double, Double) -> Void
    ) {
        guard clock.count > 0, charger.power > 0 else { return }
        let dt = Double(clock.step)
        let start = Double(clock.start), end = Double(clock.end)
        var prefix: [Double]? = nil
        if let smart = charger.smart, let signal = smart.signal(grid: grid, clock: clock) {
            var p = [0.0]
            p.reserveCapacity(signal.count + 1)
            for v in signal { p.append(p[p.count - 1] + v) }
            prefix = p
        }
        let firstDay = Int(clock.localDay[0]), lastDay = Int(clock.localDay[clock.count - 1])
        // Day starts and their step index (for the node count at that moment).
        let days = (firstDay...lastDay).map { d -> (day: Int, start: Double, weekend: Bool, step: Int) in
            let date = CivilDate(daysSinceEpoch: d)
            let s = Double(clock.zone.startOfDay(date))
            let m = min(clock.count - 1, max(0, Int(((s - start) / dt).rounded(.down))))
            return (d, s, date.isoWeekday >= 6, m)
        }
        let cumulative: (weekday: [Double], weekend: [Double])? = charger.startProfile.map { p in
            func cum(_ v: [Double]) -> [Double] {
                var c: [Double] = []
                var s = 0.0
                for x in v { s += x; c.append(s) }
                return c.map { s > 0 ? $0 / s : 0 }
            }
            return (cum(p.weekday), cum(p.weekend ?? p.weekday))
        }
        var starts: [Double] = []
        for j in nodes {
            let node = population.shard.global(j)
            var busyUntil = -Double.infinity
            for day in days where node < population.globalCount[day.step] {
                var random = RandomSequence(NodeRandom(seed: seed, fleet: fleet, node: node, purpose: .chargerDay, extra: UInt64(bitPattern: Int64(day.day))))
                let k = random.poisson(charger.sessionsPerDay)
                guard k > 0 else { continue }
                starts.removeAll(keepingCapacity: true)
                for _ in 0..<k {
                    let u = random.unit()
                    var hourOffset = u * 24
                    if let c = cumulative {
                        let table = day.weekend ? c.weekend : c.weekday
                        let hour = table.firstIndex { u < $0 } ?? 23
                        let below = hour == 0 ? 0 : table[hour - 1]
                        let within = table[hour] > below ? (u - below) / (table[hour] - below) : 0.5
                        hourOffset = Double(hour) + within
                    }
                    starts.append(day.start + hourOffset * 3600)
                }
                starts.sort()
                for s in starts {
                    var energy = charger.sessionEnergy
                    if charger.sessionEnergySD > 0 {
                        energy = max(0, random.normal(mean: charger.sessionEnergy, sd: charger.sessionEnergySD))
                    }
                    let duration = energy / charger.power
                    var arrival = s
                    if let prefix, let smart = charger.smart {
                        arrival = SmartCharging.bestStart(arrival: s, duration: duration, window: smart.window, prefix: prefix, start: start,
                                                          end: end, dt: dt, tie: random.unit())
                    }
                    let a = max(arrival, busyUntil)
                    let b = a + duration
                    busyUntil = b
                    if min(b, end) > max(a, start) { body(j, max(a, start), min(b, end)) }
                }
            }
        }
    }

    /// Adds `weight × overlap` of [a, b) with every step.
    private static func add(from a: Double, to b: Double, weight: Double, into result: inout [Double], start: Double, dt: Double) {
        StepClock.forEachOverlap(from: a, to: b, start: start, dt: dt, count: result.count) { m, span in result[m] += weight * span }
    }
}
