import Foundation

/// A value over time: a constant, or a named profile scaled by a factor.
public enum Schedule: Sendable, Equatable {
    case constant(Double)
    case profile(name: String, Profile, scale: Double)

    /// The value's mean over each step of `clock`.
    public func series(on clock: StepClock) -> [Double] {
        switch self {
        case .constant(let v): Array(repeating: v, count: clock.count)
        case .profile(_, let p, let scale): p.series(on: clock).map { $0 * scale }
        }
    }
}

/// A yearly improvement: power scales by `(1 − perYear)^(year − from)` from the year `from` on.
public struct Efficiency: Sendable, Equatable {
    public var perYear: Double
    public var from: Int

    public init(perYear: Double, from: Int) {
        self.perYear = perYear
        self.from = from
    }

    /// The factor for a calendar year; 1 before `from`.
    public func factor(year: Int) -> Double {
        year <= from ? 1 : pow1p(-perYear, year - from)
    }
}

/// `(1 + x)^n` for a whole `n ≥ 0`.
func pow1p(_ x: Double, _ n: Int) -> Double { pow(1 + x, Double(max(0, n))) }
