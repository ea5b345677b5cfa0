import UrbanWattCore
import UrbanWattResults

/// The listener's aggregate in the Prometheus text exposition format (version 0.0.4), rendered from
/// a snapshot at each scrape, so a fleet's labels come from the run's `running` status even when
/// its first messages arrived before it.
public enum PrometheusText {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(_ a: Aggregator) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
            let text = labels.isEmpty ? "" : "{" + labels.map { "\($0)=\"\(escape($1))\"" }.joined(separator: ",") + "}"
            out += name + text + " " + number(value) + "\n"
        }
        let fleets = a.fleetTotals
        func labels(_ fleet: String) -> [(String, String)] {
            let info = a.fleets[fleet]
            return [("scenario", a.scenario ?? ""), ("layer", info?.layer ?? "?"), ("district", info?.district ?? "?"), ("fleet", fleet)]
        }
        family("urbanwatt_energy_joules_total", "counter", "Energy the fleet's nodes reported since the run began.")
        for f in fleets { sample("urbanwatt_energy_joules_total", labels(f.fleet), f.energy) }
        family("urbanwatt_power_watts", "gauge", "Sum of the mean power in each of the fleet's nodes' latest messages.")
        for f in fleets { sample("urbanwatt_power_watts", labels(f.fleet), f.power) }
        family("urbanwatt_fleet_messages_total", "counter", "Messages counted per fleet (duplicates and invalid ones excluded).")
        for f in fleets { sample("urbanwatt_fleet_messages_total", labels(f.fleet), Double(f.messages)) }
        family("urbanwatt_messages_total", "counter", "Telemetry messages counted (duplicates and invalid ones excluded).")
        sample("urbanwatt_messages_total", [], Double(a.messages))
        family("urbanwatt_duplicate_messages_total", "counter", "Messages received again with a seq already seen (QoS 1 re-sends).")
        sample("urbanwatt_duplicate_messages_total", [], Double(a.duplicates))
        family("urbanwatt_invalid_messages_total", "counter", "Messages refused: unreadable, out of range or too large.")
        sample("urbanwatt_invalid_messages_total", [], Double(a.invalid))
        family("urbanwatt_sequence_gaps", "gauge", "Sequence numbers missing so far over all nodes (late messages fill them).")
        sample("urbanwatt_sequence_gaps", [], Double(a.gaps))
        family("urbanwatt_balance_kwh", "gauge", "The run's balance from its done status: ICT overhead, savings (efficiency, ICT-enabled, both), net (overhead less ICT-enabled savings), net with efficiency, replaced baseline.")
        if let k = a.balance?.kWh {
            for m in RunSummary.Balance.measures { sample("urbanwatt_balance_kwh", [("scenario", a.scenario ?? ""), ("measure", m)], k.value(m)) }
        }
        return out
    }

    /// Label values escape backslash, double quote and line feed.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    /// Go's float syntax: the shortest round-trip form, with NaN and ±Inf spelled as Prometheus reads them.
    static func number(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-Inf" : "+Inf" }
        return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : x.description
    }
}
