import Testing
import UrbanWattCore
@testable import UrbanWattResults

@Suite struct BalanceTests {
    /// 100 LED signals (12 heads × 15 W + 50 W controller) replacing incandescent lamps of 140 W,
    /// and a 10 W gateway as the only ICT.
    func retrofit() -> Breakdown {
        let led = TrafficSignal(heads: 12, lamp: 15, controller: 50)
        let old = TrafficSignal(heads: 12, lamp: 140, controller: 50)
        let s = Scenario(
            name: "b", start: .init(year: 2025, month: 1, day: 1), end: .init(year: 2026, month: 1, day: 1), step: 3600,
            fleets: [
                Fleet(name: "signals", count: YearMap(100), model: led, replaces: old),
                Fleet(name: "gw", model: Gateway(power: 10)),
            ])
        return Breakdown.run(Engine(scenario: s))
    }

    /// The heads are the load served, the controllers ICT: replacing the lamps saves by efficiency
    /// alone (the signals have no ICT function to turn off), and the controllers join the overhead.
    @Test func savingsAndNetOfARetrofitAreComputedByHand() {
        let b = retrofit().balance().kWh
        #expect(abs(b.baseline - 1_471_680) < 1e-6) // 100 × 12 × 140 W × 8760 h
        #expect(abs(b.savingsEfficiency - 1_314_000) < 1e-6) // 100 × 12 × 125 W × 8760 h
        #expect(b.savingsICT == 0 && b.savings == b.savingsEfficiency)
        #expect(abs(b.ictOverhead - 43_887.6) < 1e-6) // controllers 100 × 50 W × 8760 h + gateway 87.6
        #expect(abs(b.net - 43_887.6) < 1e-6)
        #expect(abs(b.netWithEfficiency - (43_887.6 - 1_314_000)) < 1e-6)
    }

    @Test func theSummaryReportsTheBalanceAndEveryLayer() {
        let json = RunSummary(retrofit(), run: RunInfo(version: "t", wallSeconds: 0)).json()
        #expect(json["balance"]?["savings_kwh"]?.doubleValue.map { abs($0 - 1_314_000) < 1e-6 } == true)
        #expect(json["ict"]?["by_kind"]?["traffic-signal"]?["energy_kwh"]?.doubleValue.map { abs($0 - 43_800) < 1e-6 } == true)
        // By fleet, the measures: the signals' net is their controllers; the gateway's ICT is in `ict`.
        #expect(json["balance"]?["by_fleet"]?["signals"]?["net_kwh"]?.doubleValue.map { abs($0 - 43_800) < 1e-6 } == true)
        #expect(json["balance"]?["by_fleet"]?["gw"] == nil && json["ict"]?["by_fleet"]?["gw"]?["energy_kwh"]?.doubleValue.map { abs($0 - 87.6) < 1e-9 } == true)
        #expect(json["by_year"]?["2025"]?["balance"]?["savings_efficiency_kwh"]?.doubleValue.map { abs($0 - 1_314_000) < 1e-6 } == true)
        #expect(json["by_layer"]?["mobility"]?["energy_kwh"]?.doubleValue.map { abs($0 - 201_480) < 1e-6 } == true)
        #expect(json["by_fleet"]?["signals"]?["baseline_kwh"] != nil)
        #expect(json["totals"]?["co2_kg"] == .null)
        #expect(json["by_year"]?["2025"]?["peak_kw"]?.doubleValue == 23.01)
    }

    @Test func timeseriesRowsAreMeansOverTheResolution() {
        let csv = CSVWriters.timeseries(retrofit(), stepsPerRow: 24).split(separator: "\n")
        #expect(csv.count == 1 + 365)
        #expect(csv[1] == "2025-01-01T00:00:00Z,2025-01-01T00:00:00+00:00,23.010000,0.000000,0.010000,0.000000,0.000000,23.000000,0.000000")
    }

    @Test func jsonRoundTripsThroughTheParser() throws {
        let json = RunSummary(retrofit(), run: RunInfo(version: "t", wallSeconds: 1.5)).json()
        #expect(try JSONParser.parse(json.serialized()) == json)
    }
}
