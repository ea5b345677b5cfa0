import Foundation
import Synchronization
import UrbanWattCore
import UrbanWattTelemetry

/// How progress reaches stderr: a bar redrawn in place on a terminal, a line every 10 s otherwise
/// (logs, CI, `2>file`), nothing with `--quiet`.
enum ProgressStyle: Sendable {
    case bar, lines, off

    static func forStderr(quiet: Bool) -> ProgressStyle { quiet ? .off : isatty(2) == 1 ? .bar : .lines }

    /// Seconds between two updates; a stream's rate line on a terminal, every second.
    func interval(streaming: Bool) -> Double { self == .bar ? (streaming ? 1 : 0.1) : 10 }
}

/// Progress of a run on stderr: simulated local date, percent, node-steps/s and ETA; while
/// streaming, as a load tool shows it: simulated local time, messages a second and the
/// publisher's counters (published, acknowledged, dropped, in flight, queued).
final class ProgressBar {
    /// The stream's counters and the step its messages have reached, when the run streams.
    var stream: (() -> (live: TelemetrySession.Live, step: Int))?
    private var lastAcknowledged = (count: 0, at: Date())
    private let clock: StepClock
    private let style: ProgressStyle
    private let started = Date()
    private var lastDraw: Date
    private var drawn = false

    init(clock: StepClock, style: ProgressStyle) {
        self.clock = clock
        self.style = style
        // Lines start after the first interval: a run shorter than that prints none.
        lastDraw = style == .lines ? started : .distantPast
    }

    private var last = (done: 0, total: 0, nodeSteps: 0)

    /// Draws again with the last figures when an interval has passed: a paced run spends minutes
    /// between two chunks, also before its first one ends, and its progress must still appear
    /// every 10 s.
    func tick() { update(done: last.done, total: last.total > 0 ? last.total : clock.count, nodeSteps: last.nodeSteps) }

    func update(done: Int, total: Int, nodeSteps: Int) {
        last = (done, total, nodeSteps)
        guard style != .off, total > 0 else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= style.interval(streaming: stream != nil) || (done == total && style == .bar) else { return }
        lastDraw = now
        if let stream {
            // Where the messages are, which a paced run's simulation runs ahead of.
            let s = stream()
            draw(s, now: now, fraction: Double(min(s.step, total)) / Double(total))
            return
        }
        let elapsed = now.timeIntervalSince(started)
        let fraction = Double(done) / Double(total)
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = elapsed > 0 ? Double(nodeSteps) / elapsed : 0
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let date = clock.localText(min(done, total - 1), minutes: false)
        if style == .lines {
            let line = String(format: "urbanwatt: simulated to %@, %.1f%%, %@ node-steps/s, ETA %@\n", date, fraction * 100, compact(rate), duration(eta))
            FileHandle.standardError.write(Data(line.utf8))
            return
        }
        let line = String(format: "\r%@ %@ %5.1f%%  %@ node-steps/s  ETA %@ ", date, bar, fraction * 100, compact(rate), duration(eta))
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    /// The stream's line: where the messages are in simulated local time, and the counters.
    private func draw(_ s: (live: TelemetrySession.Live, step: Int), now: Date, fraction: Double) {
        let p = s.live.publisher
        let seconds = now.timeIntervalSince(lastAcknowledged.at)
        let rate = seconds > 0 ? Double(p.acknowledged - lastAcknowledged.count) / seconds : 0
        lastAcknowledged = (p.acknowledged, now)
        let text = Self.streamLine(time: clock.localText(min(s.step, clock.count - 1), minutes: true), fraction: fraction, rate: rate, p)
        if style == .lines {
            FileHandle.standardError.write(Data("urbanwatt: \(text)\n".utf8))
        } else {
            FileHandle.standardError.write(Data("\r\(text)\u{1B}[K".utf8))
            drawn = true
        }
    }

    /// "2025-01-01 08:15  23.4%  1,234 msg/s  published 12,345  acknowledged 12,300  dropped 0  in flight 45  queued 0".
    static func streamLine(time: String, fraction: Double, rate: Double, _ p: TelemetryPublisher.Live) -> String {
        let g = { (n: Int) in FixedDecimal.grouped(n) }
        return "\(time) \(String(format: "%5.1f%%", fraction * 100))  \(g(Int(rate.rounded()))) msg/s  "
            + "published \(g(p.sent))  acknowledged \(g(p.acknowledged))  dropped \(g(p.dropped))  in flight \(g(p.inFlight))  queued \(g(p.queued))"
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func compact(_ x: Double) -> String {
        switch x {
        case 1e9...: String(format: "%.1fG", x / 1e9)
        case 1e6...: String(format: "%.1fM", x / 1e6)
        case 1e3...: String(format: "%.1fk", x / 1e3)
        default: String(format: "%.0f", x)
        }
    }

    private func duration(_ s: Double) -> String {
        s < 60 ? String(format: "%.0fs", s) : String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60)
    }
}

/// "runs 12/100" on stderr while Monte Carlo replications finish, from any thread.
final class RunCounter: Sendable {
    let total: Int
    let style: ProgressStyle
    private let lastLine = Mutex<Date>(Date())

    init(total: Int, style: ProgressStyle) {
        self.total = total
        self.style = style
    }

    @Sendable func update(_ done: Int) {
        switch style {
        case .off: return
        case .bar: FileHandle.standardError.write(Data("\rMonte Carlo runs \(done)/\(total) ".utf8))
        case .lines:
            let due = lastLine.withLock { last in
                guard Date().timeIntervalSince(last) >= style.interval(streaming: false) else { return false }
                last = Date()
                return true
            }
            if due { FileHandle.standardError.write(Data("urbanwatt: Monte Carlo runs \(done)/\(total)\n".utf8)) }
        }
    }

    func finish() {
        if style == .bar { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
