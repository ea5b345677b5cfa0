import Foundation

/// The expected charging of a fleet of EV chargers (`sessions.model: expected`): what the drawn
/// sessions of `ChargerSessions` give on average over their random draws, computed for the fleet
/// instead of per session, so its cost grows with time, not with chargers.
///
/// A charger's drawn sessions are a Poisson process (a Poisson number a day, each starting at an
/// independent time from the start profile) served one after another: a session that arrives while
/// the charger is busy waits. The expected model follows the probability distribution of a
/// charger's remaining work at the start of each `tick` (half an hour) from the period's start, in
/// whole ticks. A charger with work left charges the whole tick. Each tick's expected arrivals (the
/// day's chargers × `per_day` × the hour's share of the profile) come uniformly within it, in
/// `part`s: one at a busy charger waits and adds its charging time to the work left at the tick's
/// end; one at an idle charger starts at once, charges what is left of the tick (half of it on
/// average, for sessions longer than that) and leaves the rest. The charging times are the drawn
/// model's max(0, normal(mean, sd)) energy ÷ power, in `energyBins` bins that keep its mean exact,
/// split between whole ticks so the mean stays exact; the tail of the work distribution below
/// `negligible` of the busy chargers is served at once. So the energy is the drawn model's mean, and the load its shape,
/// queues included: within 2.6 % of 10,000 drawn chargers at every hour from 4:00 to midnight and
/// 2–4.5 % low from midnight to 4:00, at 2.4 sessions of 18 kWh and 1 of 11 kWh a day (docs: EV chargers). Chargers that join
/// the fleet join idle. What it leaves out: smart charging (validation refuses it), and the spread
/// of the fleet around its mean (so its peak is the mean's, below one draw's).
struct ExpectedSessions: Sendable {
    let charger: EVCharger
    /// The whole period.
    let clock: StepClock
    let days: [ChargerDay]
    /// Share of the day's sessions starting in each local hour, weekday and weekend; nil when the
    /// profile is zero everywhere (the drawn model then starts every session at 23:30).
    let hourShares: (weekday: [Double], weekend: [Double])?
    /// What a session adds to a busy charger's work (k ticks with probability p, for the k that
    /// occur), and to an idle one's after it charged `idleCharge` s of the arrival's tick.
    let busyKernel: [(ticks: Int, p: Double)]
    let idleKernel: [(ticks: Int, p: Double)]
    let idleCharge: Double
    var nextDay = 0
    /// Expected arrivals of the whole fleet in each tick from `tickBase` on (`arrivals[head]`), not
    /// followed yet.
    var arrivals: [Double] = []
    var head = 0
    var tickBase = 0
    /// `work[k]`: the probability that a charger has k ticks of charging left.
    var work: [Double]
    /// The highest k with `work[k]` above zero.
    var top = 0
    /// The fleet weight `work` describes: chargers that join start idle.
    var weight = 0.0
    /// The last step whose weight was asked, and that weight.
    var weightStep = -1
    var stepWeight = 0.0

    /// The grid the work is followed on, s: half an hour (a quarter hour was no closer to the
    /// drawn sessions, at twice the cost).
    static let tick = 1800.0
    /// Bins of the energy distribution when it has a spread (over ±4 sd).
    static let energyBins = 16
    /// Work beyond this many ticks (four days) is kept at it.
    static let maximumWork = 4 * 48
    /// A tick's arrivals per charger come in parts of at most this: a later part finds the chargers
    /// an earlier one started busy, as a second session in the same tick would.
    static let part = 0.05
    /// Below this share of the busy chargers, the highest cell of the work distribution is served
    /// at once (its work counted in the current tick): the tail of ever smaller probabilities would
    /// otherwise keep every cell in play.
    static let negligible = 1e-4

