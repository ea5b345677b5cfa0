import Foundation

/// Checks `condition` every `interval` seconds until it holds, at most `seconds`; returns whether it
/// held. Tests wait so on an event (a line printed, a port open, a count reached), never on a
/// guessed duration.
@discardableResult
public func poll(within seconds: Double, every interval: Double = 0.05, until condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
        if try condition() { return true }
        if Date() >= deadline { return false }
        Thread.sleep(forTimeInterval: interval)
    }
}
