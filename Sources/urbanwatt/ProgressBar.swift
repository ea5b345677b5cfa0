import Foundation
import UrbanWattCore

/// A one-line progress bar on stderr: simulated date, percent, node-steps/s and ETA.
/// Silent when stderr is not a terminal.
final class ProgressBar {
    private let clock: StepClock
    private let enabled: Bool
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(clock: StepClock, enabled: Bool) {
        self.clock = clock
        self.enabled = enabled
    }

    func update(done: Int, total: Int, nodeSteps: Int) {
        guard enabled, total > 0 else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 || done == total else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(started)
        let fraction = Double(done) / Double(total)
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = elapsed > 0 ? Double(nodeSteps) / elapsed : 0
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let date = String(isoUTC(clock.time(min(done, total - 1))).prefix(10))
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
    let enabled: Bool

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    @Sendable func update(_ done: Int) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\rMonte Carlo runs \(done)/\(total) ".utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
