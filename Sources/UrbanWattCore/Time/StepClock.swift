/// The simulation's time grid: fixed steps of absolute time from the local start of the period.
/// Calendar facts of a step (local year, day, second of day, weekend) are computed when asked, from
/// the zone's offsets over the period, so a clock costs the same for a day and for a decade of
/// one-second steps; `window` gives the clock of a range of steps, as the engine steps in chunks.
///
/// Steps are uniform in UTC, so a day with a daylight-saving change has 92 or 100 quarter hours;
/// local-time facts (profiles, dimming windows, years) follow the zone.
public struct StepClock: Sendable {
    public let start: Int64
    public let step: Int64
    public let count: Int
    public let zone: Zone
    /// The zone's UTC offsets over the period: `offsets[k].offset` applies from `offsets[k].from`
    /// until the next entry (asked at each transition the zone announces, from the first quarter
    /// hour at or after it: offsets change on one).
    private let offsets: [(from: Int64, offset: Int64)]

    /// Steps in an hour when a step of `step` seconds divides the hour, else 1: the default rows of
    /// the time series.
    public static func stepsPerHour(_ step: Int64) -> Int { 3600 % step == 0 ? Int(3600 / step) : 1 }

    /// Whether `seconds` can be a step: a whole number of seconds that divides a day, so that days
    /// (and local-time windows) start on step boundaries.
    public static func isValidStep(_ seconds: Double) -> Bool {
        seconds >= 1 && seconds <= 86_400 && seconds.rounded() == seconds && 86_400.truncatingRemainder(dividingBy: seconds) == 0
    }

    /// Calls `body(step, seconds)` for every step that [a, b) overlaps, with the seconds of the
    /// overlap, for a grid starting at `start` with steps of `dt` and `count` steps: the one place
    /// that spreads an interval (a charging session) over steps.
    @inline(__always)
    public static func forEachOverlap(from a: Double, to b: Double, start: Double, dt: Double, count: Int, _ body: (Int, Double) -> Void) {
        guard b > a else { return }
        var m = Int(((a - start) / dt).rounded(.down))
        var t = a
        while t < b && m < count {
            let stepEnd = start + Double(m + 1) * dt
            let span = min(b, stepEnd) - t
            if span > 0 && m >= 0 { body(m, span) }
            t = stepEnd
            m += 1
        }
    }

    /// Seconds from the local start of `from` to the local start of `to`: a period's length,
    /// daylight-saving days included, without building a clock.
    public static func span(from: CivilDate, to: CivilDate, zone: Zone) -> Int64 {
        max(0, zone.startOfDay(to) - zone.startOfDay(from))
    }

    /// The steps from the local start of `from` to the local start of `to` (exclusive).
    public init(from: CivilDate, to: CivilDate, step: Int64, zone: Zone) {
        self.init(start: zone.startOfDay(from), step: step, count: Int(StepClock.span(from: from, to: to, zone: zone) / step), zone: zone)
    }

    public init(start: Int64, step: Int64, count: Int, zone: Zone) {
        self.start = start
        self.step = step
        self.count = count
        self.zone = zone
        self.offsets = StepClock.offsets(zone, from: start, to: start + Int64(count) * step)
    }

    /// The zone's offsets over [from, to), each from the first quarter hour (of Unix time) at or
    /// after its transition: asked at each transition the zone announces, not at every quarter hour.
    static func offsets(_ zone: Zone, from: Int64, to end: Int64) -> [(from: Int64, offset: Int64)] {
        var offsets = [(from: from, offset: zone.offset(at: from))]
        var t = from
        while let next = zone.nextTransition(after: t), next < end {
            t = next
            let quarter = next + floorMod(-next, 900)
            let o = zone.offset(at: quarter)
            if quarter < end && o != offsets[offsets.count - 1].offset { offsets.append((quarter, o)) }
        }
        return offsets
    }

    private init(start: Int64, step: Int64, count: Int, zone: Zone, offsets: [(from: Int64, offset: Int64)]) {
        self.start = start
        self.step = step
        self.count = count
        self.zone = zone
        self.offsets = offsets
    }

    /// The clock of `steps` alone: its step 0 is this clock's step `steps.lowerBound`.
    public func window(_ steps: Range<Int>) -> StepClock {
        StepClock(start: time(steps.lowerBound), step: step, count: steps.count, zone: zone, offsets: offsets)
    }

    /// Local time (Unix seconds plus the zone's offset) at the start of step `i`.
    @inline(__always) public func local(_ i: Int) -> Int64 {
        let t = time(i)
        // The last offset that applies at t (binary search; a year has a handful).
        var lo = 0, hi = offsets.count
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if offsets[mid].from <= t { lo = mid } else { hi = mid }
        }
        return t + offsets[lo].offset
    }

    /// Local day of step `i`'s start, in days since 1970-01-01.
    @inline(__always) public func localDay(_ i: Int) -> Int { Int(floorDiv(local(i), 86_400)) }

    /// Local second of the day at step `i`'s start, 0..<86400.
    @inline(__always) public func localSecondOfDay(_ i: Int) -> Int { Int(floorMod(local(i), 86_400)) }

    /// When step `i` starts on the local clock, as people write it: "2025-01-01", or with
    /// `minutes` "2025-01-01 08:15" (the progress line, the report).
    package func localText(_ i: Int, minutes: Bool) -> String {
        let date = "\(CivilDate(daysSinceEpoch: localDay(i)))"
        guard minutes else { return date }
        let second = localSecondOfDay(i)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(date) \(two(second / 3600)):\(two(second / 60 % 60))"
    }

    /// Whether step `i` starts on a Saturday or Sunday, local time (1970-01-01 was a Thursday).
    @inline(__always) public func weekend(_ i: Int) -> Bool { StepClock.isWeekend(localDay: localDay(i)) }

    /// Whether a day (days since 1970-01-01, a Thursday) is a Saturday or a Sunday.
    @inline(__always) public static func isWeekend(localDay day: Int) -> Bool { floorMod(Int64(day) + 3, 7) >= 5 }

    /// Local calendar year of step `i`'s start.
    public func year(_ i: Int) -> Int { CivilDate(daysSinceEpoch: localDay(i)).year }

    /// Unix time at the start of step `i`.
    @inline(__always) public func time(_ i: Int) -> Int64 { start + Int64(i) * step }

    public var end: Int64 { time(count) }

    /// `value(year)` at every step, computed once per calendar year.
    public func perYear(_ value: (Int) -> Double) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        for (year, steps) in yearSpans { out.replaceSubrange(steps, with: repeatElement(value(year), count: steps.count)) }
        return out
    }

    /// The step ranges of each calendar year the period touches, in order.
    public var yearSpans: [(year: Int, steps: Range<Int>)] {
        guard count > 0 else { return [] }
        var out: [(Int, Range<Int>)] = []
        var m = 0
        while m < count {
            let y = year(m)
            // The first step of the next year: its 1 January, local midnight, on or after the step grid.
            let next = zone.startOfDay(CivilDate(year: y + 1, month: 1, day: 1))
            let end = min(count, max(m + 1, Int((next - start + step - 1) / step)))
            out.append((y, m..<end))
            m = end
        }
        return out
    }

    /// The calendar years the period touches, in order.
    public var years: [Int] { yearSpans.map(\.year) }
}

func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }
