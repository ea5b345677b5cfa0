/// A validated scenario: everything the engine needs, in canonical units (W, J, s, B, g/kWh).
public struct Scenario: Sendable {
    public var name: String
    public var description: String
    public var seed: UInt64
    public var location: Location?
    public var zone: Zone
    public var start: CivilDate
    public var end: CivilDate
    /// Step length in seconds; divides a day.
    public var step: Int64
    public var grid: Grid
    public var profiles: [String: Profile]
    public var districts: [String]
    public var fleets: [Fleet]
    /// Fleets and kinds left out of the ICT overhead.
    public var boundary = Boundary()
    /// The sources the scenario's comments cite beside its figures, by path (`fleets[gw].power`:
    /// `[epyon2017]`, or `(U)`).
    public var citations: [String: String] = [:]
    /// Final-energy carriers besides the grid's electricity, and the indirect effects on them.
    public var carriers: [Carrier] = []
    public var effects: [Effect] = []

    public func carrier(named name: String) -> Carrier? { carriers.first { $0.name == name } }
    /// Relative tolerance of `urbanwatt check` for this scenario.
    public var checkTolerance: Double?
    /// Field paths of the parameters given as distributions.
    public var uncertainParameters: [String] = []
    /// The value each of them took in this run (its draw, or its central value), for what drives
    /// the answer (`uncertainty.drivers`).
    public var uncertainValues: [Double] = []
    /// Draws of those parameters rejected as outside their valid range and drawn again (`--runs`),
    /// by parameter path.
    public var redrawsByParameter: [String: Int] = [:]
    /// Whole sets of draws made again because they broke a check spanning parameters.
    public var runRedraws = 0
    /// Every rejected draw: each parameter's, and the run's redraws counted once per parameter.
    public var parameterRedraws: Int { redrawsByParameter.values.reduce(0, +) + runRedraws * uncertainParameters.count }

    public init(
        name: String, description: String = "", seed: UInt64 = 0, location: Location? = nil, zone: Zone = .utc,
        start: CivilDate, end: CivilDate, step: Int64, grid: Grid = Grid(), profiles: [String: Profile] = [:],
        districts: [String] = ["city"], fleets: [Fleet], checkTolerance: Double? = nil
    ) {
        self.name = name
        self.description = description
        self.seed = seed
        self.location = location
        self.zone = zone
        self.start = start
        self.end = end
        self.step = step
        self.grid = grid
        self.profiles = profiles
        self.districts = districts
        self.fleets = fleets
        self.checkTolerance = checkTolerance
    }

    public func fleet(named name: String) -> Fleet? { fleets.first { $0.name == name } }
}

/// Where the city is, for models that use the sun.
public struct Location: Sendable, Equatable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
}
