import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattResults
import UrbanWattScenario

/// The life cycle (issue 20, items 1–2) against figures computed by hand. A year of a lifetime is
/// 365.25 days, so 10 years from 1 January 2025 end at noon on 1 January 2035.
struct LifeCycleTests {
    /// 1,000 sensors, new at the start, at 2 kg CO2e and 0.1 kg each with a 10-year life, growing
    /// by 10 % a year for a decade. Counts on 1 January, 2025 to 2035, 1,000 × 1.1^k rounded:
    static let counts: [Double] = [1000, 1100, 1210, 1331, 1464, 1611, 1772, 1949, 2144, 2358, 2594]
    static let days: [Double] = [365, 365, 365, 366, 365, 365, 365, 366, 365, 365]

    static func growing(installed: String = "new") -> String {
        let map = (0...10).map { "\(2025 + $0): \(Int(counts[$0]))" }.joined(separator: ", ")
        return """
            urbanwatt: 1
            name: growing
            period: {start: 2025-01-01, end: 2035-01-01, step: 1 h}
            fleets:
              - {name: sensors, kind: device, power: 0.1 W, count: {\(map)}, embodied: {co2e: 2 kg, lifetime: 10 years, mass: 0.1 kg}, installed: \(installed)}
            """
    }

    /// As incurred, each year's new sensors at 2 kg: 2025 the first thousand and 100 more (2,200 kg),
    /// then 220, 242, 266, 294, 322, 354, 390, 428, 472 kg, 5,188 kg in all; none is replaced within
    /// the decade. Amortised, each year's sensor-days at 2 kg per 3,652.5 days: (N_k + N_k+1) / 2 ×
    /// days × 2 / 3,652.5, 2025's 1,050 × 365 × 2 / 3,652.5 = 209.856 kg.
    @Test func aGrowingFleetAsIncurredAndAmortised() throws {
        let s = try summary(ofYAML: Self.growing())
        let life = try #require(s.lifecycle)
        #expect(life.byYear.map(\.name) == (2025...2034).map(String.init))
        for (k, y) in life.byYear.enumerated() {
            let added = Self.counts[k + 1] - Self.counts[k] + (k == 0 ? Self.counts[0] : 0)
            expectClose(y.value.installed, added, "installed \(y.name)")
            expectClose(y.value.incurredCO2eKg, 2 * added, "incurred \(y.name)")
            expectClose(y.value.amortisedCO2eKg, (Self.counts[k] + Self.counts[k + 1]) / 2 * Self.days[k] * 2 / 3_652.5, "amortised \(y.name)")
            #expect(y.value.replaced == 0 && y.value.retired == 0 && y.value.wasteKg == 0)
        }
        expectClose(life.byYear[0].value.incurredCO2eKg, 2_200, "2025 incurred")
        expectClose(life.byYear[0].value.amortisedCO2eKg, 209.856_262_833_675_56, "2025 amortised")
        expectClose(life.total.incurredCO2eKg, 5_188, "incurred over the decade")
        expectClose(life.total.installed, 2_594, "installed over the decade")
        #expect(life.byFleet.map(\.name) == ["sensors"] && life.byLayer.map(\.name) == ["sensing"] && life.byKind.map(\.name) == ["device"])
        // Existing stock at the start is not made in 2025, but the share of it, of every age up to ten
        // years, that reaches ten in 2025 is replaced: 1,000 × 365 / 3,652.5 = 99.93, with the 100 added.
        let existing = try #require(try summary(ofYAML: Self.growing(installed: "existing")).lifecycle)
        expectClose(existing.byYear[0].value.replaced, 1_000 * 365 / 3_652.5, "existing: 2025 replaced")
        expectClose(existing.byYear[0].value.incurredCO2eKg, 200 + 2 * 1_000 * 365 / 3_652.5, "existing: 2025 incurred")
    }

