import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattResults
import UrbanWattScenario

/// The three cases of a measure (ITU-T L.1480): the replaced equipment, the new equipment with its
/// ICT functions off, and as it is. Each split is checked against three separate runs of plain
/// fleets, and the controllers' draw against its hand-computed energy.
struct ThreeCasesTests {
    /// January 2025 in Berlin: 100 street lights, 40 W LEDs with a 5 W controller dimmed to half from
    /// 22:00 to 06:00, replacing 100 W sodium lamps.
    static func scenario(_ lights: String, grid: String = "{carbon_intensity: 400 g/kWh, price: 0.30 EUR/kWh}", extra: String = "") -> String {
        """
        urbanwatt: 1
        name: retrofit
        location: {latitude: 52.52, longitude: 13.40, timezone: Europe/Berlin}
        period: {start: 2025-01-01, end: 2025-02-01, step: 15 min}
        grid: \(grid)
        fleets:
          - {name: lights, kind: streetlight, count: 100, \(lights)}
          - {name: gw, kind: gateway, power: 10 W}
        \(extra)
        """
    }

    static let actual = "power: 40 W, controller: 5 W, dimming: [{from: \"22:00\", to: \"06:00\", level: 50%}], replaces: {power: 100 W}"

    func lights(_ lights: String) throws -> RunSummary.Fleet { try summary(ofYAML: Self.scenario(lights)).byFleet[0] }

    @Test func efficiencyAndICTSavingsMatchThreeSeparateRuns() throws {
        let sodium = try lights("power: 100 W")
        let plainLED = try lights("power: 40 W")
        let smart = try summary(ofYAML: Self.scenario(Self.actual))
        // The controllers: 100 × 5 W × 744 h of January = 372 kWh, 148.8 kg, 111.6 EUR.
        let controllers = 372.0
        expectClose(smart.ict.byFleet.first { $0.name == "lights" }?.value.energyKWh, controllers, "controllers")
        let served = smart.byFleet[0].figures.energyKWh - controllers
        let b = smart.balance.kWh
        expectClose(b.baseline, sodium.figures.energyKWh, "baseline")
        expectClose(b.savingsEfficiency, sodium.figures.energyKWh - plainLED.figures.energyKWh, "efficiency savings")
        // The same dark hours: 100 W against 40 W saves 1.5 times what the LEDs use.
        expectClose(b.savingsEfficiency, 1.5 * plainLED.figures.energyKWh, "efficiency savings by hand")
        expectClose(b.savingsICT, plainLED.figures.energyKWh - served, "ICT-enabled savings")
        // The overhead: controllers and the gateway (10 W × 744 h).
        expectClose(b.ictOverhead, controllers + 7.44, "ICT overhead")
        expectClose(b.net, controllers + 7.44 - b.savingsICT, "net")
        expectClose(b.netWithEfficiency, controllers + 7.44 - b.savings, "net with efficiency")
        #expect(b.savingsICT > 0 && b.savingsEfficiency > b.savingsICT)
        // Carbon and cost follow each step's energy: a flat grid scales them.
        expectClose(smart.balance.co2Kg?.savingsICT, 0.4 * b.savingsICT, "ICT-enabled savings, CO2")
        expectClose(smart.balance.cost?.net, 0.30 * b.net, "net, cost")
        expectClose(smart.balance(fleet: "lights")?.kWh.savingsEfficiency, b.savingsEfficiency, "by fleet")
        expectClose(smart.byYear[0].balance.kWh.savingsICT, b.savingsICT, "by year")
    }

    /// A timer that already dimmed before the retrofit is the reference the scenario gives: the ICT
    /// is credited only with what it dims beyond the timer.
    @Test func anExplicitReferenceWins() throws {
        let timer = "dimming: [{from: \"00:00\", to: \"05:00\", level: 50%}]"
        let timed = try lights("power: 40 W, \(timer)")
        let smart = try summary(ofYAML: Self.scenario(Self.actual + ", reference: {\(timer)}"))
        let b = smart.balance.kWh
        expectClose(b.savingsICT, timed.figures.energyKWh - (smart.byFleet[0].figures.energyKWh - 372), "ICT-enabled savings over the timer")
        let plain = try summary(ofYAML: Self.scenario(Self.actual)).balance.kWh
        #expect(b.savingsICT < plain.savingsICT && b.savings == plain.savings)
    }

    /// A fleet with ICT functions and no `replaces:` is weighed against itself with them off.
    @Test func newLightsWithDimmingSaveByICTOnly() throws {
        let smart = try summary(ofYAML: Self.scenario("power: 40 W, dimming: [{from: \"22:00\", to: \"06:00\", level: 50%}]"))
        let plain = try lights("power: 40 W")
        expectClose(smart.balance.kWh.savingsICT, plain.figures.energyKWh - smart.byFleet[0].figures.energyKWh, "dimming")
        #expect(smart.balance.kWh.savingsEfficiency == 0 && smart.balance.kWh.baseline == 0)
    }

