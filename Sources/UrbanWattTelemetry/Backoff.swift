/// The wait between reconnection attempts, for every transport: 0.5 s doubling to at most 30 s,
/// each wait jittered by ±20 % so that many clients cut off together do not return together.
struct Backoff: Sendable {
    static let first = 0.5, longest = 30.0

    private var delay = Backoff.first

    /// The next wait, s; each call doubles the one after.
    mutating func next() -> Double {
        defer { delay = min(Backoff.longest, delay * 2) }
        return delay * Double.random(in: 0.8...1.2)
    }

    /// After a connection succeeded: the next loss waits the shortest time again.
    mutating func reset() { delay = Backoff.first }
}
