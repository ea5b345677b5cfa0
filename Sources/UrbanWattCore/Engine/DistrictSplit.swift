/// Splits a fleet's whole counts (messages, bytes) over the districts it moves through, step by
/// step, by its shares there (`Presence`): each step's parts add up to its count, and what rounding
/// takes from a district at one step it gets back at the next, so each district's running total
/// stays within one of its exact share. A district where the fleet has no share gets nothing.
struct DistrictSplit: Sendable {
    /// Per district, its exact share so far less the whole parts it got.
    private var residual: [Double]

    init(districts: Int) { residual = Array(repeating: 0, count: districts) }

    /// The parts of `count` at step `k` of `shares` (`[district][step]`).
    mutating func split(_ count: Int, shares: [[Double]], step k: Int) -> [Int] {
        let n = residual.count
        var exact = [Double](repeating: 0, count: n)
        var parts = [Int](repeating: 0, count: n)
        var given = 0
        for d in 0..<n {
            guard shares[d][k] > 0 else {
                residual[d] = 0
                continue
            }
            exact[d] = Double(count) * shares[d][k] + residual[d]
            parts[d] = max(0, Int(exact[d].rounded(.down)))
            given += parts[d]
        }
        // Whole units left over go to the districts furthest below their exact share, one each in
        // turn; units over come from those furthest above it. The shares of a step add up to 1
        // (`Presence.series`), so the gap is a few units, as many as there are districts at most.
        let order = (0..<n).filter { shares[$0][k] > 0 }.sorted { exact[$0] - Double(parts[$0]) > exact[$1] - Double(parts[$1]) }
        var turn = 0
        while given < count, !order.isEmpty {
            parts[order[turn % order.count]] += 1
            given += 1
            turn += 1
        }
        turn = order.count - 1
        while given > count, turn >= 0 {
            let d = order[turn]
            let take = min(parts[d], given - count)
            parts[d] -= take
            given -= take
            turn -= 1
        }
        for d in 0..<n where shares[d][k] > 0 { residual[d] = exact[d] - Double(parts[d]) }
        return parts
    }
}
