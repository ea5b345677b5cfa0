/// An EV charger: Poisson sessions per day, each charging at `power` until its energy is delivered.
public struct EVCharger: Sendable, Equatable {
    /// The largest energy of one session, J (10 MWh: several electric buses' batteries).
    public static let maximumSessionEnergy = 3.6e10

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
    /// Deferring sessions to cleaner or cheaper hours; nil charges at once.
    public var smart: SmartCharging?

    public init(
        power: Double, standby: Double = 0, sessionsPerDay: Double, sessionEnergy: Double,
        sessionEnergySD: Double = 0, startProfile: Profile? = nil, startProfileName: String? = nil, smart: SmartCharging? = nil
    ) {
        self.power = power
        self.standby = standby
        self.sessionsPerDay = sessionsPerDay
        self.sessionEnergy = sessionEnergy
        self.sessionEnergySD = sessionEnergySD
        self.startProfile = startProfile
        self.startProfileName = startProfileName
        self.smart = smart
    }
}

/// Smart charging: a session may start up to `window` seconds after the car is plugged in, at the
/// moment that makes the grid's carbon intensity (or price) over the session lowest; the energy
/// delivered is the same, its carbon and cost are not.
public struct SmartCharging: Sendable, Equatable {
    public enum Objective: String, Sendable, CaseIterable { case carbon, price }

    public var objective: Objective
    /// Seconds a start may be deferred.
    public var window: Double

    public init(objective: Objective, window: Double) {
        self.objective = objective
        self.window = window
    }

    /// The grid signal to minimise at each step, nil when the grid does not give it.
    public func signal(grid: Grid, clock: StepClock) -> [Double]? {
        (objective == .carbon ? grid.carbon : grid.price)?.series(on: clock)
    }

    /// A session moves only for more than this share of its carbon (or cost): smaller differences
    /// are within what a forecast can promise, and moving for them only herds sessions together.
    public static let minimumSaving = 0.01

    /// The start in [arrival, arrival + window], tried at each step boundary and at the arrival
    /// itself, for a session of `duration` seconds: the lowest mean signal, if it saves more than
    /// `minimumSaving` against starting at once; among starts that tie, the one `tie` (uniform in
    /// [0, 1), the session's own draw) picks, so tied sessions spread over their window instead of
    /// piling onto one instant. A window that reaches past the period's `end` is not used: the
    /// signal beyond it is unknown, and deferring into the last hours would pile sessions there.
    /// `prefix` holds the running sums of the signal over steps.
    static func bestStart(arrival: Double, duration: Double, window: Double, prefix: [Double], start: Double, end: Double, dt: Double,
                          tie: Double) -> Double {
        guard arrival + window + duration <= end else { return arrival }
        let steps = prefix.count - 1
        func mean(_ t: Double) -> Double {
            // Whole steps covered, approximating partial steps by their whole value.
            let a = max(0, min(steps, Int(((t - start) / dt).rounded(.down))))
            let b = max(a + 1, min(steps, Int(((t + duration - start) / dt).rounded(.up))))
            return b > a && b <= steps ? (prefix[b] - prefix[a]) / Double(b - a) : .infinity
        }
        let now = mean(arrival)
        var candidates: [(t: Double, v: Double)] = [(arrival, now)]
        var t = start + ((arrival - start) / dt).rounded(.up) * dt
        while t <= arrival + window {
            if t > arrival { candidates.append((t, mean(t))) }
            t += dt
        }
        let best = candidates.map(\.v).min()!
        guard best.isFinite, now - best > minimumSaving * abs(now) else { return arrival }
        let ties = candidates.filter { $0.v <= best + 1e-9 * abs(best) }
        return ties[min(ties.count - 1, Int(tie * Double(ties.count)))].t
    }
}
