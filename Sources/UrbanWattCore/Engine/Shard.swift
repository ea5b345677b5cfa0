/// One of `count` disjoint parts of every fleet's nodes: node `i` belongs to shard `i mod count`.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 0-based index.
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        precondition(count >= 1 && (0..<count).contains(index))
        self.index = index
        self.count = count
    }

    public static let whole = Shard(index: 0, count: 1)

    /// Parses "K/N" with K in 1...N.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(k) else { return nil }
        self.init(index: k - 1, count: n)
    }

    public var description: String { "\(index + 1)/\(count)" }

    /// How many of the nodes `0..<n` belong to this shard.
    @inline(__always) public func nodes(below n: Int) -> Int { n <= index ? 0 : (n - index - 1) / count + 1 }

    /// The global index of this shard's `j`-th node.
    @inline(__always) public func global(_ j: Int) -> Int { index + j * count }
}

extension Shard {
    /// Why `scenario` cannot be split into shards, or nil when it can: a fleet whose nodes' power
    /// depends on what all of another fleet's nodes do (a server whose utilisation follows the
    /// traffic it receives) gives different figures per shard than whole.
    public static func problem(_ scenario: Scenario) -> String? {
        if let f = scenario.fleets.first(where: { $0.presence?.via != nil }) {
            return
                "`\(f.name)` splits its traffic over the districts it moves through in whole messages, which shards would round apart; run \(scenario.name) whole"
        }
        guard let f = scenario.fleets.first(where: { !$0.model.isShardable }) else { return nil }
        return
            "`\(f.name)` (\(f.kind)) couples its nodes to the whole traffic it receives, so shards would not add up to the whole run; run \(scenario.name) whole"
    }
}