    /// Smart charging moves sessions to cleaner hours: the energy is the same, its carbon is not.
    @Test func smartChargingSavesCarbonNotEnergy() throws {
        var carbon = Array(repeating: "500", count: 24)
        for h in 0..<6 { carbon[h] = "100" }
        let grid = "{carbon_intensity: {hourly: [\(carbon.joined(separator: ", "))]}}"
        func chargers(_ smart: String) -> String {
            """
            urbanwatt: 1
            name: charging
            period: {start: 2025-03-03, end: 2025-03-17, step: 15 min}
            grid: \(grid)
            fleets:
              - {name: cp, kind: ev-charger, count: 20, power: 11 kW, sessions: {per_day: 1, energy: 11 kWh, profile: evening}\(smart)}
            """
        }
        let dumb = try summary(ofYAML: chargers(""))
        let smart = try summary(ofYAML: chargers(", smart: {objective: carbon, window: 10 h}"))
        let b = smart.balance
        expectClose(b.kWh.savingsICT, dumb.byFleet[0].figures.energyKWh - smart.byFleet[0].figures.energyKWh, "energy")
        expectClose(b.co2Kg?.savingsICT, (dumb.byFleet[0].figures.co2Kg ?? 0) - (smart.byFleet[0].figures.co2Kg ?? 0), "carbon")
        #expect((b.co2Kg?.savingsICT ?? 0) > 0.3 * (dumb.byFleet[0].figures.co2Kg ?? 0))
    }

    /// A standby draw is the charge point's electronics: ICT, and in the overhead.
    @Test func chargerStandbyIsICT() throws {
        let s = try summary(
            ofYAML: """
                urbanwatt: 1
                name: standby
                period: {start: 2025-03-03, end: 2025-03-04, step: 1 h}
                fleets:
                  - {name: cp, kind: ev-charger, count: 10, power: 11 kW, standby: 5 W, sessions: {per_day: 0, energy: 11 kWh}}
                """)
        expectClose(s.balance.kWh.ictOverhead, 10 * 5 * 24 / 1000, "standby of idle chargers")
        expectClose(s.ict.byKind.first?.value.energyKWh, 1.2, "by kind")
    }
}

extension ThreeCasesTests {
    static let underpass = """
        urbanwatt: 1
        name: underpass
        location: {latitude: 52.52, longitude: 13.40}
        period: {start: 2025-01-01, end: 2026-01-01, step: 1 h}
        grid: {carbon_intensity: 400 g/kWh}
        fleets:
          - {name: lights, kind: streetlight, count: 100, on_below: 90, power: 40 W, controller: 1 W,
             dimming: [{from: "22:00", to: "06:00", level: 50%}], replaces: {power: 100 W}}
          - {name: gw, kind: gateway, power: 10 W}
        """

    /// docs/methodology.md, "A worked example": every line of its table.
    @Test func theWorkedExampleOfTheMethodology() throws {
        let s = try summary(ofYAML: Self.underpass)
        let b = s.balance.kWh
        #expect(b.rebound == 0 && b.reboundICT == 0)
        expectClose(b.baseline, 87_600, "baseline")
        expectClose(s.byFleet[0].figures.energyKWh - 876, 29_200, "actual load served")
        expectClose(s.ict.byFleet[0].value.energyKWh, 876, "controllers")
        expectClose(b.savingsEfficiency, 52_560, "savings_efficiency")
        expectClose(b.savingsICT, 5_840, "savings_ict")
        expectClose(b.ictOverhead, 963.6, "ict_overhead")
        expectClose(b.net, -4_876.4, "net")
        expectClose(s.balance.co2Kg?.net, -1_950.56, "net CO2")
        expectClose(b.netWithEfficiency, -57_436.4, "net_with_efficiency")
    }
}

extension ThreeCasesTests {
    /// docs/methodology.md, "Rebound": a fifth of the savings taken back.
    @Test func aReboundTakesBackItsShareOfTheSavings() throws {
        let text = Self.underpass.replacingOccurrences(of: "replaces: {power: 100 W}}", with: "replaces: {power: 100 W}, rebound: 20%}")
        let b = try summary(ofYAML: text).balance.kWh
        expectClose(b.savings, 58_400, "savings, gross")
        expectClose(b.rebound, 11_680, "rebound: 20 % × (87,600 − 29,200)")
        expectClose(b.reboundICT, 1_168, "rebound of the ICT-enabled savings: 20 % × 5,840")
        expectClose(b.net, 963.6 - 5_840 + 1_168, "net")
        expectClose(b.netWithEfficiency, 963.6 - 58_400 + 11_680, "net with efficiency")
        // A distribution, drawn per run; the central run uses its mean.
        let drawn = text.replacingOccurrences(of: "rebound: 20%", with: "rebound: {uniform: [10%, 30%]}")
        expectClose(try summary(ofYAML: drawn).balance.kWh.rebound, 11_680, "central rebound")
        let scenario = try ScenarioDecoder.decode(drawn, file: "x.yaml", sampler: .draw(seed: 1, run: 2))
        #expect(scenario.fleets[0].rebound >= 0.1 && scenario.fleets[0].rebound <= 0.3 && scenario.uncertainParameters.contains("fleets[lights].rebound"))
    }

    @Test func aReboundNeedsAMeasure() {
        let text = Self.underpass.replacingOccurrences(of: "power: 10 W}", with: "power: 10 W, rebound: 10%}")
        #expect(throws: ScenarioErrors.self) { try ScenarioDecoder.decode(text, file: "x.yaml") }
        #expect(throws: ScenarioErrors.self) {
            try ScenarioDecoder.decode(
                Self.underpass.replacingOccurrences(of: "replaces: {power: 100 W}}", with: "replaces: {power: 100 W}, rebound: 120%}"), file: "x.yaml")
        }
    }
}
