@testable import UrbanWattCore

/// A one-fleet scenario over the calendar year 2025 in UTC.
func scenario(
    _ fleets: [Fleet], from: CivilDate = .init(year: 2025, month: 1, day: 1),
    to: CivilDate = .init(year: 2026, month: 1, day: 1), step: Int64 = 900, zone: Zone = .utc,
    location: Location? = nil, seed: UInt64 = 1
) -> Scenario {
    Scenario(name: "test", seed: seed, location: location, zone: zone, start: from, end: to, step: step, fleets: fleets)
}

extension Recording {
    /// Energy of fleet `i` in kWh.
    func kWh(_ i: Int = 0) -> Double { fleets[i].energy.reduce(0, +) / 3.6e6 }
    func messages(_ i: Int = 0) -> Int { fleets[i].messages.reduce(0, +) }
    func bytes(_ i: Int = 0) -> Int { fleets[i].bytes.reduce(0, +) }
}

func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
    abs(a - b) <= relative * max(abs(a), abs(b), 1e-300)
}
