/// Active nodes sorted by the phase of their periodic uplinks, with Fenwick trees of their count and
/// weighted energy, so that "how many active nodes have a phase below r, and what do they weigh"
/// costs O(log N) while nodes come and go.
///
/// A node with phase φ and interval I has sent `q + [φ < r]` uplinks by time `t = qI + r` (t ≥ 0),
/// so the uplinks of all active nodes in `[s, e)` follow from two such queries.
package struct PhaseIndex: Sendable {
    private let sortedPhases: [Double]
    /// Position of each local node in `sortedPhases`.
    private let rank: [Int32]
    private let values: [Double]
    private var countTree: [Int32]
    /// Each cell's value and the rounding it lost (Neumaier), so sums stay exact to about one
    /// rounding however many nodes came and went.
    private var valueTree: [Double]
    private var valueLost: [Double]
    private var active = CompensatedSum()
    private(set) var activeNodes = 0
    private(set) var activeCount = 0
    var activeValue: Double { active.value }

    /// `phases[j]` and `values[j]` of the shard's `j`-th node.
    init(phases: [Double], values: [Double]) {
        let order = PhaseIndex.order(phases)
        var rank = [Int32](repeating: 0, count: phases.count)
        for (position, j) in order.enumerated() { rank[j] = Int32(position) }
        self.sortedPhases = order.map { phases[$0] }
        self.rank = rank
        self.values = values
        countTree = Array(repeating: 0, count: phases.count + 1)
        valueTree = Array(repeating: 0, count: phases.count + 1)
        valueLost = Array(repeating: 0, count: phases.count + 1)
    }

    /// The nodes by phase, then by index: a bucket per node over [0, the largest phase], filled in
    /// index order, then each bucket sorted by insertion (stable). Phases are drawn uniformly, so a
    /// bucket holds about one node and the whole costs O(N) instead of a comparison sort's
    /// O(N log N), which was half of setting up a national scenario.
    package static func order(_ phases: [Double]) -> [Int] {
        let n = phases.count
        guard n > 1, let top = phases.max(), top > 0 else { return Array(0..<n) }
        let scale = Double(n) / top
        func bucket(_ phase: Double) -> Int { max(0, min(n - 1, Int(phase * scale))) }
        var start = [Int](repeating: 0, count: n + 1)
        for phase in phases { start[bucket(phase) + 1] += 1 }
        for b in 0..<n { start[b + 1] += start[b] }
        var order = [Int](repeating: 0, count: n)
        var next = start
        for (j, phase) in phases.enumerated() {
            let b = bucket(phase)
            order[next[b]] = j
            next[b] += 1
        }
        for b in 0..<n where start[b + 1] - start[b] > 1 {
            for i in (start[b] + 1)..<start[b + 1] {
                let j = order[i]
                var k = i
                while k > start[b] && phases[order[k - 1]] > phases[j] {
                    order[k] = order[k - 1]
                    k -= 1
                }
                order[k] = j
            }
        }
        return order
    }

    /// Makes exactly the first `n` local nodes active.
    mutating func setActive(_ n: Int) {
        // Many nodes at once (the first step, a jump in the count): rebuild, in O(N).
        if n - activeNodes > max(1024, countTree.count / 16) { return rebuild(n) }
        while activeNodes < n {
            update(activeNodes, sign: 1)
            activeNodes += 1
        }
        while activeNodes > n {
            activeNodes -= 1
            update(activeNodes, sign: -1)
        }
    }

    /// The trees of exactly the first `n` nodes: each cell's leaf, then each cell added to its
    /// parent once, in index order (a cell is complete before it is passed on).
    private mutating func rebuild(_ n: Int) {
        for i in countTree.indices {
            countTree[i] = 0
            valueTree[i] = 0
            valueLost[i] = 0
        }
        active = CompensatedSum()
        for j in 0..<n {
            let r = Int(rank[j]) + 1
            countTree[r] = 1
            valueTree[r] = values[j]
            active.add(values[j])
        }
        for i in 1..<countTree.count {
            let parent = i + (i & -i)
            guard parent < countTree.count else { continue }
            countTree[parent] += countTree[i]
            // A parent has at most log₂ N children: plain sums stay within a few roundings.
            valueTree[parent] += valueTree[i]
            valueLost[parent] += valueLost[i]
        }
        activeNodes = n
        activeCount = n
    }

    private mutating func update(_ j: Int, sign: Int32) {
        let v = values[j] * Double(sign)
        activeCount += Int(sign)
        active.add(v)
        var i = Int(rank[j]) + 1
        while i < countTree.count {
            countTree[i] += sign
            let s = valueTree[i], t = s + v
            valueLost[i] += CompensatedSum.lost(s, v, t)
            valueTree[i] = t
            i += i & -i
        }
    }

    /// Count and value of active nodes with phase < r.
    func below(_ r: Double) -> (count: Int, value: Double) {
        var i = lowerBound(sortedPhases, r)
        var c: Int32 = 0
        // At most log₂ N cells: plain sums stay within a few roundings.
        var v = 0.0, lost = 0.0
        while i > 0 {
            c += countTree[i]
            v += valueTree[i]
            lost += valueLost[i]
            i -= i & -i
        }
        return (Int(c), v + lost)
    }
}