    /// 100 nodes, new, with a 2-year life and the CO2e split: 3 kg made, 1 kg shipped, 0.5 kg at end
    /// of life; 0.2 kg each. The count falls from 100 to 60 during 2027.
    /// 2025: 100 made, 400 kg. 2027: the 40 oldest retired, the other 60 (due at noon on 1 January)
    /// replaced: 60 × 4 + 100 × 0.5 = 290 kg, 20 kg of waste. 2029: the 60 replaced again,
    /// 60 × 4.5 = 270 kg, 12 kg of waste. Amortised: node-days × 4.5 / 730.5.
    @Test func replacementsRetirementsAndTheirWaste() throws {
        let s = try summary(
            ofYAML: """
                urbanwatt: 1
                name: cycle
                period: {start: 2025-01-01, end: 2030-01-01, step: 1 h}
                fleets:
                  - name: gw
                    kind: device
                    power: 1 W
                    count: {2027: 100, 2028: 60}
                    embodied: {manufacturing: 3 kg, transport: 1 kg, end_of_life: 0.5 kg, lifetime: 2 years, mass: 0.2 kg}
                    installed: new
                """)
        let years = try #require(s.lifecycle).byYear.map(\.value)
        #expect(years.map(\.installed) == [100, 0, 0, 0, 0])
        #expect(years.map(\.replaced) == [0, 0, 60, 0, 60])
        #expect(years.map(\.retired) == [0, 0, 40, 0, 0])
        for (k, kg) in [400.0, 0, 290, 0, 270].enumerated() { expectClose(years[k].incurredCO2eKg, kg, "incurred \(2025 + k)") }
        for (k, kg) in [0.0, 0, 20, 0, 12].enumerated() { expectClose(years[k].wasteKg, kg, "waste \(2025 + k)") }
        let nodeDays: [Double] = [100 * 365, 100 * 365, 80 * 365, 60 * 366, 60 * 365]
        for k in 0..<5 { expectClose(years[k].amortisedCO2eKg, nodeDays[k] * 4.5 / 730.5, "amortised \(2025 + k)") }
    }

    /// 120 nodes of every age up to a 4-year life (1,461 days) fall due evenly: 120 × 365 / 1,461 a
    /// year, 120 × 366 / 1,461 in the leap year 2028; 2 kg each.
    @Test func existingStockIsReplacedEvenlyOverItsLifetime() throws {
        let s = try summary(
            ofYAML: """
                urbanwatt: 1
                name: stock
                period: {start: 2025-01-01, end: 2029-01-01, step: 1 h}
                fleets:
                  - {name: meters, kind: device, power: 1 W, count: 120, embodied: {co2e: 2 kg, lifetime: 4 years}}
                """)
        let life = try #require(s.lifecycle)
        for (y, days) in zip(life.byYear, [365.0, 365, 365, 366]) {
            expectClose(y.value.replaced, 120 * days / 1_461, "replaced \(y.name)");
            expectClose(y.value.incurredCO2eKg, 240 * days / 1_461, "incurred \(y.name)")
            #expect(y.value.wasteKg == nil && y.value.incurredADPKgSbEq == nil && y.value.incurredPrimaryEnergyMJ == nil, "not given: absent, not zero")
        }
    }

    /// 100 NB-IoT sensors, new, with a 2 Wh battery that lasts B (the run's mean battery life) and a
    /// 10-year life: each battery is replaced at B, 2B, … from 1 January 2025, 0.2 kg CO2e and
    /// 0.05 kg each; amortised, the ceil(10 years / B) − 1 batteries of a life over its 10 years.
    @Test func batteriesAreReplacedWhenTheyRunOut() throws {
        let s = try summary(
            ofYAML: """
                urbanwatt: 1
                name: batteries
                period: {start: 2025-01-01, end: 2027-01-01, step: 1 h}
                fleets:
                  - name: meters
                    kind: sensor
                    count: 100
                    radio: {type: nbiot}
                    uplink: {interval: 15 min, payload: 20 B}
                    battery: 2 Wh
                    embodied: {co2e: 1 kg, lifetime: 10 years, mass: 0.1 kg, battery: {co2e: 0.2 kg, mass: 0.05 kg}}
                    installed: new
                """)
        let years = try #require(s.lifecycle).byYear.map(\.value)
        let b = try #require(s.byFleet.first?.batteryLifeYears?.mean) * Dimension.yearSeconds
        #expect(b > 30 * 86_400 && b < 365 * 86_400, "a battery of months: \(b / 86_400) days")
        let start = 0.0, days = [365.0, 365.0]
        var from = start
        for (k, length) in days.enumerated() {
            let to = from + length * 86_400
            let changes = Double((1...1_000).filter { Double($0) * b >= from && Double($0) * b < to }.count)
            expectClose(years[k].batteriesReplaced, 100 * changes, "batteries \(2025 + k)")
            expectClose(years[k].incurredCO2eKg, (k == 0 ? 100 : 0) + 100 * changes * 0.2, "incurred \(2025 + k)")
            expectClose(years[k].wasteKg, 100 * changes * 0.05, "waste \(2025 + k)")
            let perLife = (10 * Dimension.yearSeconds / b).rounded(.up) - 1
            expectClose(years[k].amortisedCO2eKg, 100 * length * 86_400 * (1 + perLife * 0.2) / (10 * Dimension.yearSeconds), "amortised \(2025 + k)")
            from = to
        }
    }

