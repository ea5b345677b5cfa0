import Foundation
import UrbanWattCore

/// `timeseries.csv` and `fleets.csv`.
public enum CSVWriters {
    /// What the columns of timeseries.csv break the total into.
    public enum Columns: String, Sendable, CaseIterable {
        case layers, fleets
    }

    /// Mean power per row, kW, each row the interval of `stepsPerRow` steps starting at `time`:
    /// `time,time_local,total_kw,` then a column per layer (`sensing_kw`, …) or per fleet (`parking_kw`, …).
    public static func timeseries(_ b: Breakdown, stepsPerRow k: Int, columns: Columns = .layers) -> String {
        let series: [(name: String, values: [Double])] = switch columns {
        case .layers: Layer.allCases.map { ($0.rawValue, b.byLayer[$0]!) }
        case .fleets: zip(b.result.scenario.fleets, b.result.fleets).map { ($0.name, $1.energy) }
        }
        var out = "time,time_local,total_kw," + series.map { field("\($0.name)_kw") }.joined(separator: ",") + "\n"
        out.reserveCapacity(b.steps / k * (40 + 12 * series.count))
        let zone = b.result.scenario.zone
        var m = 0
        while m < b.steps {
            let end = min(b.steps, m + k)
            let seconds = Double(end - m) * b.dt
            func mean(_ s: [Double]) -> String {
                var sum = 0.0
                for i in m..<end { sum += s[i] }
                return fixed(sum / seconds / 1000)
            }
            let t = b.result.clock.time(m)
            out += isoUTC(t) + "," + isoLocal(t, offset: zone.offset(at: t)) + "," + mean(b.total)
            for s in series { out += "," + mean(s.values) }
            out += "\n"
            m = end
        }
        return out
    }

    /// One row per year and fleet: `year,fleet,kind,layer,district,nodes,energy_kwh,peak_kw,co2_kg,cost,
    /// baseline_kwh,savings_kwh,savings_co2_kg,savings_cost,battery_life_min_years,battery_life_p5_years,
    /// battery_life_mean_years,messages,bytes`. A field the run has no figure for (no grid signal, no
    /// `replaces:`, no battery) is empty.
    public static func fleets(_ b: Breakdown) -> String {
        var out = "year,fleet,kind,layer,district,nodes,energy_kwh,peak_kw,co2_kg,cost,baseline_kwh,savings_kwh,savings_co2_kg,savings_cost,"
            + "battery_life_min_years,battery_life_p5_years,battery_life_mean_years,messages,bytes\n"
        let year = 365.25 * 86_400
        for (y, range) in b.years {
            for (fleet, s) in zip(b.result.scenario.fleets, b.result.fleets) {
                func optional(_ x: Double?) -> String { x.map(fixed) ?? "" }
                let base = s.baseline
                let lives = s.batteryLives
                let fields: [String] = [
                    String(y), fleet.name, fleet.kind.rawValue, fleet.layer.rawValue, fleet.district,
                    String(s.nodes[range.upperBound - 1]), fixed(b.kWh(s.energy, range)), fixed(b.peak(s.energy, range).kW),
                    optional(b.co2(s.energy, range)), optional(b.cost(s.energy, range)),
                    optional(base.map { b.kWh($0, range) }), optional(base.map { b.kWh($0, range) - b.kWh(s.energy, range) }),
                    optional(base.flatMap { bl in b.co2(bl, range).flatMap { c in b.co2(s.energy, range).map { c - $0 } } }),
                    optional(base.flatMap { bl in b.cost(bl, range).flatMap { c in b.cost(s.energy, range).map { c - $0 } } }),
                    optional(lives.mean.map { _ in lives.minimum / year }), optional(lives.percentile(5).map { $0 / year }),
                    optional(lives.mean.map { $0 / year }),
                    String(s.messages[range].reduce(0, +)), String(s.bytes[range].reduce(0, +)),
                ]
                out += fields.map(field).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// A CSV field per RFC 4180: quoted, with quotes doubled, when it holds a comma, quote or line break.
    public static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Six decimals, no exponent: enough for a milliwatt in kW.
    static func fixed(_ x: Double) -> String {
        let s = String(format: "%.6f", x)
        return s == "-0.000000" ? "0.000000" : s
    }
}
