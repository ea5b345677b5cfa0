/// Where the nodes of a fleet that moves are (`presence:`): the share of them in each district at
/// each local hour, on weekdays and at weekends, and the fleet that receives their traffic in each
/// district (`via: {centre: bs-centre}`).
///
/// The engine splits the fleet's energy and traffic over the districts by these shares at each step
/// (`by_district`, and the load of each district's receiver); telemetry places each node in one
/// district by a fixed draw, so that the nodes in a district at a step are its share of them.
public struct Presence: Sendable, Equatable {
    /// The districts the fleet is ever in, in the order written.
    public var districts: [String]
    /// The share of the fleet in each district at each hour, in the order of `districts`; at every
    /// hour of a weekday, and of a weekend day, the shares add up to 1.
    public var shares: [Profile]
    /// The fleet that receives the traffic sent from each district, in the order of `districts`;
    /// nil when all of it goes to the fleet's `via`.
    public var via: [String]?

    /// How far the shares of an hour may add up from 1, for values written with a few decimals.
    public static let tolerance = 1e-6

    public init(districts: [String], shares: [Profile], via: [String]? = nil) {
        precondition(districts.count == shares.count && (via?.count ?? districts.count) == districts.count)
        self.districts = districts
        self.shares = shares
        self.via = via
    }

    /// The hours (`weekend`, hour, sum) whose shares do not add up to 1.
    public var unbalancedHours: [(weekend: Bool, hour: Int, sum: Double)] {
        [false, true].flatMap { weekend in
            (0..<24).compactMap { h in
                let sum = shares.reduce(0.0) { $0 + (weekend ? ($1.weekend ?? $1.weekday) : $1.weekday)[h] }
                return abs(sum - 1) > Presence.tolerance ? (weekend, h, sum) : nil
            }
        }
    }

    /// The share in each district over each step of `clock` (`[district][step]`), the mean of the
    /// hours a step spans, scaled so that each step's shares add up to exactly 1 (the hours may
    /// miss by `tolerance`, which whole messages would otherwise pile up).
    public func series(on clock: StepClock) -> [[Double]] {
        var out = shares.map { $0.series(on: clock) }
        for k in 0..<clock.count {
            let sum = out.reduce(0.0) { $0 + $1[k] }
            if sum > 0 && sum != 1 { for d in out.indices { out[d][k] /= sum } }
        }
        return out
    }

    /// Each district's share over the whole of `clock`, the mean of its steps.
    public func meanShares(on clock: StepClock) -> [Double] {
        series(on: clock).map { clock.count > 0 ? $0.reduce(0, +) / Double(clock.count) : 0 }
    }

    /// The district (an index of `districts`) of a node whose fixed draw is `u` in [0, 1), at a step
    /// whose shares are `shares[d][k]`: the districts cut [0, 1) in their order.
    @inline(__always) public static func district(of u: Double, _ shares: [[Double]], step k: Int) -> Int {
        var cumulative = 0.0
        for d in shares.indices {
            cumulative += shares[d][k]
            if u < cumulative { return d }
        }
        // Rounding can leave the top of [0, 1) to no district: it is the last one with a share.
        return shares.indices.last { shares[$0][k] > 0 } ?? 0
    }
}
