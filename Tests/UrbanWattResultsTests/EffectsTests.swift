import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattResults
import UrbanWattScenario

/// Indirect effects on other carriers (issue 19, item 3): a year of 100 parking sensors, each
/// sparing 10 l of petrol a year of searching, a fifth taken back by rebound, on a grid of
/// 400 g/kWh and 0.30 EUR/kWh with petrol at 2.37 kg/l and 1.75 EUR/l. By hand: 1,000 l saved,
/// 2,370 kg and 1,750 EUR; the rebound takes 200 l, 474 kg, 350 EUR back; the sensors use
/// 100 × 1 W × 8,760 h = 876 kWh, 350.4 kg, 262.8 EUR; the net is 876 kWh (no electricity
/// saved), −1,545.6 kg and −1,137.2 EUR.
struct EffectsTests {
    static let yaml = """
        urbanwatt: 1
        name: effects
        period: {start: 2025-01-01, end: 2026-01-01, step: 1 h}
        grid: {carbon_intensity: 400 g/kWh, price: 0.30 EUR/kWh}
        carriers:
          petrol: {carbon_intensity: 2.37 kg/l, price: 1.75 EUR/l}
        effects:
          - {name: parking-search, enabled_by: parking, rate: 10, carrier: petrol, source: "assumed (U)", rebound: 20%}
        fleets:
          - {name: parking, kind: device, count: 100, power: 1 W}
        """

    @Test func anEffectOnPetrolEntersTheBalanceInCarbonAndCost() throws {
        let s = try summary(ofYAML: Self.yaml)
        let e = try #require(s.effects.first?.value)
        #expect(e.carrier == "petrol" && e.unit == "l")
        expectClose(e.saved, 1_000, "petrol saved"); expectClose(e.rebound, 200, "rebound"); expectClose(e.co2Kg, 1_896, "CO2 net of rebound");
        expectClose(e.cost, 1_400, "cost")
        let b = s.balance
        expectClose(b.kWh.net, 876, "net kWh: no electricity saved"); #expect(b.kWh.savingsICT == 0)
        expectClose(b.co2Kg?.savingsICT, 2_370, "ICT-enabled savings, CO2"); expectClose(b.co2Kg?.reboundICT, 474, "rebound, CO2")
        expectClose(b.co2Kg?.net, -1_545.6, "net CO2"); expectClose(b.cost?.net, -1_137.2, "net cost")
        expectClose(s.balance(fleet: "parking")?.co2Kg?.net, -1_545.6, "the enabling fleet's balance")
        // By carrier, in final energy: the sensors' 876 kWh of electricity used, 1,000 l of petrol
        // saved of which 200 l taken back; the carriers' nets add up to the balance's.
        let petrol = try #require(s.byCarrier.first { $0.name == "petrol" }?.value)
        expectClose(petrol.saved, 1_000, "petrol saved"); expectClose(petrol.net, -800, "petrol net, l");
        expectClose(petrol.netCO2Kg, -1_896, "petrol net, CO2")
        let power = try #require(s.byCarrier.first?.value)
        #expect(s.byCarrier.map(\.name) == ["electricity", "petrol"])
        expectClose(power.used, 876, "electricity used"); expectClose(power.net, 876, "electricity net, kWh");
        expectClose(power.netCO2Kg, 350.4, "electricity net, CO2")
        expectClose(power.netCost, 262.8, "electricity net, cost"); expectClose(petrol.netCost, -1_400, "petrol net, cost")
        #expect(s.assumptions.contains { $0.name == "indirect effects" && $0.value.first?.source == "assumed (U)" })
        // The year map of a carrier: petrol at 2.37 kg/l in 2025 and 2.0 in 2026 — a 2025 run reads 2025's.
        let mapped = try summary(
            ofYAML: Self.yaml.replacingOccurrences(of: "carbon_intensity: 2.37 kg/l", with: "carbon_intensity: {2025: 2.37 kg/l, 2030: 2.0 kg/l}"))
        #expect((mapped.balance.co2Kg?.savingsICT ?? 0) < 2_370 && (mapped.balance.co2Kg?.savingsICT ?? 0) > 2_370 * 0.98)
    }

    /// An effect on electricity counts in kWh too; a driver per node scales it.
    @Test func anEffectOnElectricityCountsInKWh() throws {
        let text = Self.yaml.replacingOccurrences(of: "rate: 10, carrier: petrol", with: "driver: {per_node: 2, unit: bay}, rate: 5, carrier: electricity")
        let b = try summary(ofYAML: text).balance
        expectClose(b.kWh.savingsICT, 1_000, "100 nodes × 2 bays × 5 kWh")
        expectClose(b.kWh.net, 876 - 1_000 + 200, "net kWh with the rebound")
        expectClose(b.co2Kg?.savingsICT, 400, "at the grid's 400 g/kWh")
    }

