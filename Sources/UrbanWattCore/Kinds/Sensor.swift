/// A battery or mains sensor that sleeps and sends periodic uplinks over a radio. Its energy per
/// uplink comes from the Semtech time-on-air formula for LoRaWAN (per spreading factor), module
/// data for the other radios (`RadioType`), or `energy_per_uplink` when given.
public struct Sensor: NodeKind, Equatable {
    public static let name = "sensor"
    public static let summary = "sleep + energy of the uplinks sent in the step / step length"
    public static let embodied: Embodied.Default = .cited(
        Embodied(
            manufacturing: 1.63, lifetime: 10 * Dimension.yearSeconds, battery: Embodied.Battery(co2e: 0.122), abioticDepletion: 4.10e-5, primaryEnergy: 29.4e6,
            source: "[PirsonBol2021] bottom-up model of a LoRa-class node; battery: a coin cell or two AA; lifetime (U)"))
    public static let defaultLayer = Layer.sensing
    public static let replaceable = false
    public static let parameters = [
        Parameter(
            "radio",
            .mapping([
                Parameter("type", .choice(RadioType.allCases.map(\.rawValue)), required: true, what: "a radio type"),
                Parameter("energy_per_uplink", .quantity(.energy)),
                Parameter("spreading_factor", .anyOf([.integer(7...12), .shares(7...12)]), what: "a spreading factor"),
                Parameter("tx_current", .quantity(.current)),
                Parameter("voltage", .quantity(.voltage)),
                Parameter("bandwidth", .quantity(.frequency, positive: true)),
                Parameter("preamble", .quantity(.count, minimum: 6, maximum: 65_535, whole: true)),
                Parameter("coding_rate", .choice(codingRates.map(\.name)), what: "a LoRa coding rate"),
                Parameter(
                    "rx",
                    .mapping([
                        Parameter("current", .quantity(.current), required: true),
                        Parameter("duration", .quantity(.duration), required: true),
                    ]), what: "{current: 11 mA, duration: 200 ms}"),
            ]), required: true, what: "{type: lorawan, …}"),
        Parameter("sleep", .quantity(.power)),
        Parameter(
            "uplink",
            .mapping([
                // At most one uplink a second per node: a sensor, not a stream (use a camera for that).
                Parameter("interval", .quantity(.duration, minimum: 1), required: true),
                Parameter("payload", .quantity(.data, maximum: maximumPayload, whole: true)),
                Parameter("overhead", .quantity(.data, maximum: maximumPayload, whole: true)),
            ]), required: true, what: "{interval: 15 min, payload: 11 B}"),
        Parameter("battery", .quantity(.energy, positive: true)),
    ]

    /// LoRa coding rates as written and as the time-on-air formula's CR.
    static let codingRates = [(name: "4/5", cr: 1), (name: "4/6", cr: 2), (name: "4/7", cr: 3), (name: "4/8", cr: 4)]

    /// The largest payload (and overhead) of one uplink, bytes: far above any LPWAN frame.
    public static let maximumPayload = 1e6

    public var radio: Radio
    /// Sleep power between uplinks, W.
    public var sleep: Double
    /// Seconds between two uplinks of one node.
    public var interval: Double
    /// Application payload per uplink, B.
    public var payload: Int
    /// Protocol overhead per uplink, B.
    public var overhead: Int
    /// Battery capacity, J; nil for mains-powered sensors.
    public var battery: Double?

    public init(radio: Radio, sleep: Double, interval: Double, payload: Int, overhead: Int, battery: Double? = nil) {
        self.radio = radio
        self.sleep = sleep
        self.interval = interval
        self.payload = payload
        self.overhead = overhead
        self.battery = battery
    }

    /// Bytes one uplink puts on the network.
    public var bytesPerMessage: Int { payload + overhead }

    /// A node's energy per uplink, J (before jitter and efficiency): its own draw of the radio's
    /// options, from the fleet's key (`NodeRandom.fleetKey`), hashed once for its many nodes.
    public func uplinkEnergy(fleetKey: UInt64, node: Int) -> Double {
        if radio.uplinkEnergy.count == 1 { return radio.uplinkEnergy[0].joules }
        let u = NodeRandom(fleetKey: fleetKey, node: node, purpose: .spreadingFactor).unit()
        return radio.uplinkEnergy[radio.option(for: u)].joules
    }

    /// A node's uplink phase, s from the period start: its uplinks are at phase + k × interval.
    public func phase(fleetKey: UInt64, node: Int) -> Double {
        NodeRandom(fleetKey: fleetKey, node: node, purpose: .phase).unit() * interval
    }

