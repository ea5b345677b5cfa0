import UrbanWattCore

/// Reads a sensor's `radio`, `sleep`, `uplink` and `battery`, computing its energy per uplink:
/// the Semtech time-on-air formula for LoRaWAN (per spreading factor), module data for the others,
/// or `energy_per_uplink` when given.
struct SensorDecoder {
    let reader: YAMLReader
    let parent: Cursor
    private var r: YAMLReader { reader }

    static let radioKeys = ["type", "energy_per_uplink", "spreading_factor", "tx_current", "voltage", "bandwidth",
                            "preamble", "coding_rate", "rx"]

    func decode(_ f: [String: Cursor]) -> Sensor? {
        guard let rc = r.required(f, "radio", in: parent, what: "{type: lorawan, …}"),
              let radio = r.mapping(rc, allowed: SensorDecoder.radioKeys, what: "a radio mapping such as {type: lorawan}") else { return nil }
        guard let tc = r.required(radio, "type", in: rc, what: "a radio type"),
              let typeName = r.choice(tc, RadioType.allCases.map(\.rawValue), what: "a radio type"),
              let type = RadioType(rawValue: typeName) else { return nil }
        let defaults = type.defaults
        let sleep = f["sleep"].map { r.quantity($0, .power) } ?? defaults.sleep
        guard let uc = r.required(f, "uplink", in: parent, what: "{interval: 15 min, payload: 11 B}"),
              let uplink = r.mapping(uc, allowed: ["interval", "payload", "overhead"], what: "{interval, payload, overhead}") else { return nil }
        // At most one uplink a second per node: a sensor, not a stream (use a device or camera for that).
        let interval = r.required(uplink, "interval", in: uc, what: "a duration such as \"15 min\"").flatMap { r.quantity($0, .duration, minimum: 1) }
        let payload = uplink["payload"].map { r.quantity($0, .data, maximum: Sensor.maximumPayload, whole: true) } ?? 0
        let overhead = uplink["overhead"].map { r.quantity($0, .data, maximum: Sensor.maximumPayload, whole: true) } ?? Double(defaults.overhead)
        let battery = f["battery"].flatMap { r.quantity($0, .energy, positive: true) }
        if f["battery"] != nil && battery == nil { return nil }
        guard let sleep, let interval, let payload, let overhead else { return nil }
        let rxEnergy = radio["rx"].map { rx(radio: radio, $0) } ?? 0
        guard let rxEnergy else { return nil }
        var options: [Radio.UplinkOption]
        if let e = radio["energy_per_uplink"] {
            guard let v = r.quantity(e, .energy) else { return nil }
            options = [.init(share: 1, joules: v + rxEnergy)]
        } else if type == .lorawan {
            guard let lora = loraOptions(radio, phyPayload: Int(payload + overhead), rxEnergy: rxEnergy) else { return nil }
            options = lora
        } else {
            options = [.init(share: 1, joules: defaults.energyPerUplink! + rxEnergy)]
        }
        return Sensor(
            radio: Radio(type: type, uplinkEnergy: options), sleep: sleep, interval: interval, payload: Int(payload),
            overhead: Int(overhead), battery: battery)
    }

    /// Energy of the receive windows after an uplink: current × duration × voltage.
    func rx(radio: [String: Cursor], _ c: Cursor) -> Double? {
        guard let m = r.mapping(c, allowed: ["current", "duration"], what: "{current: 11 mA, duration: 200 ms}") else { return nil }
        let current = r.required(m, "current", in: c, what: "a current such as \"11 mA\"").flatMap { r.quantity($0, .current) }
        let duration = r.required(m, "duration", in: c, what: "a duration such as \"200 ms\"").flatMap { r.quantity($0, .duration) }
        let voltage = radio["voltage"].map { r.quantity($0, .voltage) } ?? RadioType.loraVoltage
        guard let current, let duration, let voltage else { return nil }
        return current * duration * voltage
    }

    /// One option per spreading factor: time on air × TX current × voltage (+ receive windows).
    func loraOptions(_ radio: [String: Cursor], phyPayload: Int, rxEnergy: Double) -> [Radio.UplinkOption]? {
        let current = radio["tx_current"].map { r.quantity($0, .current) } ?? RadioType.loraTxCurrent
        let voltage = radio["voltage"].map { r.quantity($0, .voltage) } ?? RadioType.loraVoltage
        let bandwidth = radio["bandwidth"].map { r.quantity($0, .frequency, positive: true) } ?? 125_000
        let preamble = radio["preamble"].map { r.quantity($0, .count, minimum: 6, maximum: 65_535, whole: true) } ?? 8
        var codingRate: Int? = 1
        if let c = radio["coding_rate"] {
            let allowed = ["4/5": 1, "4/6": 2, "4/7": 3, "4/8": 4]
            codingRate = r.choice(c, Array(allowed.keys).sorted(), what: "a LoRa coding rate").flatMap { allowed[$0] }
        }
        var factors: [(sf: Int, share: Double, at: Cursor?)] = [(7, 1, nil)]
        if let c = radio["spreading_factor"] {
            if case .mapping = c.node {
                guard let pairs = r.pairs(c, what: "a distribution such as {7: 50%, 9: 30%, 12: 20%}") else { return nil }
                factors = []
                for p in pairs {
                    guard let sf = Int(p.key), (7...12).contains(sf) else {
                        r.error(p.keyCursor, "expected a spreading factor from 7 to 12, got \"\(p.key)\"")
                        return nil
                    }
                    guard let share = r.fraction(p.value) else { return nil }
                    factors.append((sf, share, p.value))
                }
                let total = factors.reduce(0) { $0 + $1.share }
                if abs(total - 1) > 1e-6 {
                    r.error(c, "expected shares that add up to 100%, got \((total * 100).formatted2)%")
                    return nil
                }
            } else {
                guard let sf = r.integer(c, what: "a spreading factor", range: 7...12) else { return nil }
                factors = [(sf, 1, c)]
            }
        }
        guard let current, let voltage, let bandwidth, let preamble, let codingRate else { return nil }
        return factors.map { f in
            let modulation = LoRaModulation(spreadingFactor: f.sf, bandwidth: bandwidth, preambleSymbols: preamble, codingRate: codingRate)
            let joules = modulation.timeOnAir(phyPayload: phyPayload) * current * voltage + rxEnergy
            return .init(share: f.share, joules: joules, label: "SF\(f.sf)")
        }
    }
}

extension Double {
    /// At most two decimals, for messages.
    var formatted2: String {
        let r = (self * 100).rounded() / 100
        return r == r.rounded() && abs(r) < 1e15 ? String(Int(r)) : String(r)
    }
}
