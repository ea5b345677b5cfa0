import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattResults
import UrbanWattScenario

/// The grid hour by hour and its views of CO2 (issue 21, item 4), by hand. A 1 kW box draws only
/// from 12:00 to 24:00 (UTC), 12 kWh a day, over January and February 2025: 708 kWh. Typical days:
/// January 100 g/kWh before noon and 300 after, February 200 all day, March to December 300. A
/// common year's hours average (31 × 200 + 28 × 200 + 306 × 300) / 365 = 103,600 / 365 g/kWh, so a
/// path of 300 g/kWh scales the table by k = 300 × 365 / 103,600. The box's CO2: January 31 × 12 ×
/// 300 k g, February 28 × 12 × 200 k g; 178.8 k kg in all.
struct GridViewsTests {
    static let k = 300.0 * 365 / 103_600

    /// MONTHS in `grid` is the table, in units of `unit` (100 → 0.1 with a unit of 0.001).
    static func scenario(grid: String, unit: Double = 1) -> String {
        func day(_ v: [Double]) -> String { "[" + v.map { "\($0 * unit)" }.joined(separator: ", ") + "]" }
        let months =
            ["jan: " + day(Array(repeating: 100, count: 12) + Array(repeating: 300, count: 12)), "feb: " + day(Array(repeating: 200, count: 24))]
            + ["mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map { "\($0): " + day(Array(repeating: 300, count: 24)) }
        return """
            urbanwatt: 1
            name: views
            location: {latitude: 52.52, longitude: 13.40, timezone: UTC}
            period: {start: 2025-01-01, end: 2025-03-01, step: 1 h}
            profiles:
              afternoon: {weekday: [\((Array(repeating: "0", count: 12) + Array(repeating: "1", count: 12)).joined(separator: ", "))]}
            grid:
            \(grid.replacingOccurrences(of: "MONTHS", with: "{" + months.joined(separator: ", ") + "}"))
            fleets:
              - {name: box, kind: device, power: 1000 W, profile: afternoon}
            """
    }

    @Test func aTypicalDayPerMonthOnAYearlyPath() throws {
        let s = try summary(ofYAML: Self.scenario(grid: "  carbon_intensity: {path: 300 g/kWh, by_month: MONTHS}"))
        expectClose(s.totals.energyKWh, 708, "energy")
        expectClose(s.totals.co2Kg, 178.8 * Self.k, "CO2 on the path")
        #expect(s.co2Views.isEmpty, "no view asked for")
        // Without a path, the table's own values.
        let plain = try summary(ofYAML: Self.scenario(grid: "  carbon_intensity: {by_month: MONTHS}"))
        expectClose(plain.totals.co2Kg, 178.8, "CO2 of the table")
        // A price table in the currency of its path: the same table in thousandths of EUR/kWh, on a
        // path of 0.30 EUR/kWh: 31 × 12 × 0.3 k + 28 × 12 × 0.2 k EUR, the CO2's figure in kg.
        let priced = try summary(ofYAML: Self.scenario(grid: "  price: {path: 0.30 EUR/kWh, by_month: MONTHS}", unit: 0.001))
        expectClose(priced.totals.cost, 178.8 * Self.k, "cost on the path")
        #expect(priced.totals.currency == "EUR")
    }

    /// Average 178.8 k kg (266.9 g/kWh over the load); with 10 % upstream 1.1 times that; marginal
    /// 600 g/kWh: 424.8 kg; market-based with a quarter green at 20 g/kWh and the rest at the average:
    /// 708 × 0.25 × 20 g + 0.75 × 178.8 k kg.
    @Test func theViewsOfCO2() throws {
        let grid = """
              carbon_intensity: {path: 300 g/kWh, by_month: MONTHS}
              upstream: 10%
              marginal: 600 g/kWh
              supply: {green_share: 25%, green: 20 g/kWh}
            """
        let s = try summary(ofYAML: Self.scenario(grid: grid))
        let average = 178.8 * Self.k
        #expect(s.co2Views.map(\.name) == ["average", "with_upstream", "marginal", "market_based"])
        expectClose(s.totals.co2Kg, average, "headline: the average")
        let views = Dictionary(uniqueKeysWithValues: s.co2Views.map { ($0.name, $0.value) })
        expectClose(views["average"]?.co2Kg, average, "average")
        expectClose(views["average"]?.gramsPerKWh, 1000 * average / 708, "average g/kWh over the load")
        expectClose(views["with_upstream"]?.co2Kg, 1.1 * average, "with upstream")
        expectClose(views["marginal"]?.co2Kg, 424.8, "marginal")
        expectClose(views["market_based"]?.co2Kg, 708 * 0.25 * 20 / 1000 + 0.75 * average, "market-based")
        // The box is ICT as a whole: the overhead is all of it in every view.
        expectClose(views["marginal"]?.balance.ictOverhead, 424.8, "marginal overhead")
        #expect(s.byYear.first?.co2Views.map(\.name) == ["average", "with_upstream", "marginal", "market_based"])
        expectClose(s.byYear.first?.co2Views.first { $0.name == "marginal" }?.value.co2Kg, 424.8, "2025, marginal")
        #expect(try RunSummary(json: JSONParser.parse(s.json().serialized())) == s)
        // BISKO: the headline with upstream.
        let bisko = try summary(ofYAML: Self.scenario(grid: grid + "\n  bisko: true"))
        expectClose(bisko.totals.co2Kg, 1.1 * average, "BISKO headline")
        expectClose(bisko.balance.co2Kg?.ictOverhead, 1.1 * average, "BISKO overhead")
    }

    /// The views in Monte Carlo bands and in `compare`: a box of 500 to 1,500 W draws 354 to 1,062
    /// kWh, so its marginal CO2 at 600 g/kWh lies in 212.4 to 637.2 kg; with a fixed power the band
    /// is the figure, 424.8 kg. `compare` against the run without the marginal view has its row on
    /// one side only.
    @Test func theViewsHaveBandsAndCompare() throws {
        let grid = "  carbon_intensity: {path: 300 g/kWh, by_month: MONTHS}\n  marginal: 600 g/kWh"
        let text = Self.scenario(grid: grid).replacingOccurrences(of: "power: 1000 W", with: "power: {uniform: [500 W, 1500 W]}")
        let stats = MonteCarlo.run(runs: 20) { k in try! ScenarioDecoder.decode(text, file: "x.yaml", sampler: .draw(seed: 1, run: k)) }
        let u = MonteCarlo.section(stats, parameters: 1)
        let marginal = try #require(u.co2Views.first { $0.name == "marginal" }?.value.first { $0.name == "co2_kg" }?.value)
        #expect(marginal.p5 >= 212.4 && marginal.p5 < marginal.p95 && marginal.p95 <= 637.2, "\(marginal)")
        #expect(u.co2Views.map(\.name) == ["average", "marginal"] && u.co2Views[0].value.map(\.name) == ["co2_kg", "net_co2_kg"])
        #expect(try RunSummary.Uncertainty(JSONReader(JSONParser.parse(u.json().serialized()), path: "")) == u)
        let fixed = MonteCarlo.section(MonteCarlo.run(runs: 3) { _ in try! ScenarioDecoder.decode(Self.scenario(grid: grid), file: "x.yaml") }, parameters: 0)
        let band = try #require(fixed.co2Views.first { $0.name == "marginal" }?.value.first { $0.name == "co2_kg" }?.value)
        expectClose(band.p5, 424.8, "p5")
        expectClose(band.p95, 424.8, "p95")
        let withViews = try summary(ofYAML: Self.scenario(grid: grid)),
            without = try summary(ofYAML: Self.scenario(grid: "  carbon_intensity: {path: 300 g/kWh, by_month: MONTHS}"))
        let rows = Comparison(without, withViews, labels: ("a", "b")).rows.filter { $0.section == "co2_views" }
        let row = try #require(rows.first { $0.name == "marginal" && $0.measure == "co2_kg" })
        #expect(row.a == nil)
        expectClose(row.b, 424.8, "compare, marginal")
        #expect(rows.isEmpty == false && Comparison(without, without, labels: ("a", "b")).rows.allSatisfy { $0.section != "co2_views" })
    }

    /// A table's cell is one price: a mapping there is a mistake, not its first value.
    @Test func aPriceCellIsOnePrice() {
        let text = Self.scenario(grid: "  price: {path: 0.30 EUR/kWh, by_month: MONTHS}", unit: 0.001)
        expectLocatedError(text.replacingOccurrences(of: "jan: [0.1,", with: "jan: [{2025: 1},"), "grid.price.by_month.jan[0]: expected a price")
    }

    @Test(arguments: [
        (
            "  carbon_intensity: {path: 300 g/kWh, by_month: {jan: [1, 2]}}",
            "grid.carbon_intensity.by_month: expected a typical day for each month, missing feb, mar"
        ),
        ("  carbon_intensity: {by_month: MONTHS, pth: 3}", "grid.carbon_intensity.pth"),
        ("  carbon_intensity: {path: 300 g/kWh}", "grid.carbon_intensity.by_month: missing"),
        ("  carbon_intensity: {profile: [1, 2]}", "{path: a year map, by_month: {jan: [24 values], …}}"),
        ("  carbon_intensity: 300 g/kWh\n  bisko: true", "grid.bisko: BISKO counts the fuel chains' upstream emissions"),
        (
            "  price: 0.30 EUR/kWh\n  marginal: 600 g/kWh",
            "grid.marginal: `marginal` is a view of the grid's CO2, so it needs the grid's `carbon_intensity` too"
        ),
        ("  carbon_intensity: 300 g/kWh\n  supply: {green: 20 g/kWh}", "grid.supply.green_share: missing"),
        ("  carbon_intensity: 300 g/kWh\n  supply: {green_share: 140%}", "grid.supply.green_share"),
        ("  carbon_intensity: 300 g/kWh\n  upstream: -5%", "grid.upstream"),
        ("  price: {by_month: MONTHS}", "grid.price: expected a currency"),
    ])
    func mistakesAreLocated(_ grid: String, _ expected: String) {
        expectLocatedError(Self.scenario(grid: grid), expected)
    }
}
