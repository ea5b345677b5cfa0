import UrbanWattScenario
import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattKit
import UrbanWattResults

/// The library's front door, used as an application would.
@Suite struct SimulationTests {
    @Test func loadRunReadAndWrite() throws {
        var city = try Simulation.load("mittelstadt")
        city.scenario.end = CivilDate(year: 2025, month: 1, day: 2)
        let day = city.run()
        #expect(day.complete)
        let kWh = day.summary().totals.energyKWh
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
            _ = try Simulation(
                yaml: "urbanwatt: 1\nname: x\nperiod: {start: 2025-01-01, end: 2025-01-02}\nfleets:\n  - {name: a, kind: device, power: 1e21 W}\n",
                file: "x.yaml")
            Issue.record("accepted 1e21 W")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["x.yaml:5:36: error: fleets[a].power: expected a power of at most 1000000000 W, got \"1e21 W\""])
        }
    }

    @Test func monteCarloThroughTheFrontDoor() throws {
        let sim = try Simulation(
            yaml: """
                urbanwatt: 1
                name: mc
                seed: 5
                period: {start: 2025-01-01, end: 2025-01-08, step: 1 h}
                fleets:
                  - {name: d, kind: device, count: 100, power: {uniform: [4 W, 6 W]}}
                """)
        let u = try sim.uncertainty(runs: 20)
        #expect(u.finished == 20)
        let p50 = try #require(u.section?.total("energy_kwh")?.p50)
        // 100 × 5 W × 168 h = 84 kWh at the centre; a draw is uniform in [67.2, 100.8] kWh.
        #expect(p50 > 67.2 && p50 < 100.8)
    }

    /// An edited `scenario` is what Monte Carlo runs (issue 23, item 2). Two uncertain fleets,
    /// `a` and `b`, 100 devices of 4–6 W each for a week (84 kWh at the centre, 67.2–100.8 kWh a
    /// run). Doubling `a`'s count in code doubles its band, its power still drawn the same; setting
    /// `b`'s power to 3 W in code makes it 50.4 kWh in every run, no longer drawn; a fleet added in
    /// code runs as added. The drivers and the swings list only what is still drawn.
    @Test func anEditedScenarioIsWhatMonteCarloRuns() throws {
        var sim = try Simulation(
            yaml: """
                urbanwatt: 1
                name: edited
                seed: 5
                period: {start: 2025-01-01, end: 2025-01-08, step: 1 h}
                fleets:
                  - {name: a, kind: device, count: 100, power: {uniform: [4 W, 6 W]}}
                  - {name: b, kind: device, count: 100, power: {uniform: [4 W, 6 W]}}
                """)
        func band(_ u: RunSummary.Uncertainty?, _ fleet: String) -> RunSummary.Band? {
            u?.byFleet.first { $0.name == fleet }?.value.first { $0.name == "energy_kwh" }?.value
        }
        let before = try sim.uncertainty(runs: 20).section
        let a0 = try #require(band(before, "a")), b0 = try #require(band(before, "b"))
        #expect(a0.p5 > 67.2 && a0.p95 < 100.8 && a0.p5 < a0.p95 && b0.p5 < b0.p95)
        sim.scenario.fleets[0].count = YearMap(200)
        var b = sim.scenario.fleets[1]
        b.model = Device(power: 3)
        sim.scenario.fleets[1] = b
        sim.scenario.fleets.append(Fleet(name: "c", count: YearMap(10), model: Device(power: 1)))
        let after = try sim.uncertainty(runs: 20)
        let a1 = try #require(band(after.section, "a")), b1 = try #require(band(after.section, "b")), c1 = try #require(band(after.section, "c"))
        // The same draws (the same seed and runs), twice the nodes.
        #expect(abs(a1.p5 - 2 * a0.p5) < 1e-9 && abs(a1.p95 - 2 * a0.p95) < 1e-9, "\(a0) → \(a1)")
        #expect(abs(b1.p5 - 50.4) < 1e-9 && abs(b1.p95 - 50.4) < 1e-9, "\(b1)")
        #expect(abs(c1.p50 - 1.68) < 1e-9)
        #expect(after.stats.allSatisfy { $0.inputs.map(\.0) == ["fleets[a].power"] })
        #expect(try sim.sensitivity().swings.map(\.input) == ["fleets[a].power"])
        // The group of a path: the kind's parameters, the replaced equipment's life cycle and capex.
        typealias G = Simulation.Edits.Group
        #expect(G(path: ["power"]) == .kind && G(path: ["radio", "tx_current"]) == .kind && G(path: ["installed", "age"]) == .embodied)
        #expect(
            G(path: ["replaces", "power"]) == .kind && G(path: ["replaces", "embodied", "co2e"]) == .embodied && G(path: ["replaces", "capex"]) == .capex)
    }

    /// A server whose `idle` and `max` are both uncertain: about one run in five draws `max` below
    /// `idle`. Such a run is drawn again as a whole (counted as a redraw), never replaced by the
    /// central scenario (100 W idle, 150 W max, half load: 125 W × 168 h = 21 kWh). Draws that
    /// (almost) never agree stop the Monte Carlo with the run and the check that failed.
    @Test func runsWhoseDrawsBreakACheckAreDrawnAgainOrRefused() throws {
        func server(idle: String, max: String) throws -> Simulation {
            try Simulation(
                yaml: """
                    urbanwatt: 1
                    name: servers
                    period: {start: 2025-01-01, end: 2025-01-08, step: 1 h}
                    fleets:
                      - {name: srv, kind: server, idle: \(idle), max: \(max), utilisation: 50%}
                    """, file: "servers.yaml")
        }
        let sim = try server(idle: "{uniform: [50 W, 150 W]}", max: "{uniform: [100 W, 200 W]}")
        let u = try sim.uncertainty(runs: 40)
        let energies = u.stats.compactMap { $0.totals.first { $0.0 == "energy_kwh" }?.1 }
        #expect(energies.count == 40)
        #expect(!energies.contains(21))
        #expect(u.stats.reduce(0) { $0 + $1.redraws } > 0)
        for k in 0..<40 {
            let s = try sim.sample(run: k)
            guard case let server as Server = s.fleets[0].model else { Issue.record("not a server"); continue }
            #expect(server.max >= server.idle)
        }
        let hopeless = try server(idle: "{triangular: [0 W, 100 W, 100000 W]}", max: "{triangular: [100 W, 101 W, 102 W]}")
        do {
            _ = try hopeless.uncertainty(runs: 40)
            Issue.record("ran draws that break the scenario's checks")
        } catch {
            #expect(error.description.contains("servers.yaml:5:"))
            #expect(error.description.contains("fleets[srv].max: expected `max` of at least `idle`"))
            #expect(error.description.contains("run \(error.run ?? -1)'s draws of the uncertain parameters broke these checks in 101 attempts"))
        }
    }
}
