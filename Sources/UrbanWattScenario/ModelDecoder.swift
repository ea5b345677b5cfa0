import UrbanWattCore

/// Reads the kind-specific parameters of a fleet (or of its `replaces:` counterfactual) into a model.
struct ModelDecoder {
    let reader: YAMLReader
    let context: FleetContext
    /// The fleet's mapping, where missing keys are reported.
    let parent: Cursor

    private var r: YAMLReader { reader }

    func decode(_ kind: FleetKind, fields f: [String: Cursor]) -> FleetModel? {
        func need(_ key: String, _ dimension: Dimension, positive: Bool = false) -> Double? {
            r.required(f, key, in: parent, what: "a \(dimension.rawValue) such as \(dimension.example)")
                .flatMap { r.quantity($0, dimension, positive: positive) }
        }
        func optional(_ key: String, _ dimension: Dimension, default value: Double) -> Double? {
            guard let c = f[key] else { return value }
            return r.quantity(c, dimension)
        }
        switch kind {
        case .device:
            let schedule = f["profile"].map { self.schedule($0) } ?? .constant(1)
            guard let power = need("power", .power), let schedule else { return nil }
            return .device(power: power, schedule: schedule)
        case .gateway:
            return need("power", .power).map { .gateway(power: $0) }
        case .server:
            let idle = need("idle", .power), max = need("max", .power)
            let u = r.required(f, "utilisation", in: parent, what: "a fraction, a profile name or {profile, scale}").flatMap { schedule($0) }
            guard let idle, let max, let u else { return nil }
            if max < idle, let c = f["max"] { r.error(c, "expected `max` of at least `idle` (\(idle) W), got \(c.found)"); return nil }
            return .server(idle: idle, max: max, utilisation: u)
        case .datacenter:
            let it = need("it_power", .power)
            let schedule = f["profile"].map { self.schedule($0) } ?? .constant(1)
            var pue: Double? = 1
            // PUE = facility energy / IT energy: 1.0 at best; 10 is far beyond any data centre.
            if let c = f["pue"] { pue = r.number(c, what: "a PUE (facility energy / IT energy)", range: 1...10) }
            let perByte = optional("per_gb", .intensity, default: 0)
            guard let it, let schedule, let pue, let perByte else { return nil }
            return .datacenter(Datacenter(itPower: it, schedule: schedule, pue: pue, perByte: perByte))
        case .link:
            return decodeLink(f)
        case .sensor:
            return SensorDecoder(reader: r, parent: parent).decode(f).map { .sensor($0) }
        case .baseStation:
            return decodeBaseStation(f)
        case .streetlight:
            return decodeStreetlight(f)
        case .trafficSignal:
            let heads = r.required(f, "heads", in: parent, what: "a number of signal heads").flatMap { r.quantity($0, .count, maximum: 1000, whole: true) }
            let lamp = need("lamp", .power)
            let controller = optional("controller", .power, default: 0)
            guard let heads, let lamp, let controller else { return nil }
            return .trafficSignal(TrafficSignal(heads: heads, lamp: lamp, controller: controller))
        case .evCharger:
            return decodeCharger(f)
        }
    }

    /// A fraction, a profile name, or `{profile: NAME, scale: 60%}`.
    func schedule(_ c: Cursor) -> Schedule? {
        if case .mapping(let m) = c.node, m.count == 1, let key = m.keys.first?.scalar?.string,
           YAMLReader.distributionKinds[key] != nil {
            return r.fraction(c).map { .constant($0) }
        }
        if case .mapping = c.node {
            guard let f = r.mapping(c, allowed: ["profile", "scale"], what: "{profile: NAME, scale: 60%}") else { return nil }
            guard let p = r.required(f, "profile", in: c, what: "a profile name"), let name = r.string(p) else { return nil }
            let scale = f["scale"].map { r.fraction($0, maximum: nil) } ?? 1
            guard let profile = lookup(name, at: p), let scale else { return nil }
            return .profile(name: name, profile, scale: scale)
        }
        guard let s = c.scalar else {
            r.error(c, "expected a fraction, a profile name or {profile, scale}, got \(c.found)")
            return nil
        }
        if case .success = QuantityParser.parse(s, as: .fraction) {
            return r.fraction(c).map { .constant($0) }
        }
        return lookup(s, at: c).map { .profile(name: s, $0, scale: 1) }
    }

    func lookup(_ name: String, at c: Cursor) -> Profile? {
        if let p = context.profile(named: name) { return p }
        r.error(c, "unknown profile `\(name)` (define it under `profiles:` or use a built-in one: "
            + BuiltinProfiles.all.map(\.name).joined(separator: ", ") + ")" + Suggestion.didYouMean(name, in: context.profileNames))
        return nil
    }

