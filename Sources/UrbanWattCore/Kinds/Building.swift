/// A group of buildings whose building automation (BACS) is raised from one efficiency class to a
/// better one, after EN ISO 52120-1's factor method (formerly EN 15232): the yearly electricity
/// BACS controls (lighting and auxiliary; plug loads are not its to save) and heat demand per m² are
/// given at the building's present class, and each class scales them by the
/// standard's factor for the building's use. The BACS devices (controllers, sensors, gateways) draw
/// `bacs.devices` each and are ICT; the electricity they control is the load served. The heat saved
/// counts on the `heat` carrier (an effect the decoder adds, `ScenarioDecoder`).
public struct Building: NodeKind, Equatable {
    public static let name = "building"
    public static let summary = "floor area × yearly demand per m² × profile × BACS factor (EN ISO 52120-1), plus BACS devices"
    public static let embodied: Embodied.Default = .cited(
        Embodied(
            manufacturing: 590, transport: 30, endOfLife: 10, lifetime: 10 * Dimension.yearSeconds, mass: 4.9,
            source: "[Google-Thermostat2020] a room controller, 50 per building (U): the BACS devices, not the building"))
    public static let defaultLayer = Layer.buildings
    /// Without the upgrade, the building stays at its present class with no new devices.
    public static let ictFunctions = ["bacs"]
    public static let replaceable = false
    public static let parameters = [
        Parameter("area", .quantity(.area, positive: true), required: true, what: "the floor area of one building, such as \"2500 m²\""),
        Parameter("use", .choice(BACSFactors.uses), required: true, what: "the building's use, as EN ISO 52120-1 classes it"),
        Parameter("class", .choice(BACSFactors.classes), required: true, what: "the present BACS efficiency class, A to D"),
        Parameter(
            "electricity", .quantity(.areaEnergy), required: true,
            what: "the yearly electricity per m² that BACS controls (lighting and auxiliary: fans, pumps) at the present class, such as \"15 kWh/m²\""),
        Parameter("heat", .quantity(.areaEnergy), what: "the yearly heat demand per m² at the present class, such as \"110 kWh/m²\""),
        Parameter("profile", .profile),
        Parameter(
            "bacs",
            .mapping([
                Parameter("class", .choice(BACSFactors.classes), required: true, what: "the class after the upgrade"),
                Parameter("devices", .quantity(.power), what: "the BACS devices' power per building, such as \"40 W\""),
            ]), what: "{class: B, devices: 40 W}"),
    ]

    /// m² per building.
    public var area: Double
    public var use: String
    public var present: String
    /// Yearly demand per m² at the present class, J/m².
    public var electricity: Double
    public var heat: Double
    /// The shape of electricity use over the week (normalised to its mean); nil for flat.
    public var profile: Profile?
    public var profileName: String?
    /// The class after the upgrade and the devices' power, W; nil without an upgrade.
    public var upgrade: (class: String, devices: Double)?

    public init(
        area: Double, use: String, present: String, electricity: Double, heat: Double = 0, profile: Profile? = nil, profileName: String? = nil,
        upgrade: (class: String, devices: Double)? = nil
    ) {
        self.area = area
        self.use = use
        self.present = present
        self.electricity = electricity
        self.heat = heat
        self.profile = profile
        self.profileName = profileName
        self.upgrade = upgrade
    }

    public static func == (a: Building, b: Building) -> Bool {
        a.area == b.area && a.use == b.use && a.present == b.present && a.electricity == b.electricity && a.heat == b.heat && a.profile == b.profile
            && a.upgrade?.class == b.upgrade?.class && a.upgrade?.devices == b.upgrade?.devices
    }

    public static func make(_ f: KindInput) -> Building? {
        guard let area = f.number("area"), let use = f.text("use"), let present = f.text("class"), let electricity = f.number("electricity") else { return nil }
        var profile: (name: String, Profile)?
        if case .profile(let name, let p) = f["profile"] {
            guard p.weekday.contains(where: { $0 > 0 }) || (p.weekend ?? []).contains(where: { $0 > 0 }) else {
                f.error("profile", "the profile `\(name)` is zero all week; a building's electricity follows its shape over the week")
                return nil
            }
            profile = (name, p)
        }
        var upgrade: (class: String, devices: Double)?
        if let b = f.fields("bacs") {
            guard let after = b.text("class") else { return nil }
            if after > present {
                b.error("class", "an upgrade to class \(after) from class \(present) is a downgrade; the classes run from A (best) to D")
                return nil
            }
            upgrade = (after, b.number("devices") ?? 0)
        }
        return Building(
            area: area, use: use, present: present, electricity: electricity, heat: f.number("heat") ?? 0, profile: profile?.1,
            profileName: profile?.name, upgrade: upgrade)
    }

