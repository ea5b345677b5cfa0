import UrbanWattCore
import UrbanWattResults

/// The listener's aggregate in the Prometheus text exposition format (version 0.0.4), rendered from
/// a snapshot at each scrape, so a fleet's labels come from the run's `running` status even when
/// its first messages arrived before it.
package enum PrometheusText {
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Families and samples in the exposition format, one scrape's text.
    struct Writer {
        var out = ""

        mutating func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }

        mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
            let text = labels.isEmpty ? "" : "{" + labels.map { "\($0)=\"\(escape($1))\"" }.joined(separator: ",") + "}"
            out += name + text + " " + number(value) + "\n"
        }

        /// A histogram family in seconds: cumulative buckets, `+Inf`, sum and count.
        mutating func histogram(_ name: String, _ help: String, _ s: LatencyHistogram.Snapshot, labels: [(String, String)] = []) {
            family(name, "histogram", help)
            for (le, n) in zip(LatencyHistogram.buckets, s.cumulative) { sample(name + "_bucket", labels + [("le", number(le))], Double(n)) }
            sample(name + "_bucket", labels + [("le", "+Inf")], Double(s.count))
            sample(name + "_sum", labels, s.mean * Double(s.count))
            sample(name + "_count", labels, Double(s.count))
        }
    }

    package static func render(_ a: Aggregator, latency: LatencyHistogram.Snapshot? = nil) -> String {
        var w = Writer()
        func family(_ name: String, _ type: String, _ help: String) { w.family(name, type, help) }
        func sample(_ name: String, _ labels: [(String, String)], _ value: Double) { w.sample(name, labels, value) }
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
        family(
            "urbanwatt_balance_kwh", "gauge",
            "The run's balance from its done status: ICT overhead, savings (efficiency, ICT-enabled, both), net (overhead less ICT-enabled savings), net with efficiency, replaced baseline."
        )
        if let k = a.balance?.kWh {
            for m in RunSummary.Balance.measures { sample("urbanwatt_balance_kwh", [("scenario", a.scenario ?? ""), ("measure", m)], k.value(m)) }
        }
        if let latency {
            w.histogram(
                "urbanwatt_listen_latency_seconds",
                "End-to-end latency: receipt less the publish time each message carries (MQTT 5 user property sent_at, else the payload's time).", latency)
        }
        return w.out
    }

    /// A streaming run's publisher (`run --metrics`), as emqtt-bench exports its own: the messages
    /// generated, handed to the broker, acknowledged and dropped, those in flight and queued, and
    /// the acknowledgement latency at QoS 1 and 2.
    package static func render(publisher s: TelemetrySession.Live, latency: LatencyHistogram.Snapshot, scenario: String) -> String {
        var w = Writer()
        let labels = [("scenario", scenario)]
        let p = s.publisher
        for (name, help, value) in [
            ("generated", "Telemetry messages the run generated.", s.generated),
            ("published", "Messages handed to the broker connection.", p.sent),
            ("acknowledged", "Messages the broker acknowledged (at QoS 0: written to the socket).", p.acknowledged),
            ("dropped", "Messages dropped: never sent, or unacknowledged when the run gave up on them.", p.dropped),
        ] {
            w.family("urbanwatt_publisher_\(name)_messages_total", "counter", help)
            w.sample("urbanwatt_publisher_\(name)_messages_total", labels, Double(value))
        }
        w.family("urbanwatt_publisher_in_flight_messages", "gauge", "Messages handed over and not yet acknowledged.")
        w.sample("urbanwatt_publisher_in_flight_messages", labels, Double(p.inFlight))
        w.family("urbanwatt_publisher_queued_messages", "gauge", "Messages waiting to be handed over.")
        w.sample("urbanwatt_publisher_queued_messages", labels, Double(p.queued))
        w.histogram("urbanwatt_publisher_ack_latency_seconds", "From hand-over to the broker's acknowledgement (QoS 1 and 2).", latency, labels: labels)
        return w.out
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
