public import Foundation

/// Monotonic time for pacing and flow control, injected so that flow control can be tested without
/// sleeping: `SystemClock` in the product, `ManualClock` in tests.
public protocol TelemetryClock: Sendable {
    /// Seconds on a monotonic scale (only differences matter).
    func now() -> Double
    /// Waits on `condition`, which the caller holds locked, until it is signalled or `deadline`
    /// (on the `now()` scale) passes.
    func wait(_ condition: NSCondition, until deadline: Double)
}

/// The machine's monotonic clock (CLOCK_MONOTONIC via DispatchTime): unaffected by changes to the
/// wall clock.
public struct SystemClock: TelemetryClock {
    public init() {}

    public func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    public func wait(_ condition: NSCondition, until deadline: Double) {
        let seconds = deadline - now()
        guard seconds > 0 else { return }
        _ = condition.wait(until: Date().addingTimeInterval(seconds))
    }
}

/// A clock that only moves when waited on: each wait jumps to its deadline at once, so a test of
/// pacing, stalls or timeouts runs in microseconds and gives the same result every time.
///
/// `@unchecked Sendable`: `lock` guards the time, its one mutable field.
public final class ManualClock: TelemetryClock, @unchecked Sendable {
    // Guarded by `lock`: the time.
    private let lock = NSLock()
    private var time: Double
    private let onWait: (@Sendable (Double) -> Void)?

    /// `onWait(now)` runs after each wait has moved the clock, outside the publisher's lock: a test
    /// lets its simulated broker act there (acknowledge what it would have by then).
    public init(start: Double = 0, onWait: (@Sendable (Double) -> Void)? = nil) {
        time = start
        self.onWait = onWait
    }

    public func now() -> Double {
        lock.lock()
        defer { lock.unlock() }
        return time
    }

    /// Moves the clock forward by `seconds`.
    public func advance(_ seconds: Double) {
        lock.lock()
        time += max(0, seconds)
        lock.unlock()
    }

    public func wait(_ condition: NSCondition, until deadline: Double) {
        lock.lock()
        time = max(time, deadline)
        let now = time
        lock.unlock()
        guard let onWait else { return }
        // The waiter holds `condition`; the simulated broker's callbacks take it too.
        condition.unlock()
        onWait(now)
        condition.lock()
    }
}
