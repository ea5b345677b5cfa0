import Foundation
import UrbanWattCore

/// The one energy unit a report speaks in, chosen once from its total so that text, tables and
/// charts agree: kWh for a street or a pilot, MWh for a city, GWh for a country. Power follows
/// (kW beside kWh and MWh, MW beside GWh). Money is rounded to what a price known to a few
/// per cent means: three significant figures, never below whole units.
struct ReportUnit: Equatable {
    let energy: String
    let power: String
    /// kWh in one `energy`, kW in one `power`.
    let kWhPer: Double
    let kWPer: Double

    static let kWh = ReportUnit(energy: "kWh", power: "kW", kWhPer: 1, kWPer: 1)
    static let MWh = ReportUnit(energy: "MWh", power: "kW", kWhPer: 1e3, kWPer: 1)
    static let GWh = ReportUnit(energy: "GWh", power: "MW", kWhPer: 1e6, kWPer: 1e3)

    /// From the run's total energy: under 100 MWh kWh, under 1 TWh MWh (a city over a decade),
    /// else GWh (a country).
    init(totalKWh: Double) {
        let t = abs(totalKWh)
        self = t < 1e5 ? .kWh : t < 1e9 ? .MWh : .GWh
    }

    private init(energy: String, power: String, kWhPer: Double, kWPer: Double) {
        self.energy = energy
        self.power = power
        self.kWhPer = kWhPer
        self.kWPer = kWPer
    }

    /// The figure alone, in this unit: `number(kWh)` of 1,234,567 kWh in MWh is "1,235".
    /// A figure too small to show at one decimal keeps two significant digits (0.012), so a small
    /// fleet in a country's report does not read 0.0.
    func number(_ kWh: Double) -> String { Self.number(kWh / kWhPer) }
    /// With its unit: "1,235 MWh".
    func text(_ kWh: Double) -> String { number(kWh) + " " + energy }
    func powerNumber(_ kW: Double) -> String { Self.number(kW / kWPer) }

    static func number(_ v: Double) -> String {
        guard v != 0, v.isFinite, abs(v) < 0.05 else { return SummaryTable.number(v) }
        return FixedDecimal.format(v, digits: min(12, 1 - Int(log10(abs(v)).rounded(.down)))).trimmingZeros
    }
    func powerText(_ kW: Double) -> String { powerNumber(kW) + " " + power }
}

extension Breakdown {
    /// The report's unit for this run.
    var reportUnit: ReportUnit { ReportUnit(totalKWh: kWh(.total)) }
}

extension RunSummary {
    var reportUnit: ReportUnit { ReportUnit(totalKWh: totals.energyKWh) }
}
