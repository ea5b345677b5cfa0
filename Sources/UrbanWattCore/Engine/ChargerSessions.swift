/// The charging sessions of one fleet of EV chargers in one shard, drawn a local day at a time in
/// time order (`draw(before:)`), for the engine and for per-node telemetry alike.
///
/// Per charger and local day the number of sessions is Poisson(`sessionsPerDay`); start times follow
/// the start profile (uniform without one); a session starts no earlier than the previous one ends,
/// and charges at `power` until its energy is delivered. Smart chargers defer each start within their
/// window. Each charger and day has its own random stream, so the order of drawing changes nothing.
struct ChargerSessions: Sendable {
    let population: NodePopulation
    let charger: EVCharger
    /// The whole period.
    let clock: StepClock
    let fleet: String
    let seed: UInt64
    let days: [ChargerDay]
    /// The cumulative start profile by hour, weekday and weekend; nil for uniform starts.
    let cumulative: (weekday: [Double], weekend: [Double])?
    /// For each of `guideBuckets` equal slices of [0, 1), the first hour whose cumulative share
    /// exceeds the slice's start: where the search for a draw in that slice begins (weekday, weekend).
    let guide: (weekday: [Int], weekend: [Int])?
    static let guideBuckets = 256
    var nextDay = 0
    /// When each local charger's last session ends.
    var busyUntil: [Double]
    /// Running sums of the smart chargers' grid signal; nil without smart charging or its signal.
    var prefix: SignalPrefix?

    init(population: NodePopulation, charger: EVCharger, clock: StepClock, fleet: String, seed: UInt64, grid: Grid) {
        self.population = population
        self.charger = charger
        self.clock = clock
        self.fleet = fleet
        self.seed = seed
        busyUntil = Array(repeating: -Double.infinity, count: population.localNodes)
        if let signal = charger.smart?.signal(grid: grid) {
            prefix = SignalPrefix(signal: signal, clock: clock)
        }
        days = ChargerDay.days(of: clock, charging: charger.power > 0)
        cumulative = charger.startProfile.map { p in
            func cum(_ v: [Double]) -> [Double] {
                var c: [Double] = []
                var s = 0.0
                for x in v { s += x; c.append(s) }
                return c.map { s > 0 ? $0 / s : 0 }
            }
            return (cum(p.weekday), cum(p.weekend ?? p.weekday))
        }
        guide = cumulative.map { c in
            func guide(_ table: [Double]) -> [Int] {
                (0..<ChargerSessions.guideBuckets).map { b in
                    table.firstIndex { Double(b) / Double(ChargerSessions.guideBuckets) < $0 } ?? 24
                }
            }
            return (guide(c.weekday), guide(c.weekend))
        }
    }

    /// Calls `body(local node, start, end)` for every session of the days not drawn yet that begin
    /// before `t` (Unix seconds), in day and node order, clipped to the period.
    mutating func draw(before t: Double, _ body: (Int, Double, Double) -> Void) {
        let start = Double(clock.start), end = Double(clock.end), dt = Double(clock.step)
        var starts: [Double] = []
        let key = NodeRandom.fleetKey(seed: seed, fleet: fleet)
        while nextDay < days.count && days[nextDay].start < t {
            let day = days[nextDay]
            nextDay += 1
            // No session of this day or a later one starts before the day.
            prefix?.forget(below: day.step)
            let table = cumulative.map { day.weekend ? $0.weekend : $0.weekday }
            let guide = guide.map { day.weekend ? $0.weekend : $0.weekday }
            // The chargers that exist at the day's start: a prefix of the shard's own.
            for j in 0..<population.active(day.step) {
                let node = population.shard.global(j)
                var random = RandomSequence(NodeRandom(fleetKey: key, node: node, purpose: .chargerDay, extra: UInt64(bitPattern: Int64(day.day))))
                var ties = RandomSequence(NodeRandom(fleetKey: key, node: node, purpose: .smartTie, extra: UInt64(bitPattern: Int64(day.day))))
                let k = random.poisson(charger.sessionsPerDay)
                guard k > 0 else { continue }
                starts.removeAll(keepingCapacity: true)
                for _ in 0..<k {
                    let u = random.unit()
                    var hourOffset = u * 24
                    if let table, let guide {
                        // The first hour whose cumulative share exceeds u (23 if none), searched
                        // from where u's slice of [0, 1) begins.
                        var hour = guide[min(ChargerSessions.guideBuckets - 1, Int(u * Double(ChargerSessions.guideBuckets)))]
                        while hour < 24 && !(u < table[hour]) { hour += 1 }
                        if hour == 24 { hour = 23 }
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
                    if let smart = charger.smart, prefix != nil {
                        // The signal up to the end of the latest session the window allows.
                        let last = Int(((s + smart.window + duration - start) / dt).rounded(.up)) + 1
                        // `prefix` is not nil here (the `if` above); it is extended in place.
                        prefix!.extend(through: min(clock.count, max(0, last)))
                        arrival = SmartCharging.bestStart(
                            arrival: s, duration: duration, window: smart.window, prefix: prefix!, start: start,
                            end: end, dt: dt, tie: ties.unit())
                    }
                    let a = max(arrival, busyUntil[j])
                    let b = a + duration
                    busyUntil[j] = b
                    if min(b, end) > max(a, start) { body(j, max(a, start), min(b, end)) }
                }
            }
        }
    }
}

/// Running sums of a grid signal over the period's steps (`self[k]` is the sum of steps 0..<k),
/// computed as far as asked and forgotten below where no session starts any more: the very sums a
/// whole-period array would hold, in memory that follows a day and a window, not the period.
struct SignalPrefix: Sendable {
    let signal: GridSignal
    let clock: StepClock
    /// `sums[k - base]` is `self[k]`.
    private var sums: [Double] = [0]
    private var base = 0

    init(signal: GridSignal, clock: StepClock) {
        self.signal = signal
        self.clock = clock
    }

    /// The sums exist for 0…`count - 1` (the period's steps and one).
    var count: Int { clock.count + 1 }

    subscript(k: Int) -> Double { sums[k - base] }

    /// Computes the sums through `k` (at most the period's steps), a block of steps at a time.
    mutating func extend(through k: Int) {
        let have = base + sums.count - 1
        guard k > have else { return }
        let to = min(clock.count, max(k, have + 4096))
        var s = sums[sums.count - 1]
        for v in signal.series(on: clock.window(have..<to)) {
            s += v
            sums.append(s)
        }
    }

    /// Drops the sums below `k`, when they are most of what is kept.
    mutating func forget(below k: Int) {
        let drop = min(k - base, sums.count - 1)
        guard drop > sums.count / 2 else { return }
        sums.removeFirst(drop)
        base += drop
    }
}