    /// The factor that scales the present demand after the upgrade (1 without one).
    public var electricRatio: Double { upgrade.map { BACSFactors.electric(use, $0.class) / BACSFactors.electric(use, present) } ?? 1 }
    public var thermalRatio: Double { upgrade.map { BACSFactors.thermal(use, $0.class) / BACSFactors.thermal(use, present) } ?? 1 }

    /// kWh of heat one building saves a year by the upgrade.
    public var heatSavedPerYear: Double { heat * area / 3.6e6 * (1 - thermalRatio) }

    public func assumptions(given: Set<String>) -> [Assumption] {
        var list = [
            Assumption("area", area, "m²", "scenario"), Assumption("electricity", electricity / 3.6e6, "kWh/m² a year at class \(present)", "scenario"),
        ]
        if heat > 0 { list.append(Assumption("heat", heat / 3.6e6, "kWh/m² a year at class \(present)", "scenario")) }
        if let upgrade {
            list.append(
                Assumption(
                    "bacs.electric_factor", electricRatio, "class \(present) → \(upgrade.class), \(use)",
                    "[EN15232] detailed lighting and auxiliary factors, their mean (U: equal weights)"))
            if heat > 0 {
                list.append(Assumption("bacs.thermal_factor", thermalRatio, "class \(present) → \(upgrade.class), \(use)", "[EN15232] overall thermal factors"))
            }
            list.append(Assumption("bacs.devices", upgrade.devices, "W", Assumption.source("bacs.devices", given: given, otherwise: "none (0 W)")))
        }
        return list
    }

    /// The BACS devices are ICT; the building's electricity is the load they control.
    public var ictPower: Double? { upgrade?.devices ?? 0 }

    public func unitPower(_ c: StepperContext) -> [Double] {
        let mean = electricity * area / Effect.year * electricRatio
        let devices = upgrade?.devices ?? 0
        guard let profile else { return Array(repeating: mean + devices, count: c.clock.count) }
        let shape = profile.series(on: c.clock)
        let weekdays: Double = profile.weekday.reduce(0, +)
        let weekends: Double = (profile.weekend ?? profile.weekday).reduce(0, +)
        let weekly = (5 * weekdays + 2 * weekends) / (7 * 24)
        return shape.map { weekly > 0 ? mean * $0 / weekly + devices : devices }
    }
}

/// EN ISO 52120-1's BACS efficiency factors (the factor method of EN 15232), class C = 1: by use,
/// for thermal energy (the overall factors) and electricity (the mean of the detailed lighting and
/// auxiliary factors), classes D, C, B, A.
public enum BACSFactors {
    public static let classes = ["A", "B", "C", "D"]
    public static let uses = ["office", "lecture-hall", "school", "hospital", "hotel", "restaurant", "retail", "residential", "other"]

    /// [EN15232] overall thermal factors f_BAC,th, D C B A.
    static let thermalTable: [String: [Double]] = [
        "office": [1.51, 1, 0.80, 0.70], "lecture-hall": [1.24, 1, 0.75, 0.50], "school": [1.20, 1, 0.88, 0.80],
        "hospital": [1.31, 1, 0.91, 0.86], "hotel": [1.31, 1, 0.85, 0.68], "restaurant": [1.23, 1, 0.77, 0.68],
        "retail": [1.56, 1, 0.73, 0.60], "residential": [1.10, 1, 0.88, 0.81], "other": [1, 1, 1, 1],
    ]

    /// [EN15232] detailed lighting f_BAC,el,L and auxiliary f_BAC,el,aux factors, D C B A.
    static let lighting: [String: [Double]] = [
        "office": [1.1, 1, 0.85, 0.72], "lecture-hall": [1.1, 1, 0.88, 0.76], "school": [1.1, 1, 0.88, 0.76], "hospital": [1.2, 1, 1, 1],
        "hotel": [1.1, 1, 0.88, 0.76], "restaurant": [1.1, 1, 1, 1], "retail": [1.1, 1, 1, 1],
    ]
    static let auxiliary: [String: [Double]] = [
        "office": [1.15, 1, 0.86, 0.72], "lecture-hall": [1.11, 1, 0.88, 0.78], "school": [1.12, 1, 0.87, 0.74], "hospital": [1.1, 1, 0.98, 0.96],
        "hotel": [1.12, 1, 0.89, 0.78], "restaurant": [1.09, 1, 0.96, 0.92], "retail": [1.13, 1, 0.95, 0.91],
    ]

    static func column(_ c: String) -> Int { ["D": 0, "C": 1, "B": 2, "A": 3][c] ?? 1 }

    public static func thermal(_ use: String, _ c: String) -> Double { thermalTable[use]?[column(c)] ?? 1 }

    /// The mean of the lighting and auxiliary factors; 1 where the standard gives none (residential
    /// and other uses: no electricity saving is claimed for them).
    public static func electric(_ use: String, _ c: String) -> Double {
        guard let l = lighting[use], let a = auxiliary[use] else { return 1 }
        return (l[column(c)] + a[column(c)]) / 2
    }
}