    init(charger: EVCharger, clock: StepClock) {
        self.charger = charger
        self.clock = clock
        days = ChargerDay.days(of: clock, charging: charger.power > 0)
        func shares(_ v: [Double]) -> [Double]? {
            let s = v.reduce(0, +)
            return s > 0 ? v.map { $0 / s } : nil
        }
        if let p = charger.startProfile {
            let weekday = shares(p.weekday), weekend = shares(p.weekend ?? p.weekday)
            hourShares = weekday.flatMap { d in weekend.map { (d, $0) } }
        } else {
            let uniform = Array(repeating: 1.0 / 24, count: 24)
            hourShares = (uniform, uniform)
        }
        // Whole ticks around each charging time, in the proportions that keep its mean.
        func kernel(_ seconds: [(p: Double, duration: Double)]) -> [(ticks: Int, p: Double)] {
            var k = [Double](repeating: 0, count: 2)
            for (p, d) in seconds {
                let q = min(Double(ExpectedSessions.maximumWork - 1), d / ExpectedSessions.tick)
                let whole = Int(q.rounded(.down)), f = q - Double(whole)
                if whole + 2 > k.count { k += repeatElement(0, count: whole + 2 - k.count) }
                k[whole] += p * (1 - f)
                k[whole + 1] += p * f
            }
            return k.enumerated().filter { $0.element > 0 }.map { ($0.offset, $0.element) }
        }
        let bins = ExpectedSessions.bins(mean: charger.sessionEnergy, sd: charger.sessionEnergySD, power: charger.power)
        // At an idle charger a session arriving uniformly in a tick of q s charges min(d, q − u) of it.
        let q = ExpectedSessions.tick
        let now = bins.map { d in d.duration >= q ? q / 2 : d.duration - d.duration * d.duration / (2 * q) }
        busyKernel = kernel(bins)
        idleKernel = kernel(zip(bins, now).map { ($0.p, $0.duration - $1) })
        idleCharge = zip(bins, now).reduce(0) { $0 + $1.0.p * $1.1 }
        work = [Double](repeating: 0, count: ExpectedSessions.maximumWork)
        work[0] = 1
    }

