import Foundation

/// A network link (the Internet, a WAN, a radio hop): energy per byte carried, with an intensity
/// `value · 0.5^((Y − year) / halving)` in calendar year Y. A link is a fleet of one.
public struct Link: NodeKind, Equatable {
    public static let name = "link"
    public static let summary = "carried bytes × intensity(year), intensity halving every `halving` years"
    public static let embodied: Embodied.Default = .none("an allocation of networks' energy to the data, not hardware")
    public static let defaultLayer = Layer.network
    public static let replaceable = false
    public static let isSingleNode = true
    public static let parameters = [
        Parameter(
            "intensity",
            .anyOf([
                .quantity(.intensity),
                .mapping([
                    Parameter("value", .quantity(.intensity), required: true, what: "an intensity such as \"0.06 kWh/GB\""),
                    Parameter("year", .integer(1900...2200), what: "a year"),
                    Parameter("halving", .years(0...1000), what: "a halving time in years"),
                ]),
            ]), required: true, what: "{value: 0.06 kWh/GB, year: 2015, halving: 2 years}")
    ]

    /// J/B in `year`.
    public var value: Double
    public var year: Int
    /// Halving time in years; nil or 0 for a constant intensity.
    public var halving: Double?

    public init(value: Double, year: Int = 2000, halving: Double? = nil) {
        self.value = value
        self.year = year
        self.halving = halving
    }

    public static func make(_ f: KindInput) -> Link? {
        switch f["intensity"] {
        case .number(let v): return Link(value: v)
        case .fields(let m):
            guard let value = m.number("value") else { return nil }
            let link = Link(value: value, year: m.number("year").map { Int($0) } ?? 2000, halving: m.number("halving"))
            if let years = f.context.years, let (y, v) = link.outOfRange(over: years) {
                m.error(
                    "halving",
                    "the intensity would reach \(v) J/B in \(y), outside 0 to \(Dimension.intensity.limit) J/B "
                        + "(halving every \(link.halving ?? 0) years from \(link.year)); give a year closer to the period or a longer halving")
                return nil
            }
            return link
        default: return nil
        }
    }

    public func assumptions(given: Set<String>) -> [Assumption] {
        [Assumption("intensity.value", value * 1e9 / 3.6e6, "kWh/GB", "scenario"), Assumption("intensity.year", Double(year), "year", "scenario")]
            + (halving.map { [Assumption("intensity.halving", $0, "years", "scenario")] } ?? [])
    }

    /// The first year of `years` whose intensity leaves (0, limit] (an extrapolation past physics:
    /// 2^175 times the value, or zero), with that intensity.
    func outOfRange(over years: ClosedRange<Int>) -> (year: Int, intensity: Double)? {
        for y in [years.lowerBound, years.upperBound] {
            let v = intensity(year: y)
            if !(v > 0 && v <= Dimension.intensity.limit) { return (y, v) }
        }
        return nil
    }

    /// J/B in calendar year `y`.
    public func intensity(year y: Int) -> Double {
        guard let h = halving, h > 0 else { return value }
        return value * pow(0.5, Double(y - year) / h)
    }

    public var role: TrafficRole { [.forwards, .carries] }
    public func perByte(on clock: StepClock) -> [Double]? { clock.perYear { intensity(year: $0) } }
}
