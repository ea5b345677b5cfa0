import Foundation

/// An uncertain parameter: `{uniform: [a, b]}`, `{normal: [mean, sd]}` or
/// `{triangular: [min, mode, max]}`.
public enum Distribution: Sendable, Equatable {
    case uniform(Double, Double)
    case normal(mean: Double, sd: Double)
    case triangular(min: Double, mode: Double, max: Double)

    /// The value used without `--runs`: the mean, or the mode for a triangular distribution.
    public var central: Double {
        switch self {
        case .uniform(let a, let b): (a + b) / 2
        case .normal(let mean, _): mean
        case .triangular(_, let mode, _): mode
        }
    }

    /// A draw from two independent uniform numbers in [0, 1).
    public func sample(_ u1: Double, _ u2: Double) -> Double {
        switch self {
        case .uniform(let a, let b):
            return a + (b - a) * u1
        case .normal(let mean, let sd):
            return mean + sd * (-2 * log(max(u1, 0x1.0p-53))).squareRoot() * cos(2 * Double.pi * u2)
        case .triangular(let lo, let mode, let hi):
            guard hi > lo else { return lo }
            let f = (mode - lo) / (hi - lo)
            return u1 < f ? lo + ((hi - lo) * (mode - lo) * u1).squareRoot()
                : hi - ((hi - lo) * (hi - mode) * (1 - u1)).squareRoot()
        }
    }
}

/// How uncertain parameters become numbers when a scenario is read: their central value, or one
/// draw per Monte Carlo run, keyed by (seed, run, parameter path) so that runs are reproducible and
/// independent of each other.
public enum ParameterSampler: Sendable, Equatable {
    case central
    /// Run `run`'s draws; a later `attempt` draws the whole run again, when the first draws broke a
    /// check that spans parameters (a server's `max` below its `idle`).
    case draw(seed: UInt64, run: Int, attempt: Int = 0)

    /// How often a draw outside the valid range is redrawn before the sampler gives up (only a
    /// distribution with nearly all its mass outside the range gets that far).
    public static let maximumRedraws = 1000

    /// The value of `d` for the parameter at `path`, within `range`: a draw outside it is redrawn
    /// (a truncated distribution, not a pile-up at the bound); `redraws` says how many were rejected.
    /// Nil when no draw in `maximumRedraws + 1` fell within the range: the distribution lies outside
    /// it, and running the central value instead would be a silent fallback.
    public func value(of d: Distribution, at path: String, within range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude) -> (value: Double, redraws: Int)? {
        switch self {
        case .central:
            return (min(max(d.central, range.lowerBound), range.upperBound), 0)
        case .draw(let seed, let run, let again):
            // The first attempt keeps the streams runs have always had.
            let key = again == 0 ? path : "\(path)#\(again)"
            for attempt in 0...ParameterSampler.maximumRedraws {
                let r = NodeRandom(seed: seed, fleet: key, node: run, purpose: .parameter)
                let v = d.sample(r.unit(UInt64(2 * attempt)), r.unit(UInt64(2 * attempt + 1)))
                if range.contains(v) { return (v, attempt) }
            }
            return nil
        }
    }
}

/// Percentiles by linear interpolation between order statistics (the "linear" method of NumPy).
public func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let position = p / 100 * Double(sorted.count - 1)
    let lo = Int(position.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - Double(lo))
}
