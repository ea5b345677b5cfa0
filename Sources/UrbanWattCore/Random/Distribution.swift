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

    /// The value below which a share `p` (in (0, 1)) of draws falls: for one-at-a-time swings to
    /// the 5th and 95th percentiles (`urbanwatt sensitivity`).
    public func quantile(_ p: Double) -> Double {
        switch self {
        case .uniform(let a, let b): a + (b - a) * p
        case .normal(let mean, let sd): mean + sd * Distribution.standardNormalQuantile(p)
        // The inverse distribution function, which is also how `sample` draws.
        case .triangular: sample(p, 0)
        }
    }

    /// Φ⁻¹(p) by bisection on Φ(x) = (1 + erf(x / √2)) / 2, to within 1e-12: a few microseconds, and
    /// as exact as `erf`.
    static func standardNormalQuantile(_ p: Double) -> Double {
        var lo = -40.0, hi = 40.0
        while hi - lo > 1e-12 {
            let mid = (lo + hi) / 2
            if (1 + erf(mid / 2.0.squareRoot())) / 2 < p { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
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
            return u1 < f
                ? lo + ((hi - lo) * (mode - lo) * u1).squareRoot()
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
    /// Every parameter central except the one at `path`, at its `quantile` (a one-at-a-time swing).
    case swing(path: String, quantile: Double)

    /// How often a draw outside the valid range is redrawn before the sampler gives up (only a
    /// distribution with nearly all its mass outside the range gets that far).
    public static let maximumRedraws = 1000

    /// The value of `d` for the parameter at `path`, within `range`: a draw outside it is redrawn
    /// (a truncated distribution, not a pile-up at the bound); `redraws` says how many were rejected.
    /// Nil when no draw in `maximumRedraws + 1` fell within the range: the distribution lies outside
    /// it, and running the central value instead would be a silent fallback.
    public func value(of d: Distribution, at path: String, within range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
        -> (value: Double, redraws: Int)?
    {
        switch self {
        case .central:
            return (min(max(d.central, range.lowerBound), range.upperBound), 0)
        case .swing(let swung, let q):
            return (min(max(path == swung ? d.quantile(q) : d.central, range.lowerBound), range.upperBound), 0)
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
