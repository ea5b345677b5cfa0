/// A final-energy carrier besides grid electricity: heat (district heating) and natural gas in kWh,
/// petrol and diesel in litres, each with its carbon and price per unit, constant or by year
/// (`carriers:`). Indirect effects (`Effect`) save or use them.
public struct Carrier: Sendable, Equatable {
    /// The carriers a scenario may declare, with the unit each is counted in.
    public static let units: [(name: String, unit: String)] = [("heat", "kWh"), ("natural-gas", "kWh"), ("petrol", "l"), ("diesel", "l")]

    public var name: String
    /// `kWh` or `l`.
    public var unit: String
    /// g CO2 per unit, nil when the grid gives no carbon either.
    public var carbon: YearMap?
    /// Currency per unit, nil when the grid gives no price either.
    public var price: YearMap?

    public init(name: String, unit: String, carbon: YearMap? = nil, price: YearMap? = nil) {
        self.name = name
        self.unit = unit
        self.carbon = carbon
        self.price = price
    }
}

/// An indirect effect a fleet enables (`effects:`): parking guidance saves petrol, signal
/// coordination diesel. Its driver is the enabling fleet's nodes, or a quantity per node (vehicle-km
/// a year); the rate is what one driver unit saves a year, in the carrier's unit (negative: uses more).
/// It counts as an ICT-enabled saving of the enabling fleet, step by step with its nodes.
public struct Effect: Sendable, Equatable {
    public var name: String
    /// The fleet whose nodes drive it and whose ICT enables it.
    public var enabledBy: String
    /// Driver units per node (1 when the driver is the nodes themselves), and what they are.
    public var perNode: Double
    public var driver: String
    /// Carrier units saved per driver unit and year.
    public var rate: Double
    /// `electricity` or a declared carrier's name.
    public var carrier: String
    public var source: String
    /// The share of the saving taken back, 0–1.
    public var rebound: Double

    public init(
        name: String, enabledBy: String, perNode: Double = 1, driver: String = "node", rate: Double, carrier: String, source: String,
        rebound: Double = 0
    ) {
        self.name = name
        self.enabledBy = enabledBy
        self.perNode = perNode
        self.driver = driver
        self.rate = rate
        self.carrier = carrier
        self.source = source
        self.rebound = rebound
    }

    /// The length of the year a rate is given for, s (365 days).
    public static let year = 365.0 * 86_400
}
