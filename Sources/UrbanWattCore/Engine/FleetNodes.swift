/// The per-node facts of one fleet in one shard — jitter factor, and the draws its kind's telemetry
/// source takes (uplink phase and energy, charging sessions) — for consumers that follow
/// individual nodes (telemetry). They are the same draws the
/// cohort engine sums, so per-node figures add up to the fleet's series.
public struct FleetNodes: Sendable {
    public let fleet: Fleet
    let population: NodePopulation
    public let clock: StepClock
    let seed: UInt64
    /// The fleet's random key (`NodeRandom.fleetKey`), hashed once for its many nodes.
    let fleetKey: UInt64
    let grid: Grid

    init(fleet: Fleet, population: NodePopulation, clock: StepClock, seed: UInt64, grid: Grid) {
        self.fleet = fleet
        self.population = population
        self.clock = clock
        self.seed = seed
        fleetKey = NodeRandom.fleetKey(seed: seed, fleet: fleet.name)
        self.grid = grid
    }

    /// The efficiency factor at each of the period's `steps` (of its calendar year).
    public func efficiency(_ steps: Range<Int>) -> [Double] { fleet.efficiencyFactors(on: clock.window(steps)) }

    /// Nodes of this shard that ever exist; local node `j` is global node `globalIndex(j)`.
    public var localNodes: Int { population.localNodes }
    public func globalIndex(_ j: Int) -> Int { population.shard.global(j) }
    /// Local nodes active at step m (always the first ones).
    public func active(_ m: Int) -> Int { population.active(m) }
    /// Sum of the jitter factors of the active nodes at step m.
    public func activeWeight(_ m: Int) -> Double { population.weight(population.active(m)) }
    /// Node j's fixed jitter factor.
    public func weight(_ j: Int) -> Double { population.weight(of: j) }

    /// Node j's fixed draw in [0, 1) that places it in a district when the fleet moves
    /// (`Presence.district(of:_:step:)`).
    public func districtDraw(_ j: Int) -> Double { NodeRandom(fleetKey: fleetKey, node: globalIndex(j), purpose: .district).unit() }
}

extension Engine {
    /// The per-node facts of fleet `i`.
    public func nodes(ofFleet i: Int) -> FleetNodes {
        let fleet = scenario.fleets[i]
        return FleetNodes(
            fleet: fleet, population: NodePopulation(fleet: fleet, clock: clock, shard: shard, seed: scenario.seed), clock: clock,
            seed: scenario.seed, grid: scenario.grid)
    }
}
