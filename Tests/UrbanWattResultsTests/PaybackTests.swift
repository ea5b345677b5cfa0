import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattResults
import UrbanWattScenario

/// Payback (issue 20, item 4) of the methodology's underpass retrofit, by hand: 100 LED lights of
/// 40 W with a 1 W controller, dimmed to half 22:00–06:00, replacing 100 W lamps, on at all hours,
/// at 400 g/kWh and 0.30 EUR/kWh; each light 100 kg CO2e (new in 2025, 20-year life) and 400 EUR.
/// A common year: efficiency savings 52,560 kWh, ICT-enabled 5,840 kWh, controllers 876 kWh; 2028
/// is a leap year (52,704, 5,856 and 878.4 kWh).
struct PaybackTests {
    static func retrofit(until end: Int) -> String {
        """
        urbanwatt: 1
        name: underpass
        location: {latitude: 52.52, longitude: 13.40}
        period: {start: 2025-01-01, end: \(end)-01-01, step: 1 h}
        grid: {carbon_intensity: 400 g/kWh, price: 0.30 EUR/kWh}
        fleets:
          - {name: lights, kind: streetlight, count: 100, on_below: 90, power: 40 W, controller: 1 W,
             dimming: [{from: "22:00", to: "06:00", level: 50%}], replaces: {power: 100 W},
             embodied: {co2e: 100 kg, lifetime: 20 years}, installed: new, capex: 400 EUR}
          - {name: gw, kind: gateway, power: 10 W}
        """
    }

    /// All savings: (52,560 + 5,840 − 876) × 0.4 = 23,009.6 kg a year against 10,000 kg made in
    /// 2025: paid back in 2025. ICT-enabled alone: (5,840 − 876) × 0.4 = 1,985.6 kg a year (1,991.04
    /// in 2028): −8,014.4, −6,028.8, −4,043.2, −2,052.16, −66.56, then +1,919.04 in 2030. In money:
    /// 57,524 × 0.30 = 17,257.2 EUR a year against 40,000 EUR: −22,742.8, −5,485.6, +11,771.6 in 2027.
    @Test func aRetrofitPaysBackInTheYearsComputedByHand() throws {
        let s = try summary(ofYAML: Self.retrofit(until: 2031))
        let p = try #require(s.payback.first { $0.name == "lights" }?.value)
        #expect(s.payback.map(\.name) == ["lights"], "only the measure")
        #expect(p.co2eYear == 2025 && p.co2eYearICT == 2030 && p.costYear == 2027)
        expectClose(p.co2eNetICTKg, 1_919.04, "ICT-enabled, at the end")
        expectClose(p.co2eNetKg, 5 * 23_009.6 + (52_704 + 5_856 - 878.4) * 0.4 - 10_000, "all savings, at the end")
        expectClose(p.costNet, 5 * 17_257.2 + (52_704 + 5_856 - 878.4) * 0.3 - 40_000, "money, at the end")
        #expect(try RunSummary(json: JSONParser.parse(s.json().serialized())) == s)
    }

    /// Three years are too few for the ICT-enabled savings alone: not within the period, by −4,043.2 kg.
    @Test func aMeasureThatDoesNotPayBackSaysSo() throws {
        let p = try #require(try summary(ofYAML: Self.retrofit(until: 2028)).payback.first?.value)
        #expect(p.co2eYearICT == nil && p.co2eYear == 2025)
        expectClose(p.co2eNetICTKg, -4_043.2, "short by")
        #expect(try summary(ofYAML: Self.retrofit(until: 2028)).json().serialized().contains("\"co2e_year_ict\": null"))
    }

    /// The SCI per light-point-hour of 2025 (issue 20, item 5): E·I, the lights' 29,200 kWh of lamp and
    /// 876 kWh of controller at 400 g/kWh, 12,030.4 kg; M, 100 lights × 100 kg × 365 / (20 × 365.25)
    /// days, 499.658 kg; R, 100 × 8,760 light-point-hours: (12,030.4 + 499.658) / 876,000 kg = 14.30 g.
    @Test func theSoftwareCarbonIntensityPerLightPointHour() throws {
        let text = Self.retrofit(until: 2026).replacingOccurrences(
            of: "capex: 400 EUR}", with: "capex: 400 EUR,\n     functional_unit: {name: light-point-hour, per: node-hour}}")
        let s = try summary(ofYAML: text)
        let sci = try #require(s.sci.first { $0.name == "lights" }?.value)
        #expect(sci.unit == FunctionalUnit(name: "light-point-hour", per: .nodeHour) && sci.byYear.map(\.year) == [2025])
        expectClose(sci.byYear[0].operationalKg, 12_030.4, "E·I")
        expectClose(sci.byYear[0].embodiedKg, 3_650_000.0 / 7_305, "M")
        expectClose(sci.byYear[0].units, 876_000, "R")
        expectClose(sci.byYear[0].gramsPerUnit, 1000 * (12_030.4 + 3_650_000.0 / 7_305) / 876_000, "SCI, g per light-point-hour")
        #expect(try RunSummary(json: JSONParser.parse(s.json().serialized())) == s)
        let wrong = text.replacingOccurrences(of: "per: node-hour", with: "per: lamp")
        #expect(throws: ScenarioErrors.self) { try ScenarioDecoder.decode(wrong, file: "x.yaml") }
    }

