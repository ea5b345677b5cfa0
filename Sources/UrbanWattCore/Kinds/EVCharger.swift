/// An EV charger: Poisson sessions per day, each charging at `power` until its energy is delivered.
public struct EVCharger: NodeKind, Equatable {
    public static let name = "ev-charger"
    public static let summary = "power while a session charges, else standby; Poisson sessions per day"
    public static let embodied: Embodied.Default = .cited(
        Embodied(manufacturing: 500, lifetime: 10 * Dimension.yearSeconds, mass: 50, source: "(U): a public AC charge point; no citable LCA at hand"))
    public static let defaultLayer = Layer.mobility
    public static let replaceable = false
    /// Without smart charging a session starts when the car is plugged in.
    public static let ictFunctions = ["smart"]
    public static let parameters = [
        Parameter("power", .quantity(.power, positive: true), required: true, what: "a charging power such as \"11 kW\""),
        Parameter("standby", .quantity(.power)),
        Parameter(
            "sessions",
            .mapping([
                // A session every quarter hour around the clock is the most a charge point can serve.
                Parameter("per_day", .quantity(.count, maximum: 96), required: true, what: "a mean number of sessions per day"),
                Parameter(
                    "energy",
                    .anyOf([
                        .quantity(.energy, maximum: maximumSessionEnergy, positive: true),
                        .mapping([
                            Parameter("mean", .quantity(.energy, maximum: maximumSessionEnergy, positive: true), required: true),
                            Parameter("sd", .quantity(.energy, maximum: maximumSessionEnergy)),
                        ]),
                    ]), required: true, what: "an energy per session such as \"18 kWh\""),
                Parameter("profile", .profile),
                Parameter("model", .choice(SessionModel.allCases.map(\.rawValue)), what: "drawn (every session) or expected (their mean)"),
            ]), required: true, what: "{per_day: 2, energy: 18 kWh, profile: evening}"),
        Parameter(
            "smart",
            .mapping([
                Parameter("objective", .choice(SmartCharging.Objective.allCases.map(\.rawValue)), what: "an objective"),
                Parameter("window", .quantity(.duration, positive: true), required: true, what: "how long a start may be deferred, such as \"8 h\""),
            ]), what: "{objective: carbon, window: 8 h}"),
    ]

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
    public var model: SessionModel

    /// How a fleet's sessions become energy.
    public enum SessionModel: String, Sendable, CaseIterable {
        /// Every session of every charger drawn from its own random stream (`ChargerSessions`).
        case drawn
        /// Their mean, for the fleet (`ExpectedSessions`): no sampling noise and no cost per
        /// session, for decades and many runs.
        case expected
    }

    /// The largest share of a day a charger may be busy on average under the expected model (4 h),
    /// the range it was checked against the drawn model in: busier chargers queue longer than its
    /// half-hour approximation of the queue (`ExpectedSessions.tick`) was shown to follow.
    public static let maximumExpectedUtilisation = 1.0 / 6

    /// Mean share of the day a charger spends charging.
    public var utilisation: Double { power > 0 ? sessionsPerDay * sessionEnergy / power / 86_400 : 0 }

    public init(
        power: Double, standby: Double = 0, sessionsPerDay: Double, sessionEnergy: Double,
        sessionEnergySD: Double = 0, startProfile: Profile? = nil, startProfileName: String? = nil, smart: SmartCharging? = nil,
        model: SessionModel = .drawn
    ) {
        self.power = power
        self.standby = standby
        self.sessionsPerDay = sessionsPerDay
        self.sessionEnergy = sessionEnergy
        self.sessionEnergySD = sessionEnergySD
        self.startProfile = startProfile
        self.startProfileName = startProfileName
        self.smart = smart
        self.model = model
    }

