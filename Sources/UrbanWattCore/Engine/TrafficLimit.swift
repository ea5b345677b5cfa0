/// Messages and bytes are counted in 64-bit integers, summed over steps and along `via` routes into
/// one data centre. This bounds them before a run, so the counts stay exact and never overflow:
/// the bytes and messages all sending fleets can send over the period, together, at most
/// `maximumBytes` (a camera's frames are messages that no byte count bounds).
package enum TrafficLimit {
    /// Half of Int64.max: room for every sum the results make of the counts.
    package static let maximumBytes = 4.6e18

    /// The most bytes and messages each fleet can send over the scenario's period (0 for fleets
    /// that send none): every node it ever has, sending as much as its kind can (`NodeKind.traffic`).
    package static func bytes(_ s: Scenario) -> [Double] {
        let seconds = Double(StepClock.span(from: s.start, to: s.end, zone: s.zone))
        return s.fleets.map { f in
            let most = f.model.traffic(seconds: seconds)
            return Double(f.maximumNodes) * (most.bytes + most.messages)
        }
    }

    /// The index of the fleet at which the running total passes the limit, with the total; nil when it fits.
    package static func excess(_ s: Scenario) -> (fleet: Int, total: Double)? {
        var total = 0.0
        for (i, b) in bytes(s).enumerated() {
            total += b
            if total > maximumBytes { return (i, total) }
        }
        return nil
    }

    /// The problem, for a diagnostic or a usage error.
    package static func problem(_ s: Scenario, fleet: Int, total: Double) -> String {
        "the fleets could send up to \(total) bytes and messages over the period (\(s.fleets[fleet].name) and those before it), "
            + "more than UrbanWatt counts exactly (\(maximumBytes)); use fewer nodes, a longer interval or a shorter period"
    }
}
