import Foundation

/// The expected charging of a fleet of EV chargers (`sessions.model: expected`): what the drawn
/// sessions of `ChargerSessions` give on average over their random draws, computed per local day
/// from the start profile and the energy distribution instead of per session, so its cost grows with
/// days and steps, not with chargers.
///
/// Per day, the active chargers' weight × `sessionsPerDay` sessions start uniformly within each
/// hour in proportion to the start profile; the energy per session is the drawn model's
/// max(0, normal(mean, sd)), cut into `energyBins` equal-width bins that keep its mean exact. Smart
/// chargers make the same choice as a drawn session (`SmartCharging.choice`), evaluated on each
/// piece of the hour over which that choice cannot change. What it leaves out: a charger's queue of
/// back-to-back sessions (a session that arrives while the charger is busy starts later in the drawn
/// model), which validation bounds by refusing chargers busy more than half the day, and the
/// spread of the fleet around its mean.
struct ExpectedSessions: Sendable {
    let charger: EVCharger
    /// The whole period.
    let clock: StepClock
    let days: [ChargerDay]
    /// Share of the day's sessions starting in each local hour, weekday and weekend; nil when the
    /// profile is zero everywhere (the drawn model then starts every session at 23:30).
    let hourShares: (weekday: [Double], weekend: [Double])?
    /// Probability and charging seconds of each energy bin.
    let bins: [(p: Double, duration: Double)]
    var nextDay = 0
    var prefix: SignalPrefix?

    /// Bins of the energy distribution when it has a spread (over ±4 sd).
    static let energyBins = 16

    init(charger: EVCharger, clock: StepClock, grid: Grid) {
        self.charger = charger
        self.clock = clock
        days = ChargerDay.days(of: clock, charging: charger.power > 0)
        if let signal = charger.smart?.signal(grid: grid) {
            prefix = SignalPrefix(signal: signal, clock: clock)
        }
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
        bins = ExpectedSessions.bins(mean: charger.sessionEnergy, sd: charger.sessionEnergySD, power: charger.power)
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
        let zeroAt = -μ / σ  // X > 0 above this z
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
    /// each counted by its weight) that the days not spread yet and beginning before `t` add to
    /// each step; `weight(step)` is the active chargers' weight at a step.
    mutating func spread(before t: Double, weight: (Int) -> Double, _ body: (Int, Double) -> Void) {
        let start = Double(clock.start), end = Double(clock.end), dt = Double(clock.step)
        while nextDay < days.count && days[nextDay].start < t {
            let day = days[nextDay]
            nextDay += 1
            prefix?.forget(below: day.step)
            let sessions = weight(day.step) * charger.sessionsPerDay
            guard sessions > 0 else { continue }
            guard let shares = hourShares.map({ day.weekend ? $0.weekend : $0.weekday }) else {
                for bin in bins { add(at: day.start + 23.5 * 3600, sessions * bin.p, bin.duration, start: start, end: end, dt: dt, body) }
                continue
            }
            for hour in 0..<24 where shares[hour] > 0 {
                let a = day.start + Double(hour) * 3600
                for bin in bins where bin.duration > 0 {
                    uniform(from: a, to: a + 3600, sessions * shares[hour] * bin.p, bin.duration, start: start, end: end, dt: dt, body)
                }
            }
        }
    }

    /// `mass` sessions of `duration` arriving uniformly over [a, b): the pieces of it over which a
    /// smart charger's choice is one and the same, each started as that choice says.
    private mutating func uniform(from a: Double, to b: Double, _ mass: Double, _ duration: Double, start: Double, end: Double, dt: Double,
                                  _ body: (Int, Double) -> Void) {
        guard let smart = charger.smart, prefix != nil else {
            StepClock.spreadUniformStarts(from: a, to: b, duration: duration, weight: mass / (b - a), start: start, dt: dt, count: clock.count, body)
            return
        }
        let last = Int(((b + smart.window + duration - start) / dt).rounded(.up)) + 1
        prefix!.extend(through: min(clock.count, max(0, last)))
        // Where the choice can change: arrivals at which the start step, the end step, the last
        // candidate or the period's end allowance changes.
        var cuts = [a, b, end - smart.window - duration]
        for shift in [0, duration, smart.window] {
            var boundary = start + ((a + shift - start) / dt).rounded(.up) * dt
            while boundary < b + shift {
                cuts.append(boundary - shift)
                boundary += dt
            }
        }
        cuts = cuts.filter { $0 >= a && $0 <= b }.sorted()
        for (u, v) in zip(cuts, cuts.dropFirst()) where v > u {
            let share = mass * (v - u) / (b - a)
            let choice = SmartCharging.choice(arrival: (u + v) / 2, duration: duration, window: smart.window, prefix: prefix!, start: start,
                                              end: end, dt: dt)
            if let starts = choice {
                for s in starts { add(at: s, share / Double(starts.count), duration, start: start, end: end, dt: dt, body) }
            } else {
                StepClock.spreadUniformStarts(from: u, to: v, duration: duration, weight: share / (v - u), start: start, dt: dt, count: clock.count, body)
            }
        }
    }

    /// `mass` sessions of `duration` starting at `s`, clipped to the period.
    private func add(at s: Double, _ mass: Double, _ duration: Double, start: Double, end: Double, dt: Double, _ body: (Int, Double) -> Void) {
        StepClock.forEachOverlap(from: max(s, start), to: min(s + duration, end), start: start, dt: dt, count: clock.count) { m, span in
            body(m, mass * span)
        }
    }
}
