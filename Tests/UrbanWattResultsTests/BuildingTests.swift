import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattResults
import UrbanWattScenario

/// A building's BACS upgrade after EN ISO 52120-1 (issue 19, item 3): an office of 1,000 m² at
/// class D raised to B, 50 kWh/m² of electricity and 100 kWh/m² of heat a year at class D, 20 W
/// of BACS devices, over 2025 (8,760 h). By hand, with the factors of docs/sources.md [EN15232]:
/// electricity D 1.125 (the mean of lighting 1.1 and auxiliary 1.15), B 0.855 (0.85, 0.86); heat
/// D 1.51, B 0.80.
/// - electricity 50,000 kWh at D (the reference), 50,000 × 0.855 / 1.125 = 38,000 kWh at B: 12,000
///   kWh saved by the ICT; the devices 20 W × 8,760 h = 175.2 kWh of ICT overhead;
/// - heat 100,000 kWh at D, × 0.80 / 1.51 = 52,980.13 kWh at B: 47,019.87 kWh saved, 9,403.97 kg
///   at 200 g/kWh.
struct BuildingTests {
    static let yaml = """
        urbanwatt: 1
        name: bacs
        period: {start: 2025-01-01, end: 2026-01-01, step: 1 h}
        grid: {carbon_intensity: 400 g/kWh}
        carriers: {heat: {carbon_intensity: 200 g/kWh}}
        fleets:
          - {name: town-hall, kind: building, area: 1000 m², use: office, class: D, electricity: 50 kWh/m², heat: 100 kWh/m²,
             bacs: {class: B, devices: 20 W}}
        """

    @Test func aBACSUpgradeFromDToBOnAFixedDemand() throws {
        let s = try summary(ofYAML: Self.yaml)
        expectClose(s.byFleet[0].figures.energyKWh, 38_000 + 175.2, "electricity at class B with the devices")
        #expect(s.byFleet[0].layer == "buildings")
        let b = s.balance.kWh
        expectClose(b.savingsICT, 12_000, "electricity saved"); expectClose(b.ictOverhead, 175.2, "BACS devices"); expectClose(b.net, 175.2 - 12_000, "net kWh")
        let heat = 100_000 * (1 - 0.80 / 1.51)
        expectClose(s.effects.first { $0.name == "town-hall.heat" }?.value.saved, heat, "heat saved")
        expectClose(s.balance.co2Kg?.savingsICT, 12_000 * 0.4 + heat * 0.2, "ICT-enabled savings in CO2: electricity and heat")
        expectClose(s.balance.co2Kg?.net, 175.2 * 0.4 - 12_000 * 0.4 - heat * 0.2, "net CO2")
    }

    /// A weekly profile shapes the electricity over the week without changing its year.
    @Test func aProfileShapesTheDayNotTheYear() throws {
        let text = Self.yaml.replacingOccurrences(of: "bacs: {class: B, devices: 20 W}}", with: "profile: office}")
            .replacingOccurrences(of: "carriers: {heat: {carbon_intensity: 200 g/kWh}}\n", with: "")
        let s = try summary(ofYAML: text)
        // The shape is normalised over a week of 5 weekdays and 2 weekend days; 2025 has 261 and 104,
        // so the year is within 0.1 % of 50,000 kWh, not on it.
        #expect(abs(s.byFleet[0].figures.energyKWh - 50_000) < 50, "\(s.byFleet[0].figures.energyKWh)")
        #expect(s.byFleet[0].figures.peakKW > 50_000 / 8_760 * 1.5)
        #expect(s.balance.kWh.savingsICT == 0)
    }

    @Test func mistakesAreReportedWhereTheyAre() {
        func problems(_ text: String) -> [String] {
            do { _ = try ScenarioDecoder.decode(text, file: "x.yaml"); return [] } catch { return error.diagnostics.map(\.description) }
        }
        #expect(
            problems(Self.yaml.replacingOccurrences(of: "class: B, devices", with: "class: E, devices")).contains {
                $0.contains("fleets[town-hall].bacs.class")
            })
        #expect(
            problems(
                Self.yaml.replacingOccurrences(of: "class: B, devices", with: "class: D, devices").replacingOccurrences(
                    of: "class: D, electricity", with: "class: B, electricity")
            )
            .contains { $0.contains("is a downgrade") })
        #expect(
            problems(Self.yaml.replacingOccurrences(of: "carriers: {heat: {carbon_intensity: 200 g/kWh}}\n", with: ""))
                .contains { $0.contains("fleets[town-hall].heat: the heat a BACS upgrade saves needs the heat carrier") })
        #expect(problems(Self.yaml.replacingOccurrences(of: "area: 1000 m²", with: "area: 1000 W")).contains { $0.contains("fleets[town-hall].area") })
    }
}
