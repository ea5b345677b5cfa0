import UrbanWattScenario
import UrbanWattResults
import Foundation
import Testing
import UrbanWattCore
import UrbanWattKit

/// The national scenario's 2025 against figures computed by hand from its inputs: the Länder, the
/// population split, constant-power fleets, and the street lights' hours of darkness.
@Suite struct DeutschlandTests {
    /// Population on 31 Dec 2023 [Destatis2023] as scripts/deutschland records it: Berlin, and the
    /// sum of the sixteen Länder.
    static let berlin = 3_755_251.0, germany = 84_362_250.0

    static func year2025() throws -> (Simulation, Simulation.Outcome) {
        var de = try Simulation.load("deutschland")
        de.scenario.end = CivilDate(year: 2026, month: 1, day: 1)
        // Sensors draw a phase per node (millions here); the figures below do not need them.
        de.scenario.fleets.removeAll { $0.kind.rawValue == "sensor" }
        return (de, de.run())
    }

    @Test func the2025FiguresAreTheInputsTimesTheHours() throws {
        let (de, year) = try Self.year2025()
        #expect(Set(de.scenario.fleets.map(\.district)).count == 16)
        func fleets(_ suffix: String) -> [Int] { de.scenario.fleets.indices.filter { de.scenario.fleets[$0].name.hasSuffix(suffix) } }
        func kWh(_ suffix: String, district: String? = nil) -> Double {
            fleets(suffix).filter { district == nil || de.scenario.fleets[$0].district == district }.map { year.breakdown.kWh(.fleet($0)) }.reduce(0, +)
        }
        func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-4) -> Bool { abs(a - b) <= tolerance * abs(b) }
        /// The mean number of nodes that `kWh` at `watts` each makes in 2025.
        func meanNodes(_ kWh: Double, watts: Double) -> Double { kWh * 1000 / (watts * 8760) }
        // Counts move linearly from one year's figure to the next, so 2025's mean count is about
        // halfway from 1 January 2025 to 1 January 2026: within 100 nodes, as each Land's count is
        // a whole number at every step.
        // Gateways: 639,000 on 31 Dec 2024 [BNetzA-iMSys], 920,000 at the end of 2025 ([MsbG] §45: 20 %
        // of 4.6 million): 779,500 on average (the Länder's rounded counts: 638,998 and 919,998), 4.5 W each (the mode).
        let gateways = meanNodes(kWh("-smart-meter-gateways"), watts: 4.5)
        #expect(abs(gateways - 779_498) <= 100, "\(gateways)")
        // Charge points: 155,000 [BNetzA-LSR] to 188,000 in 2026 (rounded by Land: 187,998): 171,499 on average, 12 W each.
        let points = meanNodes(kWh("-charge-points"), watts: 12)
        #expect(abs(points - 171_499) <= 100, "\(points)")
        // Berlin's share is its share of the population [Destatis2023].
        #expect(close(kWh("-smart-meter-gateways", district: "berlin") / kWh("-smart-meter-gateways"), Self.berlin / Self.germany))
        // Conventional lamps (4.95 million falling to 4.5 million, 100 W) burn from dusk to dawn,
        // undimmed: averaged over a year a night is 12 hours anywhere, about 4,380 hours, a little
        // less for the sun's disc and refraction, a little more where lamps switch in twilight.
        let burning = kWh("-conventional-lights") * 1000 / (4.725e6 * 100)
        #expect((4_100...4_500).contains(burning), "\(burning) h")
    }
}
