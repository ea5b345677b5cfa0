/// A number of seconds for a person to read: "1 d", "6 h", "2 min", "5 s", "0.1 s". The one
/// formatter of durations in messages, for the command line and telemetry alike.
package func durationText(_ s: Double) -> String {
    func whole(_ unit: Double) -> Bool { s >= unit && s.truncatingRemainder(dividingBy: unit) == 0 && s < 1e15 }
    if whole(Dimension.yearSeconds) { let n = Int(s / Dimension.yearSeconds); return n == 1 ? "1 year" : "\(n) years" }
    if whole(86_400) { return "\(Int(s / 86_400)) d" }
    if whole(3600) { return "\(Int(s / 3600)) h" }
    if s >= 120 && whole(60) { return "\(Int(s / 60)) min" }
    return s == s.rounded() && s < 1e15 ? "\(Int(s)) s" : "\(s) s"
}
