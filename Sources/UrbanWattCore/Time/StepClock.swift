/// The simulation's time grid: fixed steps of absolute time from the local start of the period,
/// with the calendar facts of each step computed once (local year, weekday, second of day).
///
/// Steps are uniform in UTC, so a day with a daylight-saving change has 92 or 100 quarter hours;
/// local-time facts (profiles, dimming windows, years) follow the zone.
public struct StepClock: Sendable {
    public let start: Int64
    public let step: Int64
    public let count: Int
    public let zone: Zone
    /// Local calendar year of each step's start.
    public let year: [Int32]
    /// Local second of the day at each step's start, 0..<86400.
    public let localSecondOfDay: [Int32]
    /// Local day of each step's start, in days since 1970-01-01.
    public let localDay: [Int32]
    /// Whether each step starts on a Saturday or Sunday, local time.
    public let weekend: [Bool]

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
        var year = [Int32](repeating: 0, count: count)
        var second = [Int32](repeating: 0, count: count)
        var day = [Int32](repeating: 0, count: count)
        var weekend = [Bool](repeating: false, count: count)
        var cachedOffset: Int64 = zone.offset(at: start)
        var cachedUntil: Int64 = start  // offsets are re-read every quarter hour of simulated time
        var lastDay = Int.min
        var lastDate = CivilDate(year: 1970, month: 1, day: 1)
        for i in 0..<count {
            let t = start + Int64(i) * step
            if t >= cachedUntil {
                cachedOffset = zone.offset(at: t)
                cachedUntil = t + 900 - floorMod(t, 900)
            }
            let local = t + cachedOffset
            let d = Int(floorDiv(local, 86_400))
            if d != lastDay {
                lastDay = d
                lastDate = CivilDate(daysSinceEpoch: d)
            }
            year[i] = Int32(lastDate.year)
            second[i] = Int32(local - Int64(d) * 86_400)
            day[i] = Int32(d)
            weekend[i] = lastDate.isoWeekday >= 6
        }
        self.year = year
        self.localSecondOfDay = second
        self.localDay = day
        self.weekend = weekend
    }

    /// Unix time at the start of step `i`.
    @inline(__always) public func time(_ i: Int) -> Int64 { start + Int64(i) * step }

    public var end: Int64 { time(count) }

    /// `value(year)` at every step, computed once per calendar year.
    public func perYear(_ value: (Int) -> Double) -> [Double] {
        var cache: [Int32: Double] = [:]
        return year.map { y in
            if let v = cache[y] { return v }
            let v = value(Int(y))
            cache[y] = v
            return v
        }
    }

    /// The calendar years the period touches, in order.
    public var years: [Int] {
        var result: [Int] = []
        for y in year where result.last != Int(y) { result.append(Int(y)) }
        return result
    }
}

func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }
