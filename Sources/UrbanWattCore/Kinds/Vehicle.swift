/// A vehicle's on-board unit (a bus's or taxi's telematics box, a municipal car's tracker): `power`
/// while the vehicle drives, `idle` or `sleep` while it is parked, and a position report every
/// `uplink.interval` while it drives (`uplink.parked` while parked, if given).
///
/// `drive` is the share of the fleet driving at each hour. Where the vehicles are is the fleet's
/// `presence:`: their energy, their traffic and the load of the receiver they send through
/// (`via: {district: fleet}`) follow the share in each district. With `depot`, the parked vehicles
/// stand there (as far as the fleet is there at the hour), so a district's energy and reports are
/// those of the vehicles driving through it and parked in it.
public struct Vehicle: NodeKind, Equatable {
    public static let name = "vehicle"
    public static let summary = "drive × power + (1 − drive) × (idle share × idle + rest × sleep); reports while driving (and parked)"
    public static let embodied: Embodied.Default = .none("no cited life-cycle figure for a vehicle's telematics unit; give `embodied:`")
    public static let defaultLayer = Layer.mobility
    public static let replaceable = false
    public static let parameters = [
        Parameter("drive", .schedule, required: true, what: "the share of the fleet driving: a fraction, a profile name or {profile, scale}"),
        Parameter("power", .quantity(.power), what: "the unit's power while driving, such as \"0.76 W\""),
        Parameter("idle", .quantity(.power), what: "the unit's power while parked and awake, such as \"0.39 W\""),
        Parameter("idle_share", .fraction(), what: "the share of parked time the unit stays awake, such as 20%"),
        Parameter("sleep", .quantity(.power), what: "the unit's power while parked and asleep, such as \"48 mW\""),
        Parameter("depot", .district, what: "the district where the parked vehicles stand, such as south"),
        Parameter(
            "uplink",
            .mapping([
                Parameter("interval", .quantity(.duration, minimum: 1), required: true),
                Parameter("parked", .quantity(.duration, minimum: 1), what: "the interval of reports while parked, such as \"1 h\""),
                Parameter("payload", .quantity(.data, maximum: Sensor.maximumPayload, whole: true)),
                Parameter("overhead", .quantity(.data, maximum: Sensor.maximumPayload, whole: true)),
            ]), required: true, what: "{interval: 30 s, payload: 45 B}"),
    ]

    /// Teltonika FMC130 (4G) at 12 V: 63.3 mA sending, 32.1 mA nominal, 4.04 mA in deep sleep
    /// [Teltonika-FMC130]; the least AVL packet, 45 B [Teltonika-codec], over TCP and IPv4.
    package static let defaults = (power: 0.0633 * 12, idle: 0.0321 * 12, sleep: 0.00404 * 12, payload: 45, overhead: 40)

    /// Share of the fleet driving over time.
    public var drive: Schedule
    /// W while driving, while parked and awake, while parked and asleep.
    public var power: Double
    public var idle: Double
    public var sleep: Double
    /// Share of parked time awake.
    public var idleShare: Double
    /// Seconds between two reports of one vehicle while driving, and while parked (nil: none).
    public var interval: Double
    public var parkedInterval: Double?
    /// Bytes one report puts on the network.
    public var bytesPerMessage: Int
    /// The district where the parked vehicles stand; nil: parked as they are spread.
    public var depot: String?

    public init(
        drive: Schedule, power: Double, idle: Double, sleep: Double, idleShare: Double = 0, interval: Double, parkedInterval: Double? = nil,
        bytesPerMessage: Int, depot: String? = nil
    ) {
        self.drive = drive
        self.power = power
        self.idle = idle
        self.sleep = sleep
        self.idleShare = idleShare
        self.interval = interval
        self.parkedInterval = parkedInterval
        self.bytesPerMessage = bytesPerMessage
        self.depot = depot
    }

    public static func make(_ f: KindInput) -> Vehicle? {
        guard let drive = f.schedule("drive"), let uplink = f.fields("uplink"), let interval = uplink.number("interval") else { return nil }
        if case .constant(let v) = drive, v > 1 {
            f.error("drive", "expected a share of the fleet of at most 100%, got \(v)")
            return nil
        }
        if case .profile(_, _, let scale) = drive, scale > 1 {
            f.error("drive", "expected a scale of at most 100%: the share driving cannot exceed the fleet, got \(scale)")
            return nil
        }
        let payload = Int(uplink.number("payload") ?? Double(defaults.payload))
        let overhead = Int(uplink.number("overhead") ?? Double(defaults.overhead))
        return Vehicle(
            drive: drive, power: f.number("power") ?? defaults.power, idle: f.number("idle") ?? defaults.idle, sleep: f.number("sleep") ?? defaults.sleep,
            idleShare: f.number("idle_share") ?? 0, interval: interval, parkedInterval: uplink.number("parked"), bytesPerMessage: payload + overhead,
            depot: f.text("depot"))
    }

    public func assumptions(given: Set<String>) -> [Assumption] {
        let unit = "[Teltonika-FMC130] a 4G tracker at 12 V"
        return [
            Assumption("power", power, "W", Assumption.source("power", given: given, otherwise: unit)),
            Assumption("idle", idle, "W", Assumption.source("idle", given: given, otherwise: unit)),
            Assumption("idle_share", idleShare, "fraction of parked time", Assumption.source("idle_share", given: given, otherwise: "none (0 %)")),
            Assumption("sleep", sleep, "W", Assumption.source("sleep", given: given, otherwise: unit)),
            Assumption("uplink.interval", interval, "s", "scenario"),
            Assumption(
                "uplink.bytes", Double(bytesPerMessage), "B",
                given.contains("uplink.payload") || given.contains("uplink.overhead")
                    ? "scenario" : "[Teltonika-codec] the least AVL packet, 45 B, + IPv4 20 B [RFC791] + TCP 20 B [RFC9293]"),
        ] + (parkedInterval.map { [Assumption("uplink.parked", $0, "s", "scenario")] } ?? [])
    }

    /// W of one unit when a share `d` of the fleet drives.
    public func power(driving d: Double) -> Double { d * power + (1 - d) * (idleShare * idle + (1 - idleShare) * sleep) }

    /// Reports one vehicle sends a second when a share `d` of the fleet drives.
    public func reportRate(driving d: Double) -> Double { d / interval + (1 - d) * (parkedInterval.map { 1 / $0 } ?? 0) }

    public var role: TrafficRole { .sends }

    /// With a depot among the districts: at each hour the parked share of the fleet stands at the
    /// depot as far as the fleet is there (the rest of it, parked elsewhere, spread as the fleet
    /// is), the others drive; each district's energy is its driving and parked vehicles' power, its
    /// traffic their reports. A step of several hours sums its hours.
    public func districtShares(_ presence: Presence, on clock: StepClock) -> (energy: [[Double]], traffic: [[Double]]) {
        let nodes = presence.series(on: clock)
        guard let depot, let home = presence.districts.firstIndex(of: depot) else { return (nodes, nodes) }
        // Hour by hour where a step spans several, so that the depot's share and the driving meet
        // at the same hour.
        let hours = clock.step > 3600 && clock.step % 3600 == 0 ? Int(clock.step / 3600) : 1
        let fine = hours == 1 ? clock : StepClock(start: clock.start, step: 3600, count: clock.count * hours, zone: clock.zone)
        let at = hours == 1 ? nodes : presence.series(on: fine)
        let driving = drive.series(on: fine)
        let parkedPower = idleShare * idle + (1 - idleShare) * sleep
        let parkedRate = parkedInterval.map { 1 / $0 } ?? 0
        let districts = presence.districts.indices
        var energy = nodes.map { $0.map { _ in 0.0 } }, traffic = energy
        for h in 0..<fine.count {
            let k = h / hours
            let parked = 1 - driving[h]
            let atDepot = Swift.min(parked, at[home][h])
            let elsewhere = parked - atDepot, others = 1 - at[home][h]
            for p in districts {
                let parkedHere = p == home ? atDepot : others > 0 ? elsewhere * at[p][h] / others : 0
                let drivingHere = Swift.max(0, at[p][h] - parkedHere)
                energy[p][k] += drivingHere * power + parkedHere * parkedPower
                traffic[p][k] += drivingHere / interval + parkedHere * parkedRate
            }
        }
        // Shares of a whole; a fleet that draws or sends nothing in a step is where it is.
        for k in 0..<clock.count {
            let sums = districts.reduce((energy: 0.0, traffic: 0.0)) { ($0.energy + energy[$1][k], $0.traffic + traffic[$1][k]) }
            for p in districts {
                energy[p][k] = sums.energy > 0 ? energy[p][k] / sums.energy : nodes[p][k]
                traffic[p][k] = sums.traffic > 0 ? traffic[p][k] / sums.traffic : nodes[p][k]
            }
        }
        return (energy, traffic)
    }

    public func unitPower(_ c: StepperContext) -> [Double] { drive.series(on: c.clock).map(power(driving:)) }

    public func stepper(_ c: StepperContext) -> any FleetStepper {
        ReportStepper(power: unitPowerStepper(c), drive: drive, vehicle: self)
    }

    /// A report every interval while driving all the time, and one more for the phase.
    public func traffic(seconds: Double) -> (messages: Double, bytes: Double) {
        let messages = (seconds / Swift.min(interval, parkedInterval ?? interval)).rounded(.up) + 1
        return (messages, messages * Double(bytesPerMessage))
    }
}

/// Unit power, plus the reports of the active vehicles at their rate of each step. Reports are
/// whole per step: the running total is rounded, so none is lost over the period.
struct ReportStepper: FleetStepper {
    let power: UnitPowerStepper
    let drive: Schedule
    let vehicle: Vehicle
    var exact = 0.0
    var counted = 0

    mutating func run(_ w: StepperContext, into series: inout FleetSeries) {
        power.run(w, into: &series)
        let driving = drive.series(on: w.clock)
        for i in 0..<w.clock.count {
            exact += Double(series.nodes[i]) * vehicle.reportRate(driving: driving[i]) * w.dt
            let total = Int(exact.rounded())
            series.messages[i] = total - counted
            series.bytes[i] = series.messages[i] * vehicle.bytesPerMessage
            counted = total
        }
    }
}
