import Foundation
import Testing
import UrbanWattCore
import UrbanWattKit
import UrbanWattResults

/// What drives the answer (issue 19, item 5): from the Monte Carlo runs, and by one-at-a-time swings.
@Suite struct DriversTests {
    /// One day, two always-on ICT devices: `big` 10–30 W, `small` 1.0–1.1 W. The net is the ICT
    /// overhead, (big + small) × 24 h: nearly all of its variance is `big`'s.
    static let yaml = """
        urbanwatt: 1
        name: two-inputs
        period: {start: 2025-03-03, end: 2025-03-04, step: 1 h}
        grid: {carbon_intensity: 400 g/kWh}
        fleets:
          - {name: big, kind: device, count: 10, power: {uniform: [10 W, 30 W]}}
          - {name: small, kind: device, count: 10, power: {uniform: [1 W, 1.1 W]}}
        """

    @Test func theDominantInputExplainsNearlyAllTheVariance() throws {
        let sim = try Simulation(yaml: Self.yaml)
        let mc = try sim.uncertainty(runs: 400)
        let drivers = try #require(mc.section?.drivers)
        #expect(drivers.map(\.input) == ["fleets[big].power", "fleets[small].power"])
        let big = drivers[0], small = drivers[1]
        #expect(big.firstOrder.map(\.name) == ["net_co2_kg", "energy_kwh"])
        // Var(big) = 20²/12 × 100, Var(small) = 0.1²/12 × 100: big explains 99.997 % of the net's variance.
        #expect(big.firstOrder[0].value > 0.9, "\(big.firstOrder)")
        #expect(small.firstOrder[0].value < 0.1, "\(small.firstOrder)")
        // The net follows `big` one for one: its ranks are the net's.
        #expect(big.rankCorrelation[0].value > 0.99)
        // summary.json and runs.csv carry them: a merge of shards gets them back.
        let json = mc.section!.json()
        guard case .array(let listed)? = json["drivers"] else { Issue.record("no drivers in the JSON"); return }
        #expect(listed.first?["input"]?.stringValue == "fleets[big].power")
        let back = try RunTotals.parse(RunTotals.csv(mc.stats)).get()
        #expect(MonteCarlo.section(back, parameters: 2).drivers == mc.section!.drivers)
    }

    /// Each input alone at its 5th and 95th percentile: big at 11 and 29 W, small at 1.005 and
    /// 1.095 W, the other at its mean (20 W, 1.05 W); the net in kg CO2 is 10 × W × 24 h × 0.4 g/Wh.
    @Test func swingsAreTheNetAtEachInputsFifthAndNinetyFifthPercentile() throws {
        let s = try Simulation(yaml: Self.yaml).sensitivity()
        #expect(s.complete && s.output == "net_co2_kg")
        func net(_ big: Double, _ small: Double) -> Double { 10 * (big + small) * 24 * 0.4 / 1000 }
        func close(_ x: Double, _ y: Double) -> Bool { abs(x - y) < 1e-9 * max(1, abs(y)) }
        #expect(close(s.centralNet, net(20, 1.05)))
        #expect(s.swings.map(\.input) == ["fleets[big].power", "fleets[small].power"])
        #expect(close(s.swings[0].value.p5, 11) && close(s.swings[0].value.p95, 29))
        #expect(close(s.swings[0].net.p5, net(11, 1.05)) && close(s.swings[0].net.p95, net(29, 1.05)))
        #expect(close(s.swings[1].net.p5, net(20, 1.005)) && close(s.swings[1].net.p95, net(20, 1.095)))
        guard case .array(let swings)? = s.json()["swings"] else { Issue.record("no swings in the JSON"); return }
        #expect(s.tornado().contains("fleets[big].power") && swings.last?["net_co2_kg"]?["p95"] != nil)
    }

    @Test func quantilesOfEachDistribution() {
        #expect(abs(Distribution.normal(mean: 0, sd: 1).quantile(0.95) - 1.6448536269514722) < 1e-9)
        #expect(abs(Distribution.normal(mean: 50, sd: 5).quantile(0.05) - (50 - 5 * 1.6448536269514722)) < 1e-8)
        #expect(Distribution.uniform(10, 30).quantile(0.05) == 11)
        // Triangular [0, 1, 2] at 5 %: x²/2 = 0.05, x = √0.1.
        #expect(abs(Distribution.triangular(min: 0, mode: 1, max: 2).quantile(0.05) - 0.1.squareRoot()) < 1e-12)
    }
}
