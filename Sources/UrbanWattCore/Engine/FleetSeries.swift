/// What one fleet did at every step: energy, traffic and nodes. The results layer derives every
/// total, peak and breakdown from these series, and shards are merged by adding them.
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
    /// Battery life of every node that ever exists, in seconds; empty without a battery.
    public var batteryLives = BatteryLives()

    public init(steps: Int, baseline: Bool) {
        energy = Array(repeating: 0, count: steps)
        self.baseline = baseline ? Array(repeating: 0, count: steps) : nil
        messages = Array(repeating: 0, count: steps)
        bytes = Array(repeating: 0, count: steps)
        nodes = Array(repeating: 0, count: steps)
    }

}

/// The outcome of a simulation: the scenario, its clock and one series per fleet, in scenario order.
public struct SimulationResult: Sendable {
    public var scenario: Scenario
    public var clock: StepClock
    public var shard: Shard
    public var fleets: [FleetSeries]
    /// Steps simulated; less than `clock.count` when the run was interrupted.
    public var completedSteps: Int
    /// Σ over steps of the nodes simulated.
    public var nodeSteps: Int

    public init(scenario: Scenario, clock: StepClock, shard: Shard, fleets: [FleetSeries], completedSteps: Int, nodeSteps: Int) {
        self.scenario = scenario
        self.clock = clock
        self.shard = shard
        self.fleets = fleets
        self.completedSteps = completedSteps
        self.nodeSteps = nodeSteps
    }

    public var complete: Bool { completedSteps == clock.count }
}
