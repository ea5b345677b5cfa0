import Foundation
import Testing
import UrbanWattKit

/// The library's front door, used as an application would.
@Suite struct SimulationTests {
    @Test func loadRunReadAndWrite() throws {
        var city = try Simulation.load("mittelstadt")
        city.scenario.end = CivilDate(year: 2025, month: 1, day: 2)
        let day = city.run()
        #expect(day.complete)
        let summary = day.summary()
        let kWh = try #require(summary["totals"]?["energy_kwh"]?.doubleValue)
        #expect(abs(day.totalEnergy.converted(to: .kilowattHours).value - kWh) < 1e-9 * kWh)
        #expect(day.duration.converted(to: .hours).value == 24)
        // The fleets add up to the total.
        let fleets = city.scenario.fleets.compactMap { day.energy(ofFleet: $0.name)?.converted(to: .kilowattHours).value }
        #expect(fleets.count == city.scenario.fleets.count)
        #expect(abs(fleets.reduce(0, +) - kWh) < 1e-9 * kWh)
        #expect(day.energy(ofFleet: "no-such-fleet") == nil)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kit-\(UUID().uuidString)").path
        try day.write(to: folder, resolution: Measurement(value: 6, unit: .hours))
        let rows = try String(contentsOfFile: folder + "/timeseries.csv", encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 1 + 4)
    }

    @Test func aBrokenScenarioThrowsItsLocatedProblems() {
        do {
            _ = try Simulation(yaml: "urbanwatt: 1\nname: x\nperiod: {start: 2025-01-01, end: 2025-01-02}\nfleets:\n  - {name: a, kind: device, power: 1e21 W}\n", file: "x.yaml")
            Issue.record("accepted 1e21 W")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["x.yaml:5:36: error: fleets[a].power: expected a power of at most 1000000000 W, got \"1e21 W\""])
        }
    }

    @Test func monteCarloThroughTheFrontDoor() throws {
        let sim = try Simulation(yaml: """
            urbanwatt: 1
            name: mc
            seed: 5
            period: {start: 2025-01-01, end: 2025-01-08, step: 1 h}
            fleets:
              - {name: d, kind: device, count: 100, power: {uniform: [4 W, 6 W]}}
            """)
        let u = sim.uncertainty(runs: 20)
        #expect(u.finished == 20)
        let p50 = try #require(u.section?["totals"]?["energy_kwh"]?["p50"]?.doubleValue)
        // 100 × 5 W × 168 h = 84 kWh at the centre; a draw is uniform in [67.2, 100.8] kWh.
        #expect(p50 > 67.2 && p50 < 100.8)
    }
}
