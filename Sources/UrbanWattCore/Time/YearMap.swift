/// A value that changes over the years: constant, or given at 1 January of listed years,
/// linear in time between them and constant before the first and after the last.
///
/// `{2025: 500, 2030: 4000}` is 500 until 1 January 2025, 4000 from 1 January 2030, and
/// 500 + 3500 × 365/1826 ≈ 1199.6 on 1 January 2026 (linear in time; 2028 is a leap year).
public struct YearMap: Sendable, Equatable {
    public var points: [(year: Int, value: Double)]

    public init(_ value: Double) { points = [(0, value)] }

    public init(points: [(year: Int, value: Double)]) {
        precondition(!points.isEmpty)
        self.points = points.sorted { $0.year < $1.year }
    }

    public var isConstant: Bool { points.count == 1 }

    // Never empty: both initialisers give at least one point.
    public var maximum: Double { points.map(\.value).max()! }

    /// The value at `unixSeconds`, with year starts taken in `zone`.
    public func value(at unixSeconds: Int64, zone: Zone) -> Double {
        value(at: unixSeconds, starts: yearStarts(in: zone))
    }

    /// The value at the start of each step of `clock`.
    public func series(on clock: StepClock) -> [Double] {
        if isConstant { return Array(repeating: points[0].value, count: clock.count) }
        let starts = yearStarts(in: clock.zone)
        return (0..<clock.count).map { value(at: clock.time($0), starts: starts) }
    }

    /// The instant each listed year begins in `zone`.
    func yearStarts(in zone: Zone) -> [Int64] {
        points.map { zone.startOfDay(CivilDate(year: $0.year, month: 1, day: 1)) }
    }

    /// Linear between the points, constant outside them; `starts[k]` is when point k's year begins.
    func value(at t: Int64, starts: [Int64]) -> Double {
        if points.count == 1 || t <= starts[0] { return points[0].value }
        for k in 1..<points.count where t < starts[k] {
            let f = Double(t - starts[k - 1]) / Double(starts[k] - starts[k - 1])
            return points[k - 1].value + (points[k].value - points[k - 1].value) * f
        }
        return points[points.count - 1].value
    }

    public static func == (a: YearMap, b: YearMap) -> Bool {
        a.points.count == b.points.count && zip(a.points, b.points).allSatisfy { $0.year == $1.year && $0.value == $1.value }
    }
}
