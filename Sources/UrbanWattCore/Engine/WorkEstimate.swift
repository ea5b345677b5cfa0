/// How much work and memory a run of a scenario takes, known before it starts, so that `validate`
/// can state it and `run` can refuse what cannot fit instead of being killed half way.
///
/// The engine keeps nothing per step beyond a chunk, so memory is per node (phases, draws, cohort
/// sums) plus per output row (each row's energy for the total, every layer and every fleet, and its
/// line of timeseries.csv), plus, while streaming per-node telemetry, a running sum and an
/// efficiency per fleet and step. The coefficients were measured on the library scenarios (peak RSS
/// of the release build): 64 bytes per node, 16 per row and column plus 160 per row, 16 per fleet
/// and step when streaming, and 32 MiB of program and chunk; and, measured on scenarios of 5,000 to
/// 50,000 fleets and 10,000 to 150,000 districts (83 to 760 MB), 12.5 KiB per fleet (its steppers,
/// tables, report rows, coefficients, ICT part and balance) and 3 KiB per district (its figures,
/// ICT and balance). The estimate stays above the measured peak and within 1.8 times it there
/// (`MemoryEstimateTests` checks 2×).
public struct WorkEstimate: Sendable, Equatable {
    public var steps: Int
    public var fleets: Int
    /// The most nodes the fleets ever have, together.
    public var nodes: Int
    /// Rows of timeseries.csv.
    public var rows: Int
    /// Bytes of memory the run is expected to peak at.
    public var memoryBytes: Double
    /// Telemetry messages at most, one per node: a sensor per uplink, other nodes every
    /// `interval` seconds (the `--interval` default of 15 min), links none.
    public var messages: Double

    /// With `stepsPerRow` steps per row of the time series (default: an hour's, or one step when
    /// a step does not divide the hour), and per-node telemetry when `streaming`.
    public init(_ s: Scenario, stepsPerRow: Int? = nil, streaming: Bool = false) {
        // As StepClock counts them, without building a clock.
        steps = Int(StepClock.span(from: s.start, to: s.end, zone: s.zone) / s.step)
        fleets = s.fleets.count
        nodes = s.fleets.reduce(0) { $0 + $1.maximumNodes }
        let perRow = max(1, stepsPerRow ?? StepClock.stepsPerHour(s.step))
        rows = (steps + perRow - 1) / perRow
        let columns = Double(1 + Layer.allCases.count + fleets)
        memoryBytes =
            Double(nodes) * 64 + Double(rows) * (columns * 16 + 160) + (streaming ? Double(steps) * Double(fleets) * 16 : 0)
            + Double(fleets) * 12.5 * 1024 + Double(s.districts.count) * 3 * 1024 + 32 * 1_048_576
        messages = WorkEstimate.messages(s, seconds: Double(steps * Int(s.step)), interval: 900)
    }

    /// Telemetry messages over `seconds` with non-sensor nodes reporting every `interval`, about:
    /// nodes that join or leave mid-period, and each node's first report, move it a little either way.
    public static func messages(_ s: Scenario, seconds: Double, interval: Double) -> Double {
        s.fleets.reduce(0.0) { total, f in
            if type(of: f.model).isSingleNode { return total }
            if let own = f.model.reportInterval {
                return total + Double(f.maximumNodes) * (seconds / own).rounded(.up)
            }
            return total + Double(f.maximumNodes) * (seconds / max(interval, Double(s.step))).rounded(.up)
        }
    }

    /// "35,040 steps × 13 fleets, 8,123 nodes, 8,760 rows, about 49 MiB".
    public var description: String {
        "\(FixedDecimal.grouped(steps)) steps × \(fleets) fleets, \(FixedDecimal.grouped(nodes)) nodes, \(FixedDecimal.grouped(rows)) rows, about \(WorkEstimate.bytes(memoryBytes))"
    }

    /// "about 1.7 million telemetry messages".
    public var messagesDescription: String {
        let m = messages
        let text = m >= 1e9 ? "\((m / 1e8).rounded() / 10) billion" : m >= 1e6 ? "\((m / 1e5).rounded() / 10) million" : FixedDecimal.grouped(Int(m))
        return "about \(text) telemetry messages"
    }

    public static func bytes(_ b: Double) -> String {
        b >= 1_073_741_824 ? "\((b / 1_073_741_824 * 10).rounded() / 10) GiB" : "\(Int((b / 1_048_576).rounded())) MiB"
    }

}
