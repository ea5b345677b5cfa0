/// An EV charger: Poisson sessions per day, each charging at `power` until its energy is delivered.
public struct EVCharger: Sendable, Equatable {
    /// Charging power, W.
    public var power: Double
    /// Standby power when not charging, W.
    public var standby: Double
    /// Mean sessions per charger and day.
    public var sessionsPerDay: Double
    /// Mean energy per session, J.
    public var sessionEnergy: Double
    /// Standard deviation of the energy per session, J; 0 for a fixed energy.
    public var sessionEnergySD: Double
    /// Shape of session start times over the local day; nil for uniform.
    public var startProfile: Profile?
    public var startProfileName: String?

    public init(
        power: Double, standby: Double = 0, sessionsPerDay: Double, sessionEnergy: Double,
        sessionEnergySD: Double = 0, startProfile: Profile? = nil, startProfileName: String? = nil
    ) {
        self.power = power
        self.standby = standby
        self.sessionsPerDay = sessionsPerDay
        self.sessionEnergy = sessionEnergy
        self.sessionEnergySD = sessionEnergySD
        self.startProfile = startProfile
        self.startProfileName = startProfileName
    }
}