    public static func make(_ f: KindInput) -> EVCharger? {
        guard let power = f.number("power"), let sessions = f.fields("sessions"), let perDay = sessions.number("per_day") else { return nil }
        var energy: Double, sd = 0.0
        switch sessions["energy"] {
        case .number(let e): energy = e
        case .fields(let m):
            guard let mean = m.number("mean") else { return nil }
            energy = mean
            sd = m.number("sd") ?? 0
        default: return nil
        }
        var profile: (name: String, Profile)?
        if case .profile(let name, let p) = sessions["profile"] { profile = (name, p) }
        var smart: SmartCharging?
        if let m = f.fields("smart") {
            let objective = m.text("objective").flatMap(SmartCharging.Objective.init(rawValue:)) ?? .carbon
            guard let window = m.number("window") else { return nil }
            if (objective == .carbon && !f.context.hasCarbon) || (objective == .price && !f.context.hasPrice) {
                f.error("smart", "smart charging by \(objective.rawValue) needs the scenario's `grid.\(objective == .carbon ? "carbon_intensity" : "price")`")
                return nil
            }
            smart = SmartCharging(objective: objective, window: window)
        }
        let model = sessions.text("model").flatMap(SessionModel.init(rawValue:)) ?? .drawn
        let charger = EVCharger(
            power: power, standby: f.number("standby") ?? 0, sessionsPerDay: perDay, sessionEnergy: energy, sessionEnergySD: sd,
            startProfile: profile?.1, startProfileName: profile?.name, smart: smart, model: model)
        if model == .expected && smart != nil {
            sessions.error(
                "model", "expected sessions cannot follow smart charging: deferred sessions queue at the cheapest hour, which only `model: drawn` follows")
            return nil
        }
        if model == .expected && charger.utilisation > maximumExpectedUtilisation {
            let busy = (charger.utilisation * 24 * 10).rounded() / 10
            sessions.error(
                "model",
                "expected sessions need chargers busy at most 4 h a day on average, found \(busy) h (per_day × energy ÷ power); busier chargers need `model: drawn`"
            )
            return nil
        }
        return charger
    }

    public func assumptions(given: Set<String>) -> [Assumption] {
        [
            Assumption("power", power, "W", "scenario"),
            Assumption("standby", standby, "W", Assumption.source("standby", given: given, otherwise: "none (0 W)")),
            Assumption(
                "sessions.per_day", sessionsPerDay, "per day",
                model == .drawn ? "scenario" : "scenario; model: expected (the sessions' mean, queues included)"),
            Assumption("sessions.energy", sessionEnergy / 3.6e6, "kWh", "scenario"),
        ]
            + (sessionEnergySD > 0 ? [Assumption("sessions.energy.sd", sessionEnergySD / 3.6e6, "kWh", "scenario")] : [])
    }

    /// The standby draw is the charge point's control and communication electronics (ICT); the
    /// charging is the load it serves.
    public var ictPower: Double? { standby }

    /// Drawn sessions report each charger's own; expected ones, each charger's share of the mean.
    public func telemetrySource(_ nodes: FleetNodes) -> any TelemetrySource {
        model == .drawn ? SessionTelemetry(nodes, self) : SharedTelemetry(nodes)
    }

    public func stepper(_ c: StepperContext) -> any FleetStepper {
        ChargerStepper(population: c.population, charger: self, clock: c.clock, fleet: c.fleet.name, seed: c.seed, grid: c.grid)
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

    /// The grid signal to minimise, nil when the grid does not give it.
    public func signal(grid: Grid) -> GridSignal? { objective == .carbon ? grid.carbon : grid.price }

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
    static func bestStart(
        arrival: Double, duration: Double, window: Double, prefix: SignalPrefix, start: Double, end: Double, dt: Double,
        tie: Double
    ) -> Double {
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
        // `candidates` starts with the arrival itself: never empty.
        let best = candidates.map(\.v).min()!
        guard best.isFinite, now - best > minimumSaving * abs(now) else { return arrival }
        let ties = candidates.filter { $0.v <= best + 1e-9 * abs(best) }
        return ties[min(ties.count - 1, Int(tie * Double(ties.count)))].t
    }
}