    /// `embodied: default` takes the kind's cited figures: ten new servers at Boavizta's 947.7 kg over
    /// 4 years incur 9,477 kg in 2025 and amortise 10 × 947.7 × 365 / 1,461 = 2,367.6 kg of it.
    @Test func theKindsDefault() throws {
        let text = """
            urbanwatt: 1
            name: servers
            period: {start: 2025-01-01, end: 2026-01-01, step: 1 h}
            fleets:
              - {name: srv, kind: server, count: 10, idle: 50 W, max: 200 W, utilisation: 20%, embodied: default, installed: new}
            """
        let s = try summary(ofYAML: text)
        // The stdout table's line.
        let table = SummaryTable.render(Breakdown.run(Engine(scenario: try ScenarioDecoder.decode(text, file: "x.yaml"))))
        #expect(table.contains("life cycle: embodied 9.5 t CO2e as incurred, 2.4 t amortised · 10.0 installed, 0.0 replaced, 0.0 retired"), "\(table)")
        let life = try #require(s.lifecycle)
        expectClose(life.total.incurredCO2eKg, 9_477, "incurred")
        expectClose(life.total.amortisedCO2eKg, 10 * 947.7 * 365 / 1_461, "amortised")
        // Resources where the source gives them (issue 20, item 3): 0.1425 kg Sb-eq and 12,580 MJ a server.
        expectClose(life.total.incurredADPKgSbEq, 1.425, "abiotic depletion, incurred")
        expectClose(life.total.incurredPrimaryEnergyMJ, 125_800, "primary energy, incurred")
        expectClose(life.total.amortisedPrimaryEnergyMJ, 10 * 12_580 * 365 / 1_461, "primary energy, amortised")
        #expect(s.assumptions.first { $0.name == "srv" }?.value.contains { $0.key == "embodied.co2e" && $0.source.hasPrefix("[Boavizta]") } == true)
    }

    /// A kind without a default says why.
    @Test func aLinkHasNoDefault() {
        let text = """
            urbanwatt: 1
            name: e
            period: {start: 2025-01-01, end: 2026-01-01, step: 1 h}
            fleets:
              - {name: d, kind: sensor, radio: {type: nbiot}, uplink: {interval: 1 h, payload: 20 B}, via: l}
              - {name: l, kind: link, intensity: 0.06 kWh/GB, embodied: default}
            """
        #expect(throws: ScenarioErrors.self) { try ScenarioDecoder.decode(text, file: "x.yaml") }
        let message =
            (try? ScenarioDecoder.decode(text, file: "x.yaml")).map { _ in "" }
            ?? {
                do { _ = try ScenarioDecoder.decode(text, file: "x.yaml") } catch { return "\(error)" }; return ""
            }()
        #expect(message.contains("x.yaml:6:") && message.contains("a link has no embodied default (an allocation of networks' energy"), "\(message)")
    }

