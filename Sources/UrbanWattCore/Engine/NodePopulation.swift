/// The nodes of one fleet in one shard: how many exist at each step, and the prefix sums of their
/// per-node weights, so that any "first n nodes" total costs O(1).
///
/// Node `i` exists at step m when `i < floor(count(t_m))`; nodes are added and removed at the top
/// of the index range, so the active nodes of a shard are always a prefix of its own nodes.
struct NodePopulation: Sendable {
    let shard: Shard
    let clock: StepClock
    /// The fleet's count over time, and when each of its years begins; nil for a constant count.
    let count: (map: YearMap, starts: [Int64])?
    /// floor(count) of a constant count, for all shards.
    let constant: Int
    /// Nodes of this shard that ever exist.
    let localNodes: Int
    /// Prefix sums of the jitter factors of this shard's nodes; nil when every factor is 1.
    let weightPrefix: [Double]?

    init(fleet: Fleet, clock: StepClock, shard: Shard, seed: UInt64) {
        self.shard = shard
        self.clock = clock
        let single = type(of: fleet.model).isSingleNode
        constant = single ? 1 : NodePopulation.floor(fleet.count.points[0].value)
        count = single || fleet.count.isConstant ? nil : (fleet.count, fleet.count.yearStarts(in: clock.zone))
        // The count is linear between its points, so its maximum is at one of them.
        let maxGlobal = single ? 1 : max(NodePopulation.floor(fleet.count.maximum), fleet.maximumNodes)
        localNodes = shard.nodes(below: maxGlobal)
        if fleet.jitter > 0 {
            let key = NodeRandom.fleetKey(seed: seed, fleet: fleet.name)
            weightPrefix = CompensatedSum.prefixSums(count: localNodes) { j in
                NodePopulation.jitterFactor(fleetKey: key, node: shard.global(j), jitter: fleet.jitter)
            }
        } else {
            weightPrefix = nil
        }
    }

    /// A node's fixed power factor, uniform in [1 − jitter, 1 + jitter] from its own stream.
    /// `fleetKey` is `NodeRandom.fleetKey`, hashed once for the fleet's many nodes.
    static func jitterFactor(fleetKey: UInt64, node: Int, jitter: Double) -> Double {
        1 + jitter * (2 * NodeRandom(fleetKey: fleetKey, node: node, purpose: .jitter).unit() - 1)
    }

    /// floor with a tolerance for interpolation round-off (999.9999999999 counts as 1000).
    static func floor(_ x: Double) -> Int { max(0, Int((x + 1e-9).rounded(.down))) }

    /// floor(count) at step m's start, for all shards.
    @inline(__always) func globalCount(_ m: Int) -> Int {
        guard let count else { return constant }
        return NodePopulation.floor(count.map.value(at: clock.time(m), starts: count.starts))
    }

    /// This shard's active nodes at step m.
    @inline(__always) func active(_ m: Int) -> Int { shard.nodes(below: globalCount(m)) }

    /// Sum of the weights of this shard's first `local` nodes.
    @inline(__always) func weight(_ local: Int) -> Double { weightPrefix?[local] ?? Double(local) }

    /// The weight of this shard's `j`-th node.
    @inline(__always) func weight(of j: Int) -> Double {
        guard let p = weightPrefix else { return 1 }
        return p[j + 1] - p[j]
    }
}

extension Fleet {
    /// The fleet's nodes at step m's start, all shards together, without drawing anything: what a
    /// shard's series must show (`merge` checks a shard's K/N against it).
    public func globalNodes(atStep m: Int, on clock: StepClock) -> Int {
        if type(of: model).isSingleNode { return 1 }
        if count.isConstant { return NodePopulation.floor(count.points[0].value) }
        return NodePopulation.floor(count.value(at: clock.time(m), starts: count.yearStarts(in: clock.zone)))
    }
}
