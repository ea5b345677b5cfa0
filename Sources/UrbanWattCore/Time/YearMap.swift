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

    public var maximum: Double { points.map(\.value).max()! }

    /// The value at `unixSeconds`, with year starts taken in `zone`.
    public func value(at unixSeconds: Int64, zone: Zone) -> Double {
        if points.count == 1 { return points[0].value }
        let first = points[0], last = points[points.count - 1]
        if unixSeconds <= zone.startOfDay(CivilDate(year: first.year, month: 1, day: 1)) { return first.value }
        if unixSeconds >= zone.startOfDay(CivilDate(year: last.year, month: 1, day: 1)) { return last.value }
        for k in 1..<points.count {
            let b = points[k]
            let tb = zone.startOfDay(CivilDate(year: b.year, month: 1, day: 1))
            if unixSeconds < tb {
                let a = points[k - 1]
                let ta = zone.startOfDay(CivilDate(year: a.year, month: 1, day: 1))
                let f = Double(unixSeconds - ta) / Double(tb - ta)
                return a.value + (b.value - a.value) * f
            }
        }
        return last.value
    }

    /// The value at the start of each step of `clock`.
    public func series(on clock: StepClock) -> [Double] {
        if isConstant { return Array(repeating: points[0].value, count: clock.count) }
        return (0..<clock.count).map { value(at: clock.time($0), zone: clock.zone) }
    }

    public static func == (a: YearMap, b: YearMap) -> Bool {
        a.points.count == b.points.count && zip(a.points, b.points).allSatisfy { $0.year == $1.year && $0.value == $1.value }
    }
}
