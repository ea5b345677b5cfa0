/// A physical dimension that a scenario quantity can have, with its accepted units.
///
/// Every unit is converted once, at the edge, to the canonical unit of its dimension:
/// W, J, A, V, s, B, B/s, J/B, g/kWh, g/l, m², J/m², kg, fraction, Hz. The engine only ever sees plain `Double`s.
public enum Dimension: String, Sendable, CaseIterable {
    case power, energy, current, voltage, duration, data
    case dataRate = "data rate"
    case intensity, carbon, fraction, frequency, count
    /// Carbon of a fuel counted in litres (petrol, diesel).
    case fuelCarbon = "carbon per litre"
    /// A floor area, and a yearly energy demand per floor area (buildings).
    case area
    case areaEnergy = "energy per floor area"
    /// A mass: a device's, or the CO2e of making it (life cycle, `embodied:`).
    case mass

    /// A year of a duration (`8 years`): the Julian year of 365.25 days, so that a lifetime of whole
    /// years ends on the day it began, leap years or not.
    public static let yearSeconds = 365.25 * 86_400

    /// The canonical unit that a bare number is read in.
    public var canonicalUnit: String {
        switch self {
        case .power: "W"
        case .energy: "J"
        case .current: "A"
        case .voltage: "V"
        case .duration: "s"
        case .data: "B"
        case .dataRate: "B/s"
        case .intensity: "J/B"
        case .carbon: "g/kWh"
        case .fuelCarbon: "g/l"
        case .area: "m²"
        case .areaEnergy: "J/m²"
        case .mass: "kg"
        case .fraction: ""
        case .frequency: "Hz"
        case .count: ""
        }
    }

    /// An example a person can copy, used in error messages ("expected a power such as \"150 W\"").
    public var example: String {
        switch self {
        case .power: "\"150 W\""
        case .energy: "\"18 kWh\""
        case .current: "\"44 mA\""
        case .voltage: "\"3.3 V\""
        case .duration: "\"15 min\""
        case .data: "\"11 B\""
        case .dataRate: "\"2 Mbit/s\""
        case .intensity: "\"0.06 kWh/GB\""
        case .carbon: "\"380 g/kWh\""
        case .fuelCarbon: "\"2.37 kg/l\""
        case .area: "\"2500 m²\""
        case .areaEnergy: "\"45 kWh/m²\""
        case .mass: "\"2 kg\""
        case .fraction: "\"50%\""
        case .frequency: "\"125 kHz\""
        case .count: "\"500\""
        }
    }

    /// Units accepted for this dimension and their factor to the canonical unit.
    public var units: [(symbol: String, factor: Double)] {
        switch self {
        case .power: [("µW", 1e-6), ("uW", 1e-6), ("mW", 1e-3), ("W", 1), ("kW", 1e3), ("MW", 1e6), ("GW", 1e9)]
        case .energy:
            [
                ("µJ", 1e-6), ("uJ", 1e-6), ("mJ", 1e-3), ("J", 1), ("kJ", 1e3), ("MJ", 1e6), ("mWh", 3.6),
                ("Wh", 3600), ("kWh", 3.6e6), ("MWh", 3.6e9), ("GWh", 3.6e12), ("TWh", 3.6e15),
            ]
        case .current: [("µA", 1e-6), ("uA", 1e-6), ("mA", 1e-3), ("A", 1)]
        case .voltage: [("mV", 1e-3), ("V", 1), ("kV", 1e3)]
        case .duration:
            [
                ("ms", 1e-3), ("s", 1), ("min", 60), ("h", 3600), ("d", 86_400), ("day", 86_400), ("days", 86_400),
                ("year", Dimension.yearSeconds), ("years", Dimension.yearSeconds),
            ]
        case .data: [("B", 1), ("kB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12)]
        case .dataRate:
            [
                ("B/s", 1), ("kB/s", 1e3), ("MB/s", 1e6), ("GB/s", 1e9), ("bit/s", 1 / 8), ("kbit/s", 1e3 / 8),
                ("Mbit/s", 1e6 / 8), ("Gbit/s", 1e9 / 8),
            ]
        case .intensity:
            [
                ("J/B", 1), ("kWh/GB", 3.6e6 / 1e9), ("Wh/GB", 3600 / 1e9), ("kWh/TB", 3.6e6 / 1e12),
                ("nJ/bit", 8e-9), ("µJ/bit", 8e-6), ("uJ/bit", 8e-6), ("J/bit", 8),
            ]
        case .carbon: [("g/kWh", 1), ("kg/kWh", 1000), ("kg/MWh", 1), ("t/MWh", 1000)]
        case .fuelCarbon: [("g/l", 1), ("kg/l", 1000)]
        case .area: [("m²", 1), ("m2", 1), ("km²", 1e6), ("km2", 1e6)]
        case .areaEnergy: [("Wh/m²", 3600), ("kWh/m²", 3.6e6), ("MWh/m²", 3.6e9), ("Wh/m2", 3600), ("kWh/m2", 3.6e6), ("MWh/m2", 3.6e9)]
        case .mass: [("g", 1e-3), ("kg", 1), ("t", 1e3), ("g CO2e", 1e-3), ("kg CO2e", 1), ("t CO2e", 1e3), ("g Sb-eq", 1e-3), ("kg Sb-eq", 1)]
        case .fraction: [("%", 0.01)]
        case .frequency: [("Hz", 1), ("kHz", 1e3), ("MHz", 1e6)]
        case .count: []
        }
    }
}

extension Dimension {
    /// The largest magnitude a scenario may give one value of this dimension (docs/scenario-limits.md).
    ///
    /// Far above any real node (a 1 GW device, a 1 PJ battery, a century), and small enough that
    /// totals over 10^8 nodes and a century of steps stay finite and far from Int64 when counted.
    public var limit: Double {
        switch self {
        case .power: 1e9
        case .energy: 1e15
        case .current: 1e3
        case .voltage: 1e6
        case .duration: 100 * Dimension.yearSeconds
        case .data: 1e12
        case .dataRate: 1e12
        case .intensity: 1e3
        case .carbon: 1e4
        case .fuelCarbon: 1e4
        // The largest buildings have a few km² of floor; 10 MWh/m² a year is far beyond a data hall's.
        case .area: 1e7
        case .areaEnergy: 3.6e10
        // A million tonnes: beyond any one device or its manufacture.
        case .mass: 1e9
        case .fraction: 1e3
        case .frequency: 1e10
        case .count: 1e9
        }
    }
}
