/// A kind of node: everything UrbanWatt knows about it, in one type in one file (`Kinds/`). The
/// conforming type holds a fleet's parameters in canonical units; its static members describe the
/// kind, the decoder reads its `parameters`, and the engine and telemetry ask it how to step.
///
/// Adding a kind is one file and one line in `Kinds.all`.
public protocol NodeKind: Sendable {
    /// The name a scenario writes as `kind:`.
    static var name: String { get }
    /// One line on what a node draws, for `urbanwatt list`.
    static var summary: String { get }
    static var defaultLayer: Layer { get }
    /// The keys of the kind's own parameters (the fleet's common keys come on top).
    static var parameters: [Parameter] { get }
    /// Whether `replaces:` may give the equipment it replaces (default true).
    static var replaceable: Bool { get }
    /// Whether a fleet of this kind is always one node, without `count` (default false).
    static var isSingleNode: Bool { get }
    /// The keys that are ICT functions (a street light's `controller` and `dimming`, a charger's
    /// `smart`): the reference case and the replaced equipment leave them out, and each key's
    /// default is "off" (default none).
    static var ictFunctions: [String] { get }
    /// A node's cited embodied CO2e, lifetime and mass (`embodied: default`); nil where UrbanWatt
    /// has none to offer, with the reason in `Embodied.Default.none`.
    static var embodied: Embodied.Default { get }
    /// Builds the model from decoded keys; nil when a required key is absent or `input` reported an error.
    static func make(_ input: KindInput) -> Self?

    /// W per node of the ICT electronics of a kind that serves a load (a street light's controller,
    /// a charger's standby electronics); nil when the node is ICT as a whole (default). Steppers of
    /// such kinds fill `FleetSeries.ict`.
    var ictPower: Double? { get }
    /// What the fleet does with traffic (default none).
    var role: TrafficRole { get }
    /// The share of the traffic received that goes on to the fleet's `via` (default all of it).
    var forwardShare: Double { get }
    /// W per node (weight 1, before efficiency) at each step of `context.clock` (a chunk of the
    /// period), for kinds stepped by unit power (default 0).
    func unitPower(_ context: StepperContext) -> [Double]
    /// J per byte received at each step of `clock` (a chunk), before efficiency; nil when traffic costs nothing (default).
    func perByte(on clock: StepClock) -> [Double]?
    /// J per message received at each step of `clock`, before efficiency; nil when messages cost nothing (default).
    func perMessage(on clock: StepClock) -> [Double]?
    /// W per node of the fleets whose `via` names this one, at each step of `clock`, before
    /// efficiency; nil when attached nodes cost nothing (default; a `network`'s baseload share).
    func perAttachedNode(on clock: StepClock) -> [Double]?
    /// The fleet's stepper, from the context of the whole period (default: unit power × active
    /// weight, and the same for `replaces:`).
    func stepper(_ context: StepperContext) -> any FleetStepper
    /// The share of the fleet's energy and of its traffic in each district of `presence` at each
    /// step of `clock` (`[district][step]`): a kind whose nodes draw or send differently where they
    /// are says so (default: as the nodes, `presence.series`).
    func districtShares(_ presence: Presence, on clock: StepClock) -> (energy: [[Double]], traffic: [[Double]])
    /// How telemetry follows each node (default: its share of the fleet's energy, every interval).
    func telemetrySource(_ nodes: FleetNodes) -> any TelemetrySource
    /// Seconds between a node's telemetry messages when its source reports of its own accord (a
    /// sensor's uplinks); nil when it reports every telemetry interval (default). For estimates.
    var reportInterval: Double? { get }
    /// The most messages and bytes one node originates over `seconds` (default none), to bound
    /// counts before a run and estimate telemetry.
    func traffic(seconds: Double) -> (messages: Double, bytes: Double)
    /// Whether shards of the fleet, each with its share of every fleet's nodes, add up to the whole
    /// run (default true).
    var isShardable: Bool { get }
    /// Every coefficient of the model with its source; `given` holds the keys the scenario wrote
    /// (`power`, `radio.tx_current`), which are the scenario's own (default none).
    func assumptions(given: Set<String>) -> [Assumption]
    /// Whether `other` is the same kind with the same parameters.
    func isEqual(to other: any NodeKind) -> Bool
}

