import Testing
import UrbanWattCore
@testable import UrbanWattResults

/// Every aggregate of summary.json against figures computed by hand on a day small enough to add up
/// on paper: not a golden blessed by the code it guards.
@Suite struct AnalyticSummaryTests {
    /// Monday 3 March 2025, UTC, hourly. North: 10 lamps of 100 W at half power except 18:00 (full).
    /// South: 2 gateways of 5 W. Carbon 300 g/kWh from 0:00 to 6:00, 500 after; 0.30 EUR/kWh.
    static func day() -> JSONValue {
        var lampShape = Array(repeating: 0.5, count: 24)
        lampShape[18] = 1
        var carbon = Array(repeating: 500.0, count: 24)
        for h in 0..<6 { carbon[h] = 300 }
        let s = Scenario(
            name: "day", start: .init(year: 2025, month: 3, day: 3), end: .init(year: 2025, month: 3, day: 4), step: 3600,
            grid: Grid(carbon: .hourly(Profile(weekday: carbon)), price: .yearly(YearMap(0.30)), currency: "EUR"),
            districts: ["north", "south"],
            fleets: [
                Fleet(
                    name: "lamps", district: "north", count: YearMap(10),
                    model: Device(power: 100, schedule: .profile(name: "lamp", Profile(weekday: lampShape), scale: 1))),
                Fleet(name: "gw", district: "south", count: YearMap(2), model: Gateway(power: 5)),
            ])
        return RunSummary(Breakdown.run(Engine(scenario: s)), run: RunInfo(version: "t", wallSeconds: 0)).json()
    }

    func value(_ v: JSONValue?) -> Double { v?.doubleValue ?? .nan }

    @Test func totalsPeakCarbonAndCost() {
        let s = Self.day()
        // Lamps: 1 kW × (23 h × 0.5 + 1 h) = 12.5 kWh; gateways: 10 W × 24 h = 0.24 kWh.
        #expect(abs(value(s["totals"]?["energy_kwh"]) - 12.74) < 1e-9)
        // The peak is 18:00, all lamps at full power plus the gateways: 1.01 kW.
        #expect(abs(value(s["totals"]?["peak_kw"]) - 1.01) < 1e-12)
        #expect(s["totals"]?["peak_at"] == .string("2025-03-03T18:00:00Z"))
        // Carbon: lamps 6 h × 0.5 kWh × 0.3 + 17 h × 0.5 kWh × 0.5 + 1 kWh × 0.5 = 5.65 kg;
        // gateways 6 h × 0.01 kWh × 0.3 + 18 h × 0.01 kWh × 0.5 = 0.108 kg.
        #expect(abs(value(s["totals"]?["co2_kg"]) - 5.758) < 1e-9)
        #expect(abs(value(s["totals"]?["cost"]) - 12.74 * 0.30) < 1e-9)
        #expect(s["totals"]?["currency"] == .string("EUR"))
    }

    @Test func byKindDistrictLayerFleetAndYear() {
        let s = Self.day()
        #expect(abs(value(s["by_kind"]?["device"]?["energy_kwh"]) - 12.5) < 1e-9)
        #expect(abs(value(s["by_kind"]?["gateway"]?["energy_kwh"]) - 0.24) < 1e-9)
        #expect(abs(value(s["by_district"]?["north"]?["energy_kwh"]) - 12.5) < 1e-9)
        #expect(abs(value(s["by_district"]?["south"]?["energy_kwh"]) - 0.24) < 1e-9)
        #expect(abs(value(s["by_layer"]?["network"]?["energy_kwh"]) - 0.24) < 1e-9)
        #expect(abs(value(s["by_fleet"]?["lamps"]?["peak_kw"]) - 1) < 1e-12)
        #expect(s["by_fleet"]?["gw"]?["nodes"] == .integer(2))
        #expect(abs(value(s["by_year"]?["2025"]?["energy_kwh"]) - 12.74) < 1e-9)
    }
}
