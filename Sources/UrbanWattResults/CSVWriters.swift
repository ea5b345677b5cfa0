import Foundation
import UrbanWattCore

/// `timeseries.csv` and `fleets.csv`.
public enum CSVWriters {
    /// Mean power per `resolution` interval, kW: `time,total_kw,sensing_kw,…,mobility_kw`.
    /// `resolution` is a whole number of steps.
    public static func timeseries(_ b: Breakdown, stepsPerRow k: Int) -> String {
        var out = "time,total_kw," + Layer.allCases.map { "\($0.rawValue)_kw" }.joined(separator: ",") + "\n"
        out.reserveCapacity(b.steps / k * 80)
        let layers = Layer.allCases.map { b.byLayer[$0]! }
        var m = 0
        while m < b.steps {
            let end = min(b.steps, m + k)
            let seconds = Double(end - m) * b.dt
            func mean(_ s: [Double]) -> String {
                var sum = 0.0
                for i in m..<end { sum += s[i] }
                return fixed(sum / seconds / 1000)
            }
            out += isoUTC(b.result.clock.time(m)) + "," + mean(b.total)
            for l in layers { out += "," + mean(l) }
            out += "\n"
            m = end
        }
        return out
    }

    /// One row per year and fleet: `year,fleet,kind,layer,district,nodes,energy_kwh,peak_kw,messages,bytes`.
    public static func fleets(_ b: Breakdown) -> String {
        var out = "year,fleet,kind,layer,district,nodes,energy_kwh,peak_kw,messages,bytes\n"
        for (year, range) in b.years {
            for (fleet, s) in zip(b.result.scenario.fleets, b.result.fleets) {
                let fields: [String] = [
                    String(year), fleet.name, fleet.kind.rawValue, fleet.layer.rawValue, fleet.district,
                    String(s.nodes[range.upperBound - 1]), fixed(b.kWh(s.energy, range)), fixed(b.peak(s.energy, range).kW),
                    String(s.messages[range].reduce(0, +)), String(s.bytes[range].reduce(0, +)),
                ]
                out += fields.map(field).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// A CSV field per RFC 4180: quoted, with quotes doubled, when it holds a comma, quote or line break.
    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Six decimals, no exponent: enough for a milliwatt in kW.
    static func fixed(_ x: Double) -> String {
        let s = String(format: "%.6f", x)
        return s == "-0.000000" ? "0.000000" : s
    }
}
