import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattResults
import UrbanWattScenario

/// CO2 and cost at every level of summary.json, against figures computed by hand.
///
/// Two days across New Year at 400 g/kWh and 0.30 EUR/kWh: a 1 kW sensing device in district a
/// (48 kWh: 19.2 kg, 14.4 EUR), a 500 W gateway in b (24 kWh: 9.6 kg, 7.2 EUR) and 100 W lamps in b
/// replacing 300 W ones (4.8 kWh: 1.92 kg, 1.44 EUR; baseline 14.4 kWh, so 9.6 kWh, 3.84 kg and
/// 2.88 EUR saved by efficiency). A device is ICT as a whole, so the lamps are left out of the
/// boundary: the ICT is the device and the gateway, 72 kWh, 28.8 kg, 21.6 EUR; nothing saved by ICT,
/// so the net is the overhead, and 62.4 kWh, 24.96 kg, 18.72 EUR with efficiency.
struct CarbonAndCostTests {
    static let yaml = """
        urbanwatt: 1
        name: money
        period: {start: 2025-12-31, end: 2026-01-02, step: 1 h}
        grid: {carbon_intensity: 400 g/kWh, price: 0.30 EUR/kWh}
        districts: [a, b]
        fleets:
          - {name: d1, kind: device, district: a, power: 1 kW}
          - {name: gw, kind: gateway, district: b, power: 500 W}
          - {name: lamps, kind: device, layer: lighting, district: b, power: 100 W, replaces: {power: 300 W}}
        boundary: {exclude: {lamps: a lamp is not ICT}}
        """

    let s: JSONValue

    init() throws {
        let scenario = try ScenarioDecoder.decode(Self.yaml, file: "x.yaml")
        s = RunSummary(Breakdown.run(Engine(scenario: scenario)), run: RunInfo(wallSeconds: 0)).json()
    }

    func close(_ path: [String], _ expected: Double) {
        var v: JSONValue? = s
        for key in path { v = v?[key] }
        guard let x = v?.doubleValue else { Issue.record("no \(path.joined(separator: "."))"); return }
        #expect(abs(x - expected) <= 1e-9 * max(1, abs(expected)), "\(path.joined(separator: ".")) = \(x), expected \(expected)")
    }

    @Test func everyLayerKindDistrictAndFleet() {
        close(["by_layer", "sensing", "co2_kg"], 19.2); close(["by_layer", "sensing", "cost"], 14.4)
        close(["by_layer", "network", "co2_kg"], 9.6); close(["by_layer", "network", "cost"], 7.2)
        close(["by_layer", "lighting", "co2_kg"], 1.92); close(["by_layer", "lighting", "cost"], 1.44)
        close(["by_layer", "compute", "co2_kg"], 0)
        close(["by_kind", "device", "co2_kg"], 21.12); close(["by_kind", "device", "cost"], 15.84)
        close(["by_district", "a", "co2_kg"], 19.2); close(["by_district", "a", "cost"], 14.4)
        close(["by_district", "b", "co2_kg"], 11.52); close(["by_district", "b", "cost"], 8.64)
        close(["by_fleet", "gw", "co2_kg"], 9.6); close(["by_fleet", "lamps", "cost"], 1.44)
    }

    @Test func everyYearAndItsLayers() {
        close(["by_year", "2025", "energy_kwh"], 38.4); close(["by_year", "2025", "co2_kg"], 15.36); close(["by_year", "2025", "cost"], 11.52)
        close(["by_year", "2026", "co2_kg"], 15.36)
        close(["by_year", "2025", "by_layer", "sensing", "co2_kg"], 9.6); close(["by_year", "2025", "by_layer", "sensing", "cost"], 7.2)
        close(["by_year", "2026", "by_layer", "lighting", "co2_kg"], 0.96)
    }

    @Test func theBalanceInEnergyCarbonAndCost() {
        close(["balance", "savings_kwh"], 9.6); close(["balance", "savings_efficiency_kwh"], 9.6); close(["balance", "savings_ict_kwh"], 0)
        close(["balance", "net_kwh"], 72); close(["balance", "net_with_efficiency_kwh"], 62.4)
        close(["balance", "savings_co2_kg"], 3.84); close(["balance", "ict_overhead_co2_kg"], 28.8); close(["balance", "net_with_efficiency_co2_kg"], 24.96)
        close(["balance", "savings_cost"], 2.88); close(["balance", "ict_overhead_cost"], 21.6); close(["balance", "net_with_efficiency_cost"], 18.72)
        close(["balance", "baseline_co2_kg"], 5.76)
        close(["ict", "energy_kwh"], 72); close(["ict", "by_district", "b", "co2_kg"], 9.6); close(["ict", "excluded", "lamps", "energy_kwh"], 4.8)
        close(["balance", "by_district", "b", "savings_efficiency_cost"], 2.88); close(["balance", "by_fleet", "lamps", "ict_overhead_kwh"], 0)
        close(["by_year", "2026", "balance", "savings_efficiency_kwh"], 4.8)
    }

