import Foundation
import Synchronization
import UrbanWattCore

/// How progress reaches stderr: a bar redrawn in place on a terminal, a line every 10 s otherwise
/// (logs, CI, `2>file`), nothing with `--quiet`.
enum ProgressStyle: Sendable {
    case bar, lines, off

    static func forStderr(quiet: Bool) -> ProgressStyle { quiet ? .off : isatty(2) == 1 ? .bar : .lines }

    /// Seconds between two updates.
    var interval: Double { self == .bar ? 0.1 : 10 }
}

/// Progress of a run on stderr: simulated date, percent, node-steps/s and ETA.
final class ProgressBar {
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
    /// between two chunks, and its progress must still appear every 10 s.
    func tick() { update(done: last.done, total: last.total, nodeSteps: last.nodeSteps) }

    func update(done: Int, total: Int, nodeSteps: Int) {
        last = (done, total, nodeSteps)
        guard style != .off, total > 0 else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= style.interval || (done == total && style == .bar) else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(started)
        let fraction = Double(done) / Double(total)
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = elapsed > 0 ? Double(nodeSteps) / elapsed : 0
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let date = String(isoUTC(clock.time(min(done, total - 1))).prefix(10))
        if style == .lines {
            let line = String(format: "urbanwatt: simulated to %@, %.1f%%, %@ node-steps/s, ETA %@\n", date, fraction * 100, compact(rate), duration(eta))
            FileHandle.standardError.write(Data(line.utf8))
            return
        }
        let line = String(format: "\r%@ %@ %5.1f%%  %@ node-steps/s  ETA %@ ", date, bar, fraction * 100, compact(rate), duration(eta))
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
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
                guard Date().timeIntervalSince(last) >= style.interval else { return false }
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
