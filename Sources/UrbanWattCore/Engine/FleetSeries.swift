/// What one fleet did at each step of a chunk (or, recorded, of the whole period): energy, traffic
/// and nodes. The results layer folds these into its totals, peaks and rows as they come, and shards
/// are merged by adding them.
public struct FleetSeries: Sendable, Equatable {
    /// Energy per step, J.
    public var energy: [Double]
    /// Energy per step of the equipment the fleet replaces, J; nil without `replaces:`.
    public var baseline: [Double]?
    /// Messages sent (sensors) or carried (gateways, links, data centres) per step.
    public var messages: [Int]
    /// Bytes sent or carried per step.
    public var bytes: [Int]
    /// Nodes of the fleet at each step's start (in this shard).
    public var nodes: [Int32]

    public init(steps: Int, baseline: Bool) {
        energy = Array(repeating: 0, count: steps)
        self.baseline = baseline ? Array(repeating: 0, count: steps) : nil
        messages = Array(repeating: 0, count: steps)
        bytes = Array(repeating: 0, count: steps)
        nodes = Array(repeating: 0, count: steps)
    }

    public var count: Int { energy.count }

    /// Appends the steps of `next`.
    public mutating func append(_ next: FleetSeries) {
        energy += next.energy
        if baseline != nil, let b = next.baseline { baseline! += b }
        messages += next.messages
        bytes += next.bytes
        nodes += next.nodes
    }

    /// Steps `range` alone.
    public func slice(_ range: Range<Int>) -> FleetSeries {
        var s = FleetSeries(steps: 0, baseline: false)
        s.energy = Array(energy[range])
        s.baseline = baseline.map { Array($0[range]) }
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
