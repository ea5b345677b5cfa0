/// Active nodes sorted by the phase of their periodic uplinks, with Fenwick trees of their count and
/// weighted energy, so that "how many active nodes have a phase below r, and what do they weigh"
/// costs O(log N) while nodes come and go.
///
/// A node with phase φ and interval I has sent `q + [φ < r]` uplinks by time `t = qI + r` (t ≥ 0),
/// so the uplinks of all active nodes in `[s, e)` follow from two such queries.
struct PhaseIndex: Sendable {
    private let sortedPhases: [Double]
    /// Position of each local node in `sortedPhases`.
    private let rank: [Int32]
    private let values: [Double]
    private var countTree: [Int32]
    private var valueTree: [Double]
    private(set) var activeNodes = 0
    private(set) var activeCount = 0
    private(set) var activeValue = 0.0

    /// `phases[j]` and `values[j]` of the shard's `j`-th node.
    init(phases: [Double], values: [Double]) {
        let order = phases.indices.sorted { phases[$0] < phases[$1] || (phases[$0] == phases[$1] && $0 < $1) }
        var rank = [Int32](repeating: 0, count: phases.count)
        for (position, j) in order.enumerated() { rank[j] = Int32(position) }
        self.sortedPhases = order.map { phases[$0] }
        self.rank = rank
        self.values = values
        countTree = Array(repeating: 0, count: phases.count + 1)
        valueTree = Array(repeating: 0, count: phases.count + 1)
    }

    /// Makes exactly the first `n` local nodes active.
    mutating func setActive(_ n: Int) {
        while activeNodes < n {
            update(activeNodes, sign: 1)
            activeNodes += 1
        }
        while activeNodes > n {
            activeNodes -= 1
            update(activeNodes, sign: -1)
        }
    }

    private mutating func update(_ j: Int, sign: Int32) {
        let v = values[j] * Double(sign)
        activeCount += Int(sign)
        activeValue += v
        var i = Int(rank[j]) + 1
        while i < countTree.count {
            countTree[i] += sign
            valueTree[i] += v
            i += i & -i
        }
    }

    /// Count and value of active nodes with phase < r.
    func below(_ r: Double) -> (count: Int, value: Double) {
        var i = lowerBound(sortedPhases, r)
        var c: Int32 = 0
        var v = 0.0
        while i > 0 {
            c += countTree[i]
            v += valueTree[i]
            i -= i & -i
        }
        return (Int(c), v)
    }
}