    @Test(arguments: [
        ("capex: 400 USD", "fleets[lights].capex: expected what a node costs to buy and install, such as 400 EUR"),
        ("capex: -5", "fleets[lights].capex: expected what a node costs"),
        ("capex: [1]", "fleets[lights].capex: expected what a node costs"),
    ])
    func capexMistakesAreLocated(_ replacement: String, _ expected: String) {
        let text = Self.retrofit(until: 2026).replacingOccurrences(of: "capex: 400 EUR", with: replacement)
        expectLocatedError(text, expected, line: 9)
    }

    /// A payback weighs a measure bought at the start, even when the life cycle counts existing stock.
    @Test func aMeasureIsWeighedAsBoughtAtTheStart() throws {
        let stock = Self.retrofit(until: 2031).replacingOccurrences(of: "installed: new, ", with: "")
        let p = try #require(try summary(ofYAML: stock).payback.first?.value)
        #expect(p.co2eYear == 2025 && p.co2eYearICT == 2030 && p.costYear == 2027)
    }

    /// The lamps the LEDs replace are all due for a change at the start (`age: [2 years, 2 years]`,
    /// a 2-year life): had they stayed, 100 lamps of 10 kg CO2e and 60 EUR each would have been
    /// bought in 2025, 2027 and 2029 (730.5 days on, then 1,461: 1 January 2029). The measure is
    /// credited 1,000 kg and 6,000 EUR in each. ICT-enabled alone: −7,014.4, −5,028.8, −2,043.2,
    /// −52.16, then +2,933.44 in 2029 (not 2030) and +4,919.04 at the end. In money: −16,742.8, then
    /// +514.4 in 2026 (not 2027).
    @Test func theReplacedEquipmentsAvoidedPurchasesAreCredited() throws {
        let text = Self.retrofit(until: 2031).replacingOccurrences(
            of: "replaces: {power: 100 W}",
            with: "replaces: {power: 100 W, embodied: {co2e: 10 kg, lifetime: 2 years}, installed: {age: [2 years, 2 years]}, capex: 60 EUR}")
        let s = try summary(ofYAML: text)
        let p = try #require(s.payback.first { $0.name == "lights" }?.value)
        #expect(p.co2eYear == 2025 && p.co2eYearICT == 2029 && p.costYear == 2026)
        expectClose(p.co2eNetICTKg, 1_919.04 + 3_000, "ICT-enabled, at the end")
        expectClose(p.costNet, 5 * 17_257.2 + (52_704 + 5_856 - 878.4) * 0.3 - 40_000 + 18_000, "money, at the end")
        let lights = try #require(s.assumptions.first { $0.name == "lights" }?.value)
        #expect(lights.contains { $0.key == "replaces.embodied.co2e" && $0.value == 10 } && lights.contains { $0.key == "replaces.capex" && $0.value == 60 })
        #expect(lights.contains { $0.key == "capex" && $0.value == 400 && $0.unit == "EUR per node" })
    }

    @Test(arguments: [
        (
            "installed: {age: [2 years, 2 years]}, capex: 60 EUR}", "installed: new}",
            "fleets[lights].replaces.installed: the equipment a measure replaces is the stock there at the start"
        ),
        (
            "embodied: {co2e: 10 kg, lifetime: 2 years}, installed: {age: [2 years, 2 years]}, ", "",
            "fleets[lights].replaces.capex: a capex is paid for each replaced node renewed"
        ),
        ("capex: 60 EUR", "capex: lots", "fleets[lights].replaces.capex: expected what a node costs"),
        ("lifetime: 2 years", "lifetime: 2 h", "fleets[lights].replaces.embodied.lifetime: expected a lifetime of at least 1 day"),
    ])
    func replacedPurchaseMistakesAreLocated(_ old: String, _ new: String, _ expected: String) {
        let text = Self.retrofit(until: 2026).replacingOccurrences(
            of: "replaces: {power: 100 W}",
            with: "replaces: {power: 100 W, embodied: {co2e: 10 kg, lifetime: 2 years}, installed: {age: [2 years, 2 years]}, capex: 60 EUR}"
        )
        .replacingOccurrences(of: old, with: new)
        expectLocatedError(text, expected, line: 8)
    }

    @Test func capexNeedsEmbodied() {
        let text = Self.retrofit(until: 2026).replacingOccurrences(of: "embodied: {co2e: 100 kg, lifetime: 20 years}, installed: new, ", with: "")
        #expect(throws: ScenarioErrors.self) { try ScenarioDecoder.decode(text, file: "x.yaml") }
    }

    @Test func capexNeedsAPrice() {
        let text = Self.retrofit(until: 2026).replacingOccurrences(of: ", price: 0.30 EUR/kWh", with: "")
        #expect(throws: ScenarioErrors.self) { try ScenarioDecoder.decode(text, file: "x.yaml") }
    }
}