    public static func make(_ f: KindInput) -> Sensor? {
        guard let radio = f.fields("radio"), let type = radio.text("type").flatMap(RadioType.init(rawValue:)),
            let uplink = f.fields("uplink"), let interval = uplink.number("interval")
        else { return nil }
        let defaults = type.defaults
        let payload = uplink.number("payload") ?? 0
        let overhead = uplink.number("overhead") ?? Double(defaults.overhead)
        let voltage = radio.number("voltage") ?? RadioType.loraVoltage
        var rxEnergy = 0.0
        if let rx = radio.fields("rx") {
            guard let current = rx.number("current"), let duration = rx.number("duration") else { return nil }
            rxEnergy = current * duration * voltage
        }
        let options: [Radio.UplinkOption]
        if let e = radio.number("energy_per_uplink") {
            options = [.init(share: 1, joules: e + rxEnergy)]
        } else if type == .lorawan {
            var factors: [(sf: Int, share: Double)] = [(7, 1)]
            switch radio["spreading_factor"] {
            case .number(let sf): factors = [(Int(sf), 1)]
            case .shares(let shares): factors = shares.map { ($0.key, $0.share) }
            default: break
            }
            let modulation = { (sf: Int) in
                LoRaModulation(
                    spreadingFactor: sf, bandwidth: radio.number("bandwidth") ?? 125_000, preambleSymbols: radio.number("preamble") ?? 8,
                    codingRate: codingRates.first { $0.name == radio.text("coding_rate") }?.cr ?? 1)
            }
            let current = radio.number("tx_current") ?? RadioType.loraTxCurrent
            options = factors.map { f in
                let joules = modulation(f.sf).timeOnAir(phyPayload: Int(payload + overhead)) * current * voltage + rxEnergy
                return .init(share: f.share, joules: joules, label: "SF\(f.sf)")
            }
        } else {
            // Every radio type but LoRaWAN (above) has a default energy per uplink.
            options = [.init(share: 1, joules: defaults.energyPerUplink! + rxEnergy)]
        }
        return Sensor(
            radio: Radio(type: type, uplinkEnergy: options), sleep: f.number("sleep") ?? defaults.sleep, interval: interval,
            payload: Int(payload), overhead: Int(overhead), battery: f.number("battery"))
    }

    public func assumptions(given: Set<String>) -> [Assumption] {
        let d = radio.type.defaults
        let energyGiven = given.contains("radio.energy_per_uplink")
        let meanEnergy = radio.uplinkEnergy.reduce(0) { $0 + $1.share * $1.joules }
        let energySource =
            energyGiven
            ? "scenario"
            : radio.type == .lorawan
                ? (given.contains("radio.tx_current") ? "[AN1200.13] time on air × the scenario's TX current" : "[AN1200.13] time on air × [SX1276] TX current")
                : d.energySource
        return [
            Assumption("sleep", sleep, "W", Assumption.source("sleep", given: given, otherwise: d.sleepSource)),
            Assumption("energy_per_uplink", meanEnergy, "J", energySource),
            Assumption("uplink.interval", interval, "s", "scenario"),
            Assumption("uplink.payload", Double(payload), "B", Assumption.source("uplink.payload", given: given, otherwise: "none (0 B)")),
            Assumption("uplink.overhead", Double(overhead), "B", Assumption.source("uplink.overhead", given: given, otherwise: d.overheadSource)),
        ] + (battery.map { [Assumption("battery", $0 / 3600, "Wh", "scenario")] } ?? [])
    }

    public var role: TrafficRole { .sends }
    /// A message at each uplink, carrying the uplink's energy and the sleep since the last one.
    public func telemetrySource(_ nodes: FleetNodes) -> any TelemetrySource { UplinkTelemetry(nodes, self) }
    public var reportInterval: Double? { interval }

    public func stepper(_ c: StepperContext) -> any FleetStepper {
        SensorStepper(population: c.population, sensor: self, dt: c.dt, fleet: c.fleet.name, seed: c.seed)
    }

    /// Every uplink in the period, and one more for the phase.
    public func traffic(seconds: Double) -> (messages: Double, bytes: Double) {
        let messages = (seconds / interval).rounded(.up) + 1
        return (messages, messages * Double(bytesPerMessage))
    }
}

/// A radio's energy per uplink: one value, or several values with the share of nodes that draw each
/// (a spreading-factor distribution).
public struct Radio: Sendable, Equatable {
    public var type: RadioType
    /// (share of nodes, J per uplink, label); shares sum to 1.
    public var uplinkEnergy: [UplinkOption]

    public struct UplinkOption: Sendable, Equatable {
        public var share: Double
        public var joules: Double
        public var label: String

        public init(share: Double, joules: Double, label: String = "") {
            self.share = share
            self.joules = joules
            self.label = label
        }
    }

    public init(type: RadioType, uplinkEnergy: [UplinkOption]) {
        self.type = type
        self.uplinkEnergy = uplinkEnergy
    }

    public init(type: RadioType, energyPerUplink: Double) {
        self.init(type: type, uplinkEnergy: [UplinkOption(share: 1, joules: energyPerUplink)])
    }

    /// The option a node draws for a uniform number `u` in [0, 1).
    @inline(__always) public func option(for u: Double) -> Int {
        var cumulative = 0.0
        for (k, o) in uplinkEnergy.enumerated() {
            cumulative += o.share
            if u < cumulative { return k }
        }
        return uplinkEnergy.count - 1
    }
}
