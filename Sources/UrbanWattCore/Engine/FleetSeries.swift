/// What one fleet did at each step of a chunk (or, recorded, of the whole period): energy, traffic
/// and nodes, and the cases the balance weighs it against. The results layer folds these into its
/// totals, peaks and rows as they come, and shards are merged by adding them.
public struct FleetSeries: Sendable, Equatable {
    /// The optional series a fleet has, from its scenario entry (`Fleet.seriesParts`).
    public struct Parts: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// The replaced equipment (`replaces:`).
        public static let baseline = Parts(rawValue: 1)
        /// The fleet with its ICT functions off (`Fleet.reference`).
        public static let reference = Parts(rawValue: 2)
        /// The ICT part of a kind that also serves a load (`NodeKind.ictPower`).
        public static let ict = Parts(rawValue: 4)
    }

    /// Energy per step, J.
    public var energy: [Double]
    /// The load the replaced equipment would have served per step, J (`NodeKind.served`); nil
    /// without `replaces:`.
    public var baseline: [Double]?
    /// The load the fleet with its ICT functions off would have served per step, J; nil when the
    /// fleet has no reference case (then it is the fleet's own served load).
    public var reference: [Double]?
    /// The ICT part of `energy` per step, J; nil when the kind is ICT as a whole.
    public var ict: [Double]?
    /// Messages sent (sensors) or carried (gateways, links, data centres) per step.
    public var messages: [Int]
    /// Bytes sent or carried per step.
    public var bytes: [Int]
    /// Nodes of the fleet at each step's start (in this shard).
    public var nodes: [Int32]

    public init(steps: Int, parts: Parts = []) {
        energy = Array(repeating: 0, count: steps)
        baseline = parts.contains(.baseline) ? energy : nil
        reference = parts.contains(.reference) ? energy : nil
        ict = parts.contains(.ict) ? energy : nil
        messages = Array(repeating: 0, count: steps)
        bytes = messages
        nodes = Array(repeating: 0, count: steps)
    }

    public var count: Int { energy.count }

    /// Which optional series this one holds.
    public var parts: Parts {
        var p: Parts = []
        if baseline != nil { p.insert(.baseline) }
        if reference != nil { p.insert(.reference) }
        if ict != nil { p.insert(.ict) }
        return p
    }

    /// The load served per step, J: the energy less its ICT part (all of it for a kind that is ICT
    /// as a whole, whose replacement by more efficient ICT is weighed on its whole energy).
    public var served: [Double] {
        guard let ict else { return energy }
        return zip(energy, ict).map { $0 - $1 }
    }

    /// Appends the steps of `next`.
    public mutating func append(_ next: FleetSeries) {
        energy += next.energy
        // `!` after the nil check in the same condition: the series grow in place.
        if baseline != nil, let b = next.baseline { baseline! += b }
        if reference != nil, let r = next.reference { reference! += r }
        if ict != nil, let c = next.ict { ict! += c }
        messages += next.messages
        bytes += next.bytes
        nodes += next.nodes
    }

    /// Adds `other`'s steps to these, step by step (another shard's nodes over the same steps).
    public mutating func add(_ other: FleetSeries) {
        func add(_ a: inout [Double]?, _ b: [Double]?) {
            guard a != nil, let b else { return }
            // `!` after the guard's nil check.
            for k in b.indices { a![k] += b[k] }
        }
        for k in other.energy.indices {
            energy[k] += other.energy[k]
            messages[k] += other.messages[k]
            bytes[k] += other.bytes[k]
            nodes[k] += other.nodes[k]
        }
        add(&baseline, other.baseline)
        add(&reference, other.reference)
        add(&ict, other.ict)
    }

    /// Steps `range` alone.
    public func slice(_ range: Range<Int>) -> FleetSeries {
        var s = FleetSeries(steps: 0)
        s.energy = Array(energy[range])
        s.baseline = baseline.map { Array($0[range]) }
        s.reference = reference.map { Array($0[range]) }
        s.ict = ict.map { Array($0[range]) }
        s.messages = Array(messages[range])
        s.bytes = Array(bytes[range])
        s.nodes = Array(nodes[range])
        return s
    }
}

/// The outcome of a simulation besides its series (which went to `Engine.run`'s `onChunk`): the
/// scenario, its clock, how far it got, and the battery lives of each fleet, in scenario order.
public struct SimulationResult: Sendable {
    public var scenario: Scenario
    public var clock: StepClock
    public var shard: Shard
    /// Battery life of every node that ever exists, per fleet; empty for fleets without batteries.
    public var batteryLives: [BatteryLives]
    /// Steps simulated; less than `clock.count` when the run was interrupted.
    public var completedSteps: Int
    /// Σ over steps of the nodes simulated.
    public var nodeSteps: Int

    public init(scenario: Scenario, clock: StepClock, shard: Shard, batteryLives: [BatteryLives], completedSteps: Int, nodeSteps: Int) {
        self.scenario = scenario
        self.clock = clock
        self.shard = shard
        self.batteryLives = batteryLives
        self.completedSteps = completedSteps
        self.nodeSteps = nodeSteps
    }

    public var complete: Bool { completedSteps == clock.count }
}

/// A simulation with every step of every fleet kept (`Engine.record`).
public struct Recording: Sendable {
    public var result: SimulationResult
    /// One series per fleet, in scenario order, over the steps simulated.
    public var fleets: [FleetSeries]

    public var completedSteps: Int { result.completedSteps }
    public var clock: StepClock { result.clock }
    public var scenario: Scenario { result.scenario }
}
