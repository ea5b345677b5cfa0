/// A daily shape: 24 hourly values in [0, 1] in local time, with an optional weekend shape.
///
/// The value of a step is the mean of the hourly values over the step, so a two-hour step
/// averages two hours and a quarter-hour step takes the hour it falls in.
public struct Profile: Sendable, Equatable {
    public var weekday: [Double]
    public var weekend: [Double]?

    public init(weekday: [Double], weekend: [Double]? = nil) {
        precondition(weekday.count == 24 && (weekend?.count ?? 24) == 24)
        self.weekday = weekday
        self.weekend = weekend
    }

    /// A profile of `value` at every hour.
    public static func constant(_ value: Double) -> Profile { Profile(weekday: Array(repeating: value, count: 24)) }

    /// Mean value over `duration` seconds from `localSecond` (0..<86400) of a weekday or weekend day.
    public func mean(from localSecond: Int, duration: Int, weekend isWeekend: Bool) -> Double {
        let values = isWeekend ? (weekend ?? weekday) : weekday
        var t = localSecond
        var remaining = duration
        var sum = 0.0
        while remaining > 0 {
            let hour = (t / 3600) % 24
            let span = min(remaining, 3600 - t % 3600)
            sum += values[hour] * Double(span)
            t += span
            remaining -= span
        }
        return sum / Double(duration)
    }

    /// Mean over each step of `clock`.
    public func series(on clock: StepClock) -> [Double] {
        (0..<clock.count).map {
            mean(from: clock.localSecondOfDay($0), duration: Int(clock.step), weekend: clock.weekend($0))
        }
    }

    /// Mean over a whole week (5 weekdays, 2 weekend days).
    public var weeklyMean: Double {
        let wd = weekday.reduce(0, +) / 24
        let we = (weekend ?? weekday).reduce(0, +) / 24
        return (5 * wd + 2 * we) / 7
    }
}