    /// The grid given as the electricity carrier is the grid; given twice, it is a located mistake.
    @Test func electricityIsTheGridUnderItsCarrierName() throws {
        let alias = Self.yaml.replacingOccurrences(
            of: "grid: {carbon_intensity: 400 g/kWh, price: 0.30 EUR/kWh}\ncarriers:\n",
            with: "carriers:\n  electricity: {carbon_intensity: 400 g/kWh, price: 0.30 EUR/kWh}\n")
        #expect(alias != Self.yaml)
        #expect(try summary(ofYAML: alias).balance == summary(ofYAML: Self.yaml).balance)
        let twice = Self.yaml.replacingOccurrences(of: "carriers:\n", with: "carriers:\n  electricity: {carbon_intensity: 300 g/kWh}\n")
        let error = #expect(throws: ScenarioErrors.self) { try ScenarioDecoder.decode(twice, file: "x.yaml") }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("x.yaml:6:16") && message.contains("carriers.electricity") && message.contains("as `grid:` (line 4)"), "\(message)")
    }

    /// A child scenario that gives the electricity carrier replaces its parent's `grid:`, and one
    /// that redefines `carriers:` keeps the parent's grid.
    @Test func theElectricityCarrierReplacesTheParentsGrid() throws {
        let child = """
            urbanwatt: 1
            name: child
            extends: mittelstadt
            period: {start: 2025-01-01, end: 2025-01-03, step: 1 h}
            carriers:
              electricity: {carbon_intensity: 100 g/kWh, price: 0.2 EUR/kWh}
              heat: {carbon_intensity: 201 g/kWh, price: 0.12 EUR/kWh}
              petrol: {carbon_intensity: 2.326 kg/l, price: 1.75 EUR/l}
            """
        func carbon(_ s: RunSummary) -> Double? { s.assumptions.first { $0.name == "grid" }?.value.first { $0.key == "carbon_intensity" }?.value }
        expectClose(carbon(try summary(ofYAML: child)), 100, "the child's electricity")
        let kept = child.replacingOccurrences(of: "  electricity: {carbon_intensity: 100 g/kWh, price: 0.2 EUR/kWh}\n", with: "")
        expectClose(carbon(try summary(ofYAML: kept)), 344, "the parent's grid")
    }

    /// A summary written before the carriers' balance (by_carrier summed the effects) reads with none.
    @Test func anOlderByCarrierReadsAsNone() throws {
        let s = try summary(ofYAML: Self.yaml)
        var text = s.json().serialized()
        let start = try #require(text.range(of: "\"by_carrier\": {"))
        let end = try #require(text.range(of: "\"assumptions\"", range: start.upperBound..<text.endIndex))
        text.replaceSubrange(
            start.lowerBound..<end.lowerBound,
            with: """
                "by_carrier": {"petrol": {"carrier": "petrol", "unit": "l", "saved": 1000, "rebound": 200, "co2_kg": 1896, "cost": 1400}}},
                  
                """)
        let read = try RunSummary(json: JSONParser.parse(text))
        #expect(read.byCarrier.isEmpty && read.balance == s.balance)
    }

    /// fleets.csv has a column per carrier: what the fleet's effects saved of it.
    @Test func fleetsCSVHasAColumnPerCarrier() throws {
        let b = Breakdown.run(Engine(scenario: try ScenarioDecoder.decode(Self.yaml, file: "x.yaml")))
        let lines = CSVWriters.fleets(b).split(separator: "\n")
        #expect(lines[0].hasSuffix(",bytes,petrol_saved_l"))
        #expect(lines[1].hasPrefix("2025,parking,") && Double(lines[1].split(separator: ",").last ?? "").map { abs($0 - 1_000) < 1e-6 } == true, "\(lines[1])")
    }

    /// A JSON summary with effects reads back equal.
    @Test func theSummaryRoundTrips() throws {
        let s = try summary(ofYAML: Self.yaml)
        #expect(try RunSummary(json: JSONParser.parse(s.json().serialized())) == s)
    }

    /// A caller that drops the enabling fleet after decoding (as Examples/district keeps one district)
    /// drops its effect too: nothing is computed on another fleet's nodes.
    @Test func anEffectWhoseFleetWasRemovedSavesNothing() throws {
        var scenario = try ScenarioDecoder.decode(
            Self.yaml.replacingOccurrences(of: "fleets:\n", with: "fleets:\n  - {name: other, kind: device, count: 1000, power: 1 W}\n"), file: "x.yaml")
        scenario.fleets.removeAll { $0.name == "parking" }
        let s = RunSummary(Breakdown.run(Engine(scenario: scenario)), run: RunInfo(wallSeconds: 0))
        #expect(s.effects.isEmpty && s.byCarrier.allSatisfy { $0.value.saved == 0 } && s.balance.co2Kg?.savingsICT == 0)
    }
}
