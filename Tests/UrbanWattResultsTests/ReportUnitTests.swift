import Testing
import UrbanWattCore
@testable import UrbanWattResults
import UrbanWattScenario

/// Issue 24, item 1: one energy unit per report, money rounded to what it means, and the typical
/// days of each year of a run of several years.
struct ReportUnitTests {
    @Test func theUnitIsChosenOnceFromTheTotal() {
        #expect(ReportUnit(totalKWh: 99_999) == .kWh)
        #expect(ReportUnit(totalKWh: 100_000) == .MWh)
        #expect(ReportUnit(totalKWh: 6_289_237) == .MWh) // mittelstadt
        #expect(ReportUnit(totalKWh: 124e6) == .MWh) // mittelstadt-2035, eleven years
        #expect(ReportUnit(totalKWh: 1e9) == .GWh)
        #expect(ReportUnit.GWh.number(12_345) == "0.012" && ReportUnit.GWh.number(0) == "0.0")
        #expect(ReportUnit.MWh.text(1_234_567) == "1,235 MWh")
        #expect(ReportUnit.GWh.text(31_400_000_000) == "31,400 GWh" && ReportUnit.GWh.powerText(5_500_000) == "5,500 MW")
    }

    @Test(arguments: [(263_912.55, "264,000"), (1_234.56, "1,230"), (999.6, "1,000"), (12.34, "12"), (-5_678, "-5,680"), (0.4, "0"), (1_005_000, "1,010,000")])
    func moneyHasThreeSignificantFiguresAndNoCents(_ x: Double, _ text: String) {
        #expect(SummaryTable.money(x) == text)
    }

    /// Ten servers of 80 W (50 W idle + 20 % of 150 W) in 2025 growing to twenty on 1 January 2026
    /// and staying there: each hour of a 2026 winter day draws 20 × 80 W = 1.6 kW; 2025's winter
    /// (January, February and a December of almost twenty) lies between; the period's day is the
    /// step-weighted mean of the two years'.
    @Test func aRunOfSeveralYearsHasATypicalDayPerYear() throws {
        let text = """
            urbanwatt: 1
            name: growing
            period: {start: 2025-01-01, end: 2027-01-01, step: 1 h}
            fleets:
              - {name: srv, kind: server, count: {2025: 10, 2026: 20}, idle: 50 W, max: 200 W, utilisation: 20%}
            """
        let b = Breakdown.run(Engine(scenario: try ScenarioDecoder.decode(text, file: "x.yaml")))
        let winter: Set<Int> = [12, 1, 2]
        let total = { (day: (kW: [[Double]], any: Bool), h: Int) in day.kW.reduce(0) { $0 + $1[h] } }
        let late = b.typicalDay(months: winter, year: 2026), early = b.typicalDay(months: winter, year: 2025), all = b.typicalDay(months: winter)
        #expect(late.any && early.any && !b.typicalDay(months: winter, year: 2030).any)
        for h in [0, 12, 23] {
            expectClose(total(late, h), 1.6, "2026 at \(h):00")
            #expect(total(early, h) > 0.8 && total(early, h) < 1.6, "2025 at \(h):00: \(total(early, h))")
            // 90 winter days in 2025 and 90 in 2026: the period's mean is the two years' mean.
            expectClose(total(all, h), (total(early, h) + total(late, h)) / 2, "both years at \(h):00")
        }
        let html = Report.html(b, summary: RunSummary(b, run: RunInfo(wallSeconds: 0)))
        for title in ["A typical winter day by layer, 2025", "A typical summer day by layer, 2026"] { #expect(html.contains(title), "\(title)") }
        #expect(!html.contains("A typical winter day by layer<"))
    }
}
