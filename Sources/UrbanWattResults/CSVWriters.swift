import Foundation
import Synchronization
import UrbanWattCore

/// `timeseries.csv` and `fleets.csv`.
package enum CSVWriters {
    /// What the columns of timeseries.csv break the total into.
    package enum Columns: String, Sendable, CaseIterable {
        case layers, fleets
    }

    /// Mean power per row, kW, each row the interval of `stepsPerRow` steps starting at `time`:
    /// `time,time_local,total_kw,` then a column per layer (`sensing_kw`, …) or per fleet (`parking_kw`, …).
    /// `stepsPerRow` is a whole multiple of the rows the run kept (`Breakdown.stepsPerRow`). A long
    /// series is written in pieces on all cores, each piece's bytes as one writer would write them.
    package static func timeseries(_ b: Breakdown, stepsPerRow k: Int, columns: Columns = .layers) -> String {
        String(decoding: timeseriesBytes(b, stepsPerRow: k, columns: columns), as: UTF8.self)
    }

    /// timeseries.csv as UTF-8 bytes, for writing without a copy into a String.
    package static func timeseriesBytes(_ b: Breakdown, stepsPerRow k: Int, columns: Columns = .layers) -> [UInt8] {
        let series = timeseriesColumns(columns, b.scenario) { b.rows($0) }
        let total = b.rows(.total)
        let per = max(1, k / b.stepsPerRow)
        let rows = (total.count + per - 1) / per
        let pieces = rows >= 8192 ? max(1, ProcessInfo.processInfo.activeProcessorCount) : 1
        let parts = Mutex(Array(repeating: [UInt8](), count: pieces))
        DispatchQueue.concurrentPerform(iterations: pieces) { piece in
            var out = ByteWriter(capacity: rows / pieces * (52 + 12 * series.count))
            timeseriesLines(
                into: &out, b.result.clock, stepsPerRow: b.stepsPerRow, steps: b.steps, total: total, series: series.map(\.rows),
                per: per, rows: rows * piece / pieces..<rows * (piece + 1) / pieces)
            parts.withLock { $0[piece] = out.bytes }
        }
        return parts.withLock { parts in
            var out = timeseriesHeader(series.map(\.name))
            out.bytes.reserveCapacity(out.bytes.count + parts.reduce(0) { $0 + $1.count })
            for part in parts { out.bytes += part }
            return out.bytes
        }
    }

    /// The columns after the total, by name: layers or fleets, each with its rows from `rows`.
    static func timeseriesColumns(_ columns: Columns, _ scenario: Scenario, rows: (Breakdown.Group) -> [Double])
        -> [(name: String, rows: [Double])]
    {
        switch columns {
        case .layers: Layer.allCases.map { ($0.rawValue, rows(.layer($0))) }
        case .fleets: scenario.fleets.enumerated().map { ($1.name, rows(.fleet($0))) }
        }
    }

    /// The header line of timeseries.csv for the columns `names`.
    static func timeseriesHeader(_ names: [String]) -> ByteWriter {
        var out = ByteWriter(capacity: 0)
        out.text("time,time_local,total_kw," + names.map { field("\($0)_kw") }.joined(separator: ",") + "\n")
        return out
    }

    /// Appends the lines of timeseries.csv for output rows `rows`, each the mean of `per` kept rows
    /// of `stepsPerRow` steps on `clock`, of which the first `steps` were simulated.
    static func timeseriesLines(
        into out: inout ByteWriter, _ clock: StepClock, stepsPerRow: Int, steps: Int, total: [Double], series: [[Double]],
        per: Int, rows: Range<Int>
    ) {
        let dt = Double(clock.step)
        for row in rows {
            let r = row * per
            let end = min(total.count, r + per)
            let m = r * stepsPerRow
            let seconds = Double(min(steps, end * stepsPerRow) - m) * dt
            func mean(_ s: [Double]) {
                var sum = 0.0
                for i in r..<end { sum += s[i] }
                out.fixed(sum / seconds / 1000)
            }
            let t = clock.time(m)
            out.timestamp(Double(t))
            out.bytes.append(UInt8(ascii: ","))
            out.localTimestamp(t, offset: clock.local(m) - t)
            out.bytes.append(UInt8(ascii: ","))
            mean(total)
            for s in series {
                out.bytes.append(UInt8(ascii: ","))
                mean(s)
            }
            out.bytes.append(UInt8(ascii: "\n"))
        }
    }

    /// One row per year and fleet: `year,fleet,kind,layer,district,nodes,energy_kwh,peak_kw,co2_kg,cost,
    /// baseline_kwh,savings_kwh,savings_co2_kg,savings_cost,savings_ict_kwh,savings_ict_co2_kg,savings_ict_cost,
    /// ict_kwh,ict_co2_kg,ict_cost,battery_life_min_years,battery_life_p5_years,battery_life_mean_years,uplinks,bytes`,
    /// then for each carrier under `carriers:` what the fleet's effects saved of it before rebound
    /// (`heat_saved_kwh`, `petrol_saved_l`).
    /// Savings are both (efficiency and ICT-enabled) and the ICT-enabled alone, the latter's CO2 and
    /// cost with the effects on every carrier; `ict_*` the fleet's ICT part. A field the run has no
    /// figure for (no grid signal, no `replaces:` or ICT function, no battery) is empty.
    package static func fleets(_ b: Breakdown) -> String {
        let carriers = b.scenario.carriers
        var out =
            "year,fleet,kind,layer,district,nodes,energy_kwh,peak_kw,co2_kg,cost,baseline_kwh,savings_kwh,savings_co2_kg,savings_cost,"
            + "savings_ict_kwh,savings_ict_co2_kg,savings_ict_cost,ict_kwh,ict_co2_kg,ict_cost,"
            + "battery_life_min_years,battery_life_p5_years,battery_life_mean_years,uplinks,bytes"
            + carriers.map { ",\($0.name.replacingOccurrences(of: "-", with: "_"))_saved_\($0.unit.lowercased())" }.joined() + "\n"
        let year = Dimension.yearSeconds
        for (y, span) in b.years {
            for (i, fleet) in b.scenario.fleets.enumerated() {
                func optional(_ x: Double?) -> String { x.map(fixed) ?? "" }
                let measure = fleet.replaces != nil || fleet.reference != nil
                let lives = b.result.batteryLives[i]
                let balance = b.balance(fleets: [i], span)
                func saving(_ parts: RunSummary.Parts?, _ value: (RunSummary.Parts) -> Double) -> String { optional(measure ? parts.map(value) : nil) }
                let ict = b.ict(fleet: i, span)
                let fields: [String] =
                    [
                        String(y), fleet.name, fleet.kind.rawValue, fleet.layer.rawValue, fleet.districtLabel,
                        String(b.nodes(fleet: i, span)), fixed(b.kWh(.fleet(i), span)), fixed(b.peak(.fleet(i), span).kW),
                        optional(b.co2(.fleet(i), span)), optional(b.cost(.fleet(i), span)),
                        optional(fleet.replaces != nil ? balance.kWh.baseline : nil),
                        saving(balance.kWh, \.savings), saving(balance.co2Kg, \.savings), saving(balance.cost, \.savings),
                        saving(balance.kWh, \.savingsICT), saving(balance.co2Kg, \.savingsICT), saving(balance.cost, \.savingsICT),
                        fixed(ict.energyKWh), optional(ict.co2Kg), optional(ict.cost),
                        optional(lives.mean.map { _ in lives.minimum / year }), optional(lives.percentile(5).map { $0 / year }),
                        optional(lives.mean.map { $0 / year }),
                        String(b.uplinks(fleet: i, span)), String(b.bytes(fleet: i, span)),
                    ]
                    + carriers.map { c in
                        fixed(
                            b.scenario.effects.indices.filter { b.scenario.effects[$0].enabledBy == fleet.name && b.scenario.effects[$0].carrier == c.name }
                                .reduce(0) { $0 + b.kWh(.effect($1), span) })
                    }
                out += fields.map(field).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// A CSV field per RFC 4180: quoted, with quotes doubled, when it holds a comma, quote or line break.
    package static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The fields of one CSV line written with `field` (quoted fields, doubled quotes); nil when a
    /// quote is left open or stray.
    package static func fields(_ line: String) -> [String]? {
        var out: [String] = []
        var current = ""
        var quoted = false, wasQuoted = false
        var chars = line.makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" {
                    // A doubled quote is a quote; a single one closes the field.
                    var lookahead = chars
                    if lookahead.next() == "\"" { current.append("\""); chars = lookahead } else { quoted = false }
                } else {
                    current.append(c)
                }
            } else if c == "," {
                out.append(current)
                current = ""
                wasQuoted = false
            } else if c == "\"" {
                guard current.isEmpty && !wasQuoted else { return nil }
                quoted = true
                wasQuoted = true
            } else {
                guard !wasQuoted else { return nil }
                current.append(c)
            }
        }
        guard !quoted else { return nil }
        out.append(current)
        return out
    }

    /// Six decimals, no exponent: enough for a milliwatt in kW.
    static func fixed(_ x: Double) -> String { FixedDecimal.format(x) }
}