    /// The energy per session, max(0, normal(mean, sd)), as bins of equal width in the normal's
    /// range (the outermost ones open): each bin's probability and the charging seconds of its
    /// conditional mean energy, so Σ p × duration × power is the distribution's mean exactly.
    static func bins(mean μ: Double, sd σ: Double, power: Double) -> [(p: Double, duration: Double)] {
        guard power > 0 else { return [] }
        guard σ > 0 else { return [(1, μ / power)] }
        func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }
        func pdf(_ z: Double) -> Double { z.isInfinite ? 0 : exp(-z * z / 2) / (2 * Double.pi).squareRoot() }
        let k = energyBins
        let edges: [Double] = (0...k).map { i in
            if i == 0 { return -.infinity }
            if i == k { return .infinity }
            return -4 + 8 * Double(i) / Double(k)
        }
        let zeroAt = -μ / σ // X > 0 above this z
        return (0..<k).compactMap { i in
            let a = edges[i], b = edges[i + 1]
            let p = cdf(b) - cdf(a)
            guard p > 0 else { return nil }
            // ∫ max(0, μ + σz) φ(z) dz over the bin's positive part.
            let lo = max(a, zeroAt)
            let energy = b > lo ? μ * (cdf(b) - cdf(lo)) + σ * (pdf(lo) - pdf(b)) : 0
            return (p, energy / p / power)
        }
    }

    /// Calls `body(step, seconds)` with the expected charging seconds (summed over the chargers,
    /// each counted by its weight) of every tick that starts before `t` and was not given yet;
    /// `weight(step)` is the active chargers' weight at a step.
    mutating func spread(before t: Double, weight: (Int) -> Double, _ body: (Int, Double) -> Void) {
        let start = Double(clock.start), end = Double(clock.end), dt = Double(clock.step), tick = ExpectedSessions.tick
        // The arrivals of the days that begin before t: every tick they reach starts after its day.
        while nextDay < days.count && days[nextDay].start < t {
            let day = days[nextDay]
            nextDay += 1
            let sessions = weight(day.step) * charger.sessionsPerDay
            guard sessions > 0 else { continue }
            guard let shares = hourShares.map({ day.weekend ? $0.weekend : $0.weekday }) else {
                arrive(sessions, at: day.start + 23.5 * 3600, start: start)
                continue
            }
            for hour in 0..<24 where shares[hour] > 0 {
                for k in 0..<4 { arrive(sessions * shares[hour] / 4, at: day.start + Double(hour) * 3600 + (Double(k) + 0.5) * 900, start: start) }
            }
        }
        // Follow the work through each tick that starts before t.
        while start + Double(tickBase) * tick < min(t, end) {
            let a = start + Double(tickBase) * tick
            let step = min(clock.count - 1, Int(((a - start) / dt).rounded(.down)))
            if step != weightStep { (weightStep, stepWeight) = (step, weight(step)) }
            let w = stepWeight
            if w > self.weight {
                // New chargers, idle.
                let old = self.weight / w
                for k in 0...top { work[k] *= old }
                work[0] += 1 - old
            } else if w < self.weight && top > 0 {
                // Chargers retire with their share of every work level and finish it, as a drawn
                // session in progress does: the fleet's queued work is kept, not dropped.
                if retired.count <= top { retired += repeatElement(0, count: top + 1 - retired.count) }
                for k in 1...top { retired[k] += work[k] * (self.weight - w) }
            }
            self.weight = w
            let arriving = head < arrivals.count ? arrivals[head] : 0
            head += 1
            // Chargers with work charge the whole tick; then it is done.
            var charged = (1 - work[0]) * tick
            var idle = work[0]
            work[0] = 0
            if top > 0 {
                let n = top
                work.withUnsafeMutableBufferPointer { w in
                    // `top > 0`: the buffer holds `top + 1` values, so it has a base address.
                    w.baseAddress!.update(from: w.baseAddress! + 1, count: n)
                    w[n] = 0
                }
                top -= 1
            }
            if arriving > 0 && w > 0 { charged += arrive(arriving / w, idle: &idle) }
            work[0] += idle
            // The tail below `negligible` of the busy chargers: served now.
            let tail = ExpectedSessions.negligible * (1 - work[0])
            while top > 0 && work[top] < tail {
                charged += work[top] * tick
                work[top - 1] += work[top]
                work[top] = 0
                top -= 1
            }
            // Retired chargers with work charge the whole tick, and take no arrivals.
            var retiredCharged = 0.0
            if !retired.isEmpty {
                for k in 1..<retired.count { retiredCharged += retired[k]; retired[k - 1] = retired[k] }
                retired[retired.count - 1] = 0
                if retiredCharged == 0 { retired.removeAll() }
            }
            if (charged > 0 && w > 0) || retiredCharged > 0 {
                let perSecond = (w > 0 ? w * charged / tick : 0) + retiredCharged
                StepClock.forEachOverlap(from: a, to: min(a + tick, end), start: start, dt: dt, count: clock.count) { m, span in body(m, perSecond * span) }
            }
            tickBase += 1
            if head > 4096 {
                arrivals.removeFirst(min(head, arrivals.count))
                head = 0
            }
        }
    }

    /// The charging the fleet has left, s: the work still queued, counted by the chargers' weight.
    var remainingWork: Double {
        ((0...top).reduce(0) { $0 + work[$1] * Double($1) } * weight
            + retired.indices.reduce(0) { $0 + retired[$1] * Double($1) }) * ExpectedSessions.tick
    }

    /// Chargers retired while they had work, by the ticks of work left (in chargers' weight).
    private var retired: [Double] = []

    /// Adds `count` expected arrivals of the fleet to the tick that holds `time`.
    private mutating func arrive(_ count: Double, at time: Double, start: Double) {
        let index = Int(((time - start) / ExpectedSessions.tick).rounded(.down)) - tickBase + head
        guard index >= head else { return }
        if index >= arrivals.count { arrivals += repeatElement(0, count: index + 1 - arrivals.count) }
        arrivals[index] += count
    }

    /// `count` expected arrivals per charger within the current tick, `work` being the work left at
    /// its end and `idle` the chargers idle all through it so far: each `part` of the arrivals comes
    /// with that probability, which keeps the expected work exact. Returns the seconds charged in
    /// the tick by sessions that found their charger idle.
    private mutating func arrive(_ count: Double, idle: inout Double) -> Double {
        let parts = max(1, Int((count / ExpectedSessions.part).rounded(.up)))
        let p = count / Double(parts)
        let last = ExpectedSessions.maximumWork - 1
        var charged = 0.0
        let busy = busyKernel, idleWork = idleKernel
        let longest = busy.last?.ticks ?? 0, idleLongest = idleWork.last?.ticks ?? 0
        var reach = top
        work.withUnsafeMutableBufferPointer { w in
            for _ in 0..<parts {
                // From the most work down, so that what moves up lands on cells already done.
                for k in stride(from: reach, through: 0, by: -1) {
                    let mass = w[k] * p
                    if mass == 0 { continue }
                    w[k] -= mass
                    for (ticks, share) in busy { w[min(last, k + ticks)] += mass * share }
                }
                let started = idle * p
                idle -= started
                charged += started * idleCharge
                for (ticks, share) in idleWork { w[min(last, ticks)] += started * share }
                reach = min(last, max(reach + longest, idleLongest))
            }
        }
        top = reach
        return charged
    }
}