    /// Stock aged 2 to 4 years of a 4-year life falls due within 730.5 days: 120 × 365 / 730.5 in
    /// 2025 and 2026 and the half day's share in 2027; stock older than its lifetime at once.
    @Test func existingStockOfGivenAges() throws {
        func replaced(_ installed: String) throws -> [Double] {
            try #require(
                try summary(
                    ofYAML: """
                        urbanwatt: 1
                        name: stock
                        period: {start: 2025-01-01, end: 2029-01-01, step: 1 h}
                        fleets:
                          - {name: meters, kind: device, power: 1 W, count: 120, embodied: {co2e: 2 kg, lifetime: 4 years}, installed: \(installed)}
                        """
                ).lifecycle
            ).byYear.map(\.value.replaced)
        }
        let spread = try replaced("{age: [2 years, 4 years]}")
        let year: Double = 120 * 365 / 730.5, halfDay: Double = 120 * 0.5 / 730.5
        let expected: [Double] = [year, year, halfDay, 0]
        for k in expected.indices { expectClose(spread[k], expected[k], "aged stock \(2025 + k)") }
        #expect(try replaced("{age: [5 years, 5 years]}") == [120, 0, 0, 0])
    }

    /// Written and read back, the life cycle and its years are the same; a run without `embodied:`
    /// has no lifecycle section.
    @Test func theSummaryRoundTrips() throws {
        let s = try summary(ofYAML: Self.growing())
        let text = s.json().serialized()
        #expect(text.contains("\"lifecycle\": {") && text.contains("\"incurred_co2e_kg\""))
        #expect(try RunSummary(json: JSONParser.parse(text)) == s)
        let plain = try summary(
            ofYAML: Self.growing().replacingOccurrences(of: ", embodied: {co2e: 2 kg, lifetime: 10 years, mass: 0.1 kg}, installed: new", with: ""))
        #expect(plain.lifecycle == nil && !plain.json().serialized().contains("lifecycle"))
    }

    @Test(arguments: [
        (
            "embodied: {co2e: 2 kg, manufacturing: 1 kg, lifetime: 4 years}",
            "fleets[d].embodied.co2e: give the CO2e whole (`co2e`) or split (`manufacturing`), not both"
        ),
        ("embodied: {lifetime: 4 years}", "fleets[d].embodied: missing the CO2e of a node"),
        ("embodied: {co2e: 2 kg}", "fleets[d].embodied.lifetime: missing; expected the years a node serves"),
        ("embodied: {co2e: 2 kg, lifetime: 1 h}", "fleets[d].embodied.lifetime: expected a lifetime of at least 1 day, got \"1 h\""),
        ("embodied: {co2e: 2 W, lifetime: 4 years}", "fleets[d].embodied.co2e:"),
        ("embodied: {co2e: -2 kg, lifetime: 4 years}", "fleets[d].embodied.co2e:"),
        ("embodied: {co2e: 2 kg, lifetime: 4 years, weight: 1 kg}", "fleets[d].embodied.weight:"),
        ("embodied: {co2e: 2 kg, lifetime: 4 years}, installed: old", "fleets[d].installed: "),
        ("embodied: defaults", "fleets[d].embodied: expected `default` or a mapping"),
        ("embodied: {co2e: 2 kg, lifetime: 4 years}, installed: {age: [4 years, 2 years]}", "fleets[d].installed.age: expected the youngest age first"),
        ("embodied: {co2e: 2 kg, lifetime: 4 years}, installed: {age: [4 years]}", "fleets[d].installed.age: expected two ages"),
        ("embodied: {co2e: 2 kg, lifetime: 4 years}, installed: {ages: 1}", "fleets[d].installed.ages:"),
        ("installed: new", "fleets[d].installed: `installed` says when the nodes' embodied CO2e is incurred; give `embodied:` too"),
        (
            "embodied: {co2e: 2 kg, lifetime: 4 years, battery: {co2e: 0.1 kg}}",
            "fleets[d].embodied.battery: this fleet's nodes have no battery (`battery:`) to replace"
        ),
    ])
    func eachMistakeIsLocated(_ keys: String, _ expected: String) {
        let text = """
            urbanwatt: 1
            name: e
            period: {start: 2025-01-01, end: 2026-01-01, step: 1 h}
            fleets:
              - {name: d, kind: device, power: 1 W, \(keys)}
            """
        do {
            _ = try ScenarioDecoder.decode(text, file: "x.yaml")
            Issue.record("accepted: \(keys)")
        } catch {
            #expect("\(error)".contains("x.yaml:5:") && "\(error)".contains(expected), "\(error)")
        }
    }
}