    func decodeLink(_ f: [String: Cursor]) -> FleetModel? {
        guard let c = r.required(f, "intensity", in: parent, what: "{value: 0.06 kWh/GB, year: 2015, halving: 2 years}") else { return nil }
        if c.scalar != nil { return r.quantity(c, .intensity).map { .link(LinkIntensity(value: $0, year: 2000)) } }
        guard let m = r.mapping(c, allowed: ["value", "year", "halving"], what: "{value, year, halving}") else { return nil }
        let value = r.required(m, "value", in: c, what: "an intensity such as \"0.06 kWh/GB\"").flatMap { r.quantity($0, .intensity) }
        let year = m["year"].map { r.integer($0, what: "a year", range: 1900...2200) } ?? 2000
        var halving: Double? = nil
        if let h = m["halving"] {
            if let s = h.scalar, let years = Double(s) {
                if years > 0 && years <= 1000 { halving = years } else { r.error(h, "expected a halving time from 0 to 1000 years (greater than zero), got \(h.found)") }
            } else if let seconds = r.quantity(h, .duration, positive: true) {
                halving = seconds / (365 * 86_400)
            }
        }
        guard let value, let year else { return nil }
        return .link(LinkIntensity(value: value, year: year, halving: halving))
    }

    func decodeBaseStation(_ f: [String: Cursor]) -> FleetModel? {
        var preset = BaseStation.Preset.macro
        if let c = f["preset"] {
            guard let s = r.choice(c, BaseStation.Preset.allCases.map(\.rawValue), what: "an EARTH preset"),
                  let p = BaseStation.Preset(rawValue: s) else { return nil }
            preset = p
        }
        let d = preset.parameters
        let trx = f["trx"].map { r.quantity($0, .count, maximum: 1000, positive: true, whole: true) } ?? d.trx
        let pMax = f["p_max"].map { r.quantity($0, .power) } ?? d.pMax
        let p0 = f["p0"].map { r.quantity($0, .power) } ?? d.p0
        let slope = f["slope"].map { r.quantity($0, .count, maximum: 1000) } ?? d.slope
        let sleep = f["sleep"].map { r.quantity($0, .power) } ?? d.sleep
        let load = f["load"].map { schedule($0) } ?? .profile(name: "mobile-traffic", BuiltinProfiles.named("mobile-traffic")!, scale: 1)
        guard let trx, let pMax, let p0, let slope, let sleep, let load else { return nil }
        return .baseStation(BaseStation(transceivers: trx, maxPower: pMax, p0: p0, slope: slope, sleep: sleep, load: load))
    }

    func decodeStreetlight(_ f: [String: Cursor]) -> FleetModel? {
        if !context.hasLocation {
            r.error(parent, "a streetlight fleet needs the scenario's `location` (latitude, longitude) to know when the sun sets")
        }
        let power = r.required(f, "power", in: parent, what: "a power such as \"60 W\"").flatMap { r.quantity($0, .power) }
        let controller = f["controller"].map { r.quantity($0, .power) } ?? 0
        var onBelow: Double? = -0.833
        if let c = f["on_below"] {
            onBelow = r.number(c, what: "a solar elevation in degrees such as -0.833")
            if let v = onBelow, abs(v) > 90 { r.error(c, "expected a solar elevation from -90 to 90 degrees, got \(c.found)"); onBelow = nil }
        }
        var dimming: Dimming? = Dimming.none
        if let c = f["dimming"] { dimming = decodeDimming(c) }
        guard let power, let controller, let onBelow, let dimming else { return nil }
        return .streetlight(Streetlight(power: power, controller: controller, onBelow: onBelow, dimming: dimming))
    }

