/// How much work and memory a run of a scenario takes, known before it starts, so that `validate`
/// can state it and `run` can refuse what cannot fit instead of being killed half way.
///
/// Memory is per step (every fleet's series, the clock's per-step facts and the breakdowns made from
/// them) plus per node (phases, draws, cohort sums). The coefficients were measured on the library
/// scenarios (peak RSS of the release build): 40 bytes per fleet and step, 160 per step, 64 per node,
/// and 32 MiB of program; within 10 % from 35,040 to 777,600 steps and up to 10^6 nodes.
public struct WorkEstimate: Sendable, Equatable {
    public var steps: Int
    public var fleets: Int
    /// The most nodes the fleets ever have, together.
    public var nodes: Int
    /// Bytes of memory the run is expected to peak at.
    public var memoryBytes: Double
    /// Telemetry messages at most, one per node: a sensor per uplink, other nodes every
    /// `interval` seconds (the `--interval` default of 15 min), links none.
    public var messages: Double

    public init(_ s: Scenario) {
        // As StepClock counts them, without building its per-step arrays.
        steps = Int(StepClock.span(from: s.start, to: s.end, zone: s.zone) / s.step)
        fleets = s.fleets.count
        nodes = s.fleets.reduce(0) { $0 + $1.maximumNodes }
        memoryBytes = Double(steps) * (Double(fleets) * 40 + 160) + Double(nodes) * 64 + 32 * 1_048_576
        messages = WorkEstimate.messages(s, seconds: Double(steps * Int(s.step)), interval: 900)
    }

    /// Telemetry messages at most over `seconds` with non-sensor nodes reporting every `interval`.
    public static func messages(_ s: Scenario, seconds: Double, interval: Double) -> Double {
        s.fleets.reduce(0.0) { total, f in
            if type(of: f.model).isSingleNode { return total }
            if case .uplinks(let sensor) = f.model.telemetry {
                return total + Double(f.maximumNodes) * (seconds / sensor.interval).rounded(.up)
            }
            return total + Double(f.maximumNodes) * (seconds / max(interval, Double(s.step))).rounded(.up)
        }
    }

    /// "35,040 steps × 13 fleets, 8,123 nodes, about 49 MiB".
    public var description: String {
        "\(grouped(steps)) steps × \(fleets) fleets, \(grouped(nodes)) nodes, about \(WorkEstimate.bytes(memoryBytes))"
    }

    /// "at most 1.7 million telemetry messages".
    public var messagesDescription: String {
        let m = messages
        let text = m >= 1e9 ? "\((m / 1e8).rounded() / 10) billion" : m >= 1e6 ? "\((m / 1e5).rounded() / 10) million" : grouped(Int(m))
        return "at most \(text) telemetry messages"
    }

    public static func bytes(_ b: Double) -> String {
        b >= 1_073_741_824 ? "\((b / 1_073_741_824 * 10).rounded() / 10) GiB" : "\(Int((b / 1_048_576).rounded())) MiB"
    }

    private func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return out
    }
}