    /// Without a grid intensity or price the fields are there, and null.
    @Test func withoutAGridTheyAreNull() throws {
        let scenario = try ScenarioDecoder.decode(
            Self.yaml.replacingOccurrences(of: "grid: {carbon_intensity: 400 g/kWh, price: 0.30 EUR/kWh}\n", with: ""), file: "x.yaml")
        let s = RunSummary(Breakdown.run(Engine(scenario: scenario)), run: RunInfo(wallSeconds: 0)).json()
        #expect(s["by_layer"]?["sensing"]?["co2_kg"] == .null && s["balance"]?["net_cost"] == .null)
    }

    /// Monte Carlo bands cover the balance and every layer and fleet, not only the totals.
    @Test func uncertaintyBandsCoverTheBalanceLayersAndFleets() throws {
        let text = Self.yaml.replacingOccurrences(of: "power: 1 kW", with: "power: {uniform: [0.5 kW, 1.5 kW]}")
        let stats = MonteCarlo.run(runs: 20) { k in try! ScenarioDecoder.decode(text, file: "x.yaml", sampler: .draw(seed: 1, run: k)) }
        let u = MonteCarlo.section(stats, parameters: 1).json()
        let p5 = u["by_fleet"]?["d1"]?["energy_kwh"]?["p5"]?.doubleValue ?? 0, p95 = u["by_fleet"]?["d1"]?["energy_kwh"]?["p95"]?.doubleValue ?? 0
        #expect(p5 >= 24 && p5 < p95 && p95 <= 72)
        #expect(u["balance"]?["net_co2_kg"]?["p50"]?.doubleValue != nil)
        #expect(u["by_layer"]?["lighting"]?["cost"]?["p50"]?.doubleValue.map { abs($0 - 1.44) < 1e-9 } == true)
    }
}

/// fleets.csv and timeseries.csv carry what a spreadsheet needs.
struct DataFileTests {
    @Test func fleetsCSVHasCarbonCostAndSavingsPerYear() throws {
        let scenario = try ScenarioDecoder.decode(CarbonAndCostTests.yaml, file: "x.yaml")
        let rows = CSVWriters.fleets(Breakdown.run(Engine(scenario: scenario))).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let head = rows[0]
        #expect(head.contains("co2_kg") && head.contains("savings_cost") && head.contains("battery_life_p5_years"))
        func cell(_ year: String, _ fleet: String, _ column: String) -> String {
            rows.first { $0[0] == year && $0[1] == fleet }![head.firstIndex(of: column)!]
        }
        // One day of 2025 each: lamps 2.4 kWh (0.96 kg, 0.72 EUR), baseline 7.2 kWh, saving 4.8 kWh, 1.92 kg, 1.44 EUR.
        #expect(cell("2025", "lamps", "energy_kwh") == "2.400000" && cell("2025", "lamps", "co2_kg") == "0.960000")
        #expect(cell("2025", "lamps", "baseline_kwh") == "7.200000" && cell("2025", "lamps", "savings_kwh") == "4.800000")
        #expect(cell("2025", "lamps", "savings_co2_kg") == "1.920000" && cell("2026", "lamps", "savings_cost") == "1.440000")
        #expect(cell("2025", "gw", "cost") == "3.600000" && cell("2025", "gw", "baseline_kwh").isEmpty && cell("2025", "gw", "battery_life_mean_years").isEmpty)
    }

    /// Berlin in July is UTC+2: the row of 22:00 UTC is midnight local.
    @Test func timeseriesHasLocalTimeAndFleetColumns() throws {
        let text = CarbonAndCostTests.yaml.replacingOccurrences(
            of: "period: {start: 2025-12-31, end: 2026-01-02, step: 1 h}",
            with: "location: {latitude: 52.5, longitude: 13.4, timezone: Europe/Berlin}\nperiod: {start: 2025-07-01, end: 2025-07-02, step: 1 h}")
        let b = Breakdown.run(Engine(scenario: try ScenarioDecoder.decode(text, file: "x.yaml")))
        let layers = CSVWriters.timeseries(b, stepsPerRow: 1).split(separator: "\n")
        #expect(layers[0] == "time,time_local,total_kw,sensing_kw,network_kw,compute_kw,lighting_kw,mobility_kw,buildings_kw")
        // The day starts at local midnight: 2025-06-30T22:00Z.
        #expect(layers[1].hasPrefix("2025-06-30T22:00:00Z,2025-07-01T00:00:00+02:00,1.600000,1.000000,0.500000"))
        let fleets = CSVWriters.timeseries(b, stepsPerRow: 24, columns: .fleets).split(separator: "\n")
        #expect(
            fleets == ["time,time_local,total_kw,d1_kw,gw_kw,lamps_kw", "2025-06-30T22:00:00Z,2025-07-01T00:00:00+02:00,1.600000,1.000000,0.500000,0.100000"])
    }
}