    /// `none`, a list of `{from: "23:00", to: "05:00", level: 50%}`, or `{adaptive: {profile, min}}`.
    func decodeDimming(_ c: Cursor) -> Dimming? {
        if c.scalar == "none" { return Dimming.none }
        if case .mapping = c.node {
            guard let f = r.mapping(c, allowed: ["adaptive"], what: "{adaptive: {profile: NAME, min: 30%}}"),
                  let a = r.required(f, "adaptive", in: c, what: "{profile: NAME, min: 30%}"),
                  let af = r.mapping(a, allowed: ["profile", "min"], what: "{profile: NAME, min: 30%}"),
                  let p = r.required(af, "profile", in: a, what: "a profile name"), let name = r.string(p),
                  let profile = lookup(name, at: p) else { return nil }
            guard let minimum = af["min"].map({ r.fraction($0) }) ?? 0 else { return nil }
            return .adaptive(profileName: name, profile, minimum: minimum)
        }
        guard let items = r.list(c, what: "none, a list of {from, to, level} windows, or {adaptive: {profile, min}}") else { return nil }
        var windows: [DimmingWindow] = []
        for item in items {
            guard let w = r.mapping(item, allowed: ["from", "to", "level"], what: "{from: \"23:00\", to: \"05:00\", level: 50%}") else { continue }
            let from = r.required(w, "from", in: item, what: "a local time such as \"23:00\"").flatMap { clockTime($0) }
            let to = r.required(w, "to", in: item, what: "a local time such as \"05:00\"").flatMap { clockTime($0) }
            let level = r.required(w, "level", in: item, what: "a fraction such as 50%").flatMap { r.fraction($0) }
            if let from, let to, let level {
                if from == to { r.error(item, "expected a window whose `from` and `to` differ") } else {
                    windows.append(DimmingWindow(start: from, end: to, level: level))
                }
            }
        }
        return .windows(windows)
    }

    /// "HH:MM" → seconds of the day. YAML 1.1 reads unquoted 23:00 as a sexagesimal number, so both are accepted.
    func clockTime(_ c: Cursor) -> Int? {
        guard let s = c.scalar else { r.error(c, "expected a local time such as \"23:00\", got \(c.found)"); return nil }
        let parts = s.split(separator: ":")
        if parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440 {
            return (h * 60 + m) * 60 % 86_400
        }
        r.error(c, "expected a local time such as \"23:00\", got \(c.found)")
        return nil
    }

    func decodeCharger(_ f: [String: Cursor]) -> FleetModel? {
        let power = r.required(f, "power", in: parent, what: "a charging power such as \"11 kW\"").flatMap { r.quantity($0, .power, positive: true) }
        let standby = f["standby"].map { r.quantity($0, .power) } ?? 0
        guard let sc = r.required(f, "sessions", in: parent, what: "{per_day: 2, energy: 18 kWh, profile: evening}"),
              let s = r.mapping(sc, allowed: ["per_day", "energy", "profile"], what: "{per_day, energy, profile}") else { return nil }
        // A session every quarter hour around the clock is the most a charge point can serve.
        let perDay = r.required(s, "per_day", in: sc, what: "a mean number of sessions per day").flatMap { r.quantity($0, .count, maximum: 96) }
        var energy: Double?, sd: Double? = 0
        if let e = r.required(s, "energy", in: sc, what: "an energy per session such as \"18 kWh\"") {
            if case .mapping = e.node, let m = r.mapping(e, allowed: ["mean", "sd"], what: "{mean: 18 kWh, sd: 6 kWh}") {
                energy = r.required(m, "mean", in: e, what: "an energy such as \"18 kWh\"").flatMap { r.quantity($0, .energy, maximum: EVCharger.maximumSessionEnergy, positive: true) }
                sd = m["sd"].map { r.quantity($0, .energy, maximum: EVCharger.maximumSessionEnergy) } ?? 0
            } else {
                energy = r.quantity(e, .energy, maximum: EVCharger.maximumSessionEnergy, positive: true)
            }
        }
        var profile: Profile?, profileName: String?
        if let p = s["profile"], let name = r.string(p) {
            profile = lookup(name, at: p)
            profileName = name
            if profile == nil { return nil }
        }
        var smart: SmartCharging?
        if let c = f["smart"] {
            guard let m = r.mapping(c, allowed: ["objective", "window"], what: "{objective: carbon, window: 8 h}") else { return nil }
            let objective = m["objective"].map { r.choice($0, SmartCharging.Objective.allCases.map(\.rawValue), what: "an objective") }
                ?? SmartCharging.Objective.carbon.rawValue
            guard let o = objective.flatMap(SmartCharging.Objective.init(rawValue:)),
                  let window = r.required(m, "window", in: c, what: "how long a start may be deferred, such as \"8 h\"").flatMap({ r.quantity($0, .duration, positive: true) })
            else { return nil }
            if (o == .carbon && !context.hasCarbon) || (o == .price && !context.hasPrice) {
                r.error(c, "smart charging by \(o.rawValue) needs the scenario's `grid.\(o == .carbon ? "carbon_intensity" : "price")`")
                return nil
            }
            smart = SmartCharging(objective: o, window: window)
        }
        guard let power, let standby, let perDay, let energy, let sd else { return nil }
        return .evCharger(EVCharger(
            power: power, standby: standby, sessionsPerDay: perDay, sessionEnergy: energy, sessionEnergySD: sd,
            startProfile: profile, startProfileName: profileName, smart: smart))
    }
}