/// What a fleet does with traffic along `via:` routes.
public struct TrafficRole: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Originates messages and bytes (sensors, cameras).
    public static let sends = TrafficRole(rawValue: 1)
    /// Receives traffic and passes it on to its own `via` (gateways, links, fog servers).
    public static let forwards = TrafficRole(rawValue: 2)
    /// Spends energy per byte it carries (links).
    public static let carries = TrafficRole(rawValue: 4)
    /// Receives traffic and ends its route, with energy per byte (data centres).
    public static let ingests = TrafficRole(rawValue: 8)

    /// May be named by another fleet's `via:`.
    public var receives: Bool { !isDisjoint(with: [.forwards, .carries, .ingests]) }
    /// May name a `via:` of its own.
    public var routes: Bool { !isDisjoint(with: [.sends, .forwards]) }
}

/// What a kind's stepper is built from: the fleet, its nodes in this shard and the scenario around it.
/// The engine builds a stepper from the context of the whole period, then runs it on the context of
/// each chunk of steps (`window`), so that nothing per step is kept for longer than a chunk.
public struct StepperContext: Sendable {
    public let fleet: Fleet
    /// The whole period, or one chunk of it (then its step 0 is the period's step `first`).
    public let clock: StepClock
    /// The period's index of `clock`'s step 0.
    public let first: Int
    public let seed: UInt64
    public let grid: Grid
    public let location: Location?
    let population: NodePopulation
    /// What the fleets of this chunk share (nil outside the engine's chunks: computed by each).
    let facts: ChunkFacts?

    init(
        fleet: Fleet, clock: StepClock, first: Int = 0, seed: UInt64, grid: Grid, location: Location?, population: NodePopulation,
        facts: ChunkFacts? = nil
    ) {
        self.fleet = fleet
        self.clock = clock
        self.first = first
        self.seed = seed
        self.grid = grid
        self.location = location
        self.population = population
        self.facts = facts
    }

    /// Step length, s.
    public var dt: Double { Double(clock.step) }

    /// The period's indices of `clock`'s steps.
    public var steps: Range<Int> { first..<(first + clock.count) }

    /// The efficiency factor at each step of `clock`; ask a window, not the period.
    public var efficiency: [Double] { fleet.efficiencyFactors(on: clock) }

    /// The context of the period's steps `range` (of a period context), sharing `facts` with the
    /// other fleets of the chunk.
    public func window(_ range: Range<Int>, facts: ChunkFacts? = nil) -> StepperContext {
        StepperContext(
            fleet: fleet, clock: clock.window(range), first: range.lowerBound, seed: seed, grid: grid, location: location,
            population: population, facts: facts)
    }

    /// The street lights' dark-hour series over this context's steps, shared within the chunk.
    func darkHours(solar: Solar, dimming: Dimming) -> [Double] {
        facts?.darkHours(solar: solar, dimming: dimming, clock: clock) ?? DarkHours.series(solar: solar, dimming: dimming, clock: clock)
    }
}

extension NodeKind {
    public static var replaceable: Bool { true }
    public static var isSingleNode: Bool { false }
    public static var ictFunctions: [String] { [] }
    public var ictPower: Double? { nil }
    public var role: TrafficRole { [] }
    public var forwardShare: Double { 1 }
    public var isShardable: Bool { true }
    public func unitPower(_ context: StepperContext) -> [Double] { Array(repeating: 0, count: context.clock.count) }
    public func perByte(on clock: StepClock) -> [Double]? { nil }
    public func perAttachedNode(on clock: StepClock) -> [Double]? { nil }
    public func perMessage(on clock: StepClock) -> [Double]? { nil }
    public func traffic(seconds: Double) -> (messages: Double, bytes: Double) { (0, 0) }
    public var reportInterval: Double? { nil }
    public func districtShares(_ presence: Presence, on clock: StepClock) -> (energy: [[Double]], traffic: [[Double]]) {
        let nodes = presence.series(on: clock)
        return (nodes, nodes)
    }

    public func stepper(_ c: StepperContext) -> any FleetStepper { unitPowerStepper(c) }

    /// Unit power × active weight at each step, with efficiency.
    func unitPowerStepper(_ c: StepperContext) -> UnitPowerStepper {
        UnitPowerStepper(kind: self, population: c.population)
    }

    /// The kind's handle, for names, layers and grouping.
    public var kind: FleetKind { FleetKind(Self.self) }
}

extension NodeKind where Self: Equatable {
    public func isEqual(to other: any NodeKind) -> Bool { (other as? Self) == self }
}
