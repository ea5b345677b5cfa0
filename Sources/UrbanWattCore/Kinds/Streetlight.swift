/// A street light: on while the sun is below `onBelow`, dimmed by local-time windows or adaptively,
/// with a constant controller draw.
public struct Streetlight: NodeKind, Equatable {
    public static let name = "streetlight"
    public static let summary = "power × dimming level while the sun is down, plus controller"
    public static let embodied: Embodied.Default = .cited(
        Embodied(
            manufacturing: 100, lifetime: 20 * Dimension.yearSeconds, mass: 10,
            source: "(U): an LED luminaire with about 10 kg of aluminium; no citable LCA at hand"))
    public static let defaultLayer = Layer.lighting
    /// A plain lamp burns at full level from dusk to dawn with no controller.
    public static let ictFunctions = ["controller", "dimming"]
    public static let parameters = [
        Parameter("power", .quantity(.power), required: true),
        Parameter("controller", .quantity(.power)),
        Parameter("on_below", .number(-90...90), what: "a solar elevation in degrees such as -0.833"),
        Parameter(
            "dimming",
            .anyOf([
                .choice(["none"]),
                .list(
                    .mapping([
                        Parameter("from", .clockTime, required: true),
                        Parameter("to", .clockTime, required: true),
                        Parameter("level", .fraction(), required: true),
                    ])),
                .mapping([
                    Parameter(
                        "adaptive",
                        .mapping([
                            Parameter("profile", .profile, required: true),
                            Parameter("min", .fraction()),
                        ]), required: true, what: "{profile: NAME, min: 30%}")
                ]),
            ]), what: "none, a list of {from, to, level} windows, or {adaptive: {profile, min}}"),
    ]

    /// Lamp power at full level, W.
    public var power: Double
    /// Constant draw of a smart controller, W.
    public var controller: Double
    /// Solar elevation below which the light is on, degrees (−0.833: sunset to sunrise).
    public var onBelow: Double
    public var dimming: Dimming

    public init(power: Double, controller: Double = 0, onBelow: Double = -0.833, dimming: Dimming = .none) {
        self.power = power
        self.controller = controller
        self.onBelow = onBelow
        self.dimming = dimming
    }

    public static func make(_ f: KindInput) -> Streetlight? {
        if !f.context.hasLocation {
            f.error(nil, "a streetlight fleet needs the scenario's `location` (latitude, longitude) to know when the sun sets")
        }
        guard let power = f.number("power") else { return nil }
        var dimming = Dimming.none
        switch f["dimming"] {
        case .list(let items):
            var windows: [DimmingWindow] = []
            for case .fields(let w) in items {
                guard let from = w.number("from"), let to = w.number("to"), let level = w.number("level") else { return nil }
                if from == to { w.error(nil, "expected a window whose `from` and `to` differ"); return nil }
                windows.append(DimmingWindow(start: Int(from), end: Int(to), level: level))
            }
            dimming = .windows(windows)
        case .fields(let m):
            guard let a = m.fields("adaptive"), case .profile(let name, let profile) = a["profile"] else { return nil }
            dimming = .adaptive(profileName: name, profile, minimum: a.number("min") ?? 0)
        default: break
        }
        return Streetlight(power: power, controller: f.number("controller") ?? 0, onBelow: f.number("on_below") ?? -0.833, dimming: dimming)
    }

    public func assumptions(given: Set<String>) -> [Assumption] {
        [
            Assumption("power", power, "W", "scenario"),
            Assumption("controller", controller, "W", Assumption.source("controller", given: given, otherwise: "none (0 W)")),
            Assumption("on_below", onBelow, "degrees", Assumption.source("on_below", given: given, otherwise: "sunset to sunrise (NOAA, -0.833°)")),
        ]
    }

    /// The controller is ICT; the lamp is the load it serves.
    public var ictPower: Double? { controller }

    public func unitPower(_ c: StepperContext) -> [Double] {
        let solar = Solar(latitude: c.location?.latitude ?? 0, longitude: c.location?.longitude ?? 0, threshold: onBelow)
        return c.darkHours(solar: solar, dimming: dimming).map { power * $0 + controller }
    }
}

/// How a light's level follows local time.
public enum Dimming: Sendable, Equatable {
    case none
    /// Local-time windows, each with a level; outside every window the level is 1.
    case windows([DimmingWindow])
    /// Level = max(min, profile(t)).
    case adaptive(profileName: String, Profile, minimum: Double)

    /// The level at `localSecond` of a day, and the next local second at which it may change.
    func level(at localSecond: Int, weekend: Bool) -> (level: Double, until: Int) {
        switch self {
        case .none:
            return (1, 86_400)
        case .windows(let windows):
            var until = 86_400
            for w in windows {
                if w.contains(localSecond) { return (w.level, min(until, w.end(after: localSecond))) }
                until = min(until, w.start > localSecond ? w.start : 86_400)
            }
            return (1, until)
        case .adaptive(_, let profile, let minimum):
            let hour = localSecond / 3600
            let values = weekend ? (profile.weekend ?? profile.weekday) : profile.weekday
            return (max(minimum, values[hour]), (hour + 1) * 3600)
        }
    }
}

/// A daily window `[start, end)` in local seconds of the day; it wraps past midnight when end ≤ start.
public struct DimmingWindow: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public var level: Double

    public init(start: Int, end: Int, level: Double) {
        self.start = start
        self.end = end
        self.level = level
    }

    func contains(_ s: Int) -> Bool { start < end ? (s >= start && s < end) : (s >= start || s < end) }

    /// The local second at which the window containing `s` ends (86400 when it ends past midnight).
    func end(after s: Int) -> Int { start < end || s < end ? end : 86_400 }
}
