import UrbanWattCore

/// One fleet's telemetry state: per node the step up to which its energy has been reported, the
/// energy carried over while it was inactive, its sequence number and the time of its last message.
///
/// What a node's energy is between two messages, and when it reports of its own accord, its kind's
/// `TelemetrySource` says; a fleet that moves also places each node in a district at each step.
final class NodeTelemetry {
    let index: Int
    let nodes: FleetNodes
    /// The fleet's name and kind, kept as Strings once (the message hot path only retains them).
    let name: String
    let kindName: String
    let layerName: String
    /// The districts the fleet is in, with the topic's parts in each (one district for a fleet that stays).
    let districts: [String]
    let topicParts: [[String]]
    /// For a fleet that moves, its share in each district at each step of the period, and each
    /// node's fixed draw that places it among them; empty otherwise.
    let shares: [[Double]]
    let draws: [Double]
    let source: any TelemetrySource
    let sampled: [Bool]?
    var activeLocal = 0
    var lastStep: [Int32]
    var carry: [Double]
    var seq: [Int32]
    /// Each node's energy reported so far, J (the counter its messages carry).
    var total: [Double]
    var lastTime: [Double]

    init(index: Int, nodes: FleetNodes, clock: StepClock, topicParts: (String) -> [String], sample: Double, seed: UInt64) {
        self.index = index
        self.nodes = nodes
        name = nodes.fleet.name
        kindName = nodes.fleet.kind.rawValue
        layerName = nodes.fleet.layer.rawValue
        districts = nodes.fleet.districts
        self.topicParts = districts.map(topicParts)
        let n = nodes.localNodes
        // Placed by the share of the fleet's energy in each district, which its messages carry: as
        // its nodes are, unless its kind places its use apart (a vehicle's depot).
        if let split = nodes.fleet.districtShares(on: clock) {
            shares = split.energy
            draws = (0..<n).map(nodes.districtDraw)
        } else {
            shares = []
            draws = []
        }
        source = nodes.fleet.model.telemetrySource(nodes)
        sampled =
            sample >= 1
            ? nil
            : (0..<n).map {
                NodeRandom(seed: seed, fleet: nodes.fleet.name, node: nodes.globalIndex($0), purpose: .sample).unit() < sample
            }
        lastStep = Array(repeating: -1, count: n)
        carry = Array(repeating: 0, count: n)
        seq = Array(repeating: 0, count: n)
        total = Array(repeating: 0, count: n)
        lastTime = Array(repeating: 0, count: n)
    }

    func isSampled(_ j: Int) -> Bool { sampled?[j] ?? true }

    /// The district (an index of `districts`) node j is in at step m.
    func district(_ j: Int, step m: Int) -> Int {
        guard let first = shares.first, !first.isEmpty else { return 0 }
        return Presence.district(of: draws[j], shares, step: min(max(0, m), first.count - 1))
    }

    /// Node j's energy over steps [a, b), beside what its own reports add.
    func energy(_ j: Int, from a: Int, to b: Int) -> Double { source.energy(node: j, from: a, to: b) }
}
