import Dispatch

/// Folds the engine's chunks into `State` (a tally, a series file) on a second core while the
/// engine computes the next ones. Work runs one chunk at a time in the order submitted; `submit`
/// returns at once unless `depth` chunks already wait, so memory stays a few chunks; `finish`
/// waits for the last one and hands the state back. Not `concurrent`, it folds each chunk at once
/// on the caller's thread (Monte Carlo runs already fill every core).
///
/// `State` is only ever touched by the folding queue until `finish`: that is what makes the class
/// safe to share between the two threads, hence `@unchecked Sendable`.
package final class ChunkFolder<State>: @unchecked Sendable {
    private let queue = DispatchQueue(label: "urbanwatt.fold")
    private let slots: DispatchSemaphore
    private var state: State
    private let concurrent: Bool

    package init(_ state: State, concurrent: Bool = true, depth: Int = 4) {
        self.state = state
        self.concurrent = concurrent
        slots = DispatchSemaphore(value: depth)
    }

    /// Queues `work` on the state, after every chunk submitted before.
    package func submit(_ work: @escaping @Sendable (inout State) -> Void) {
        guard concurrent else { return work(&state) }
        slots.wait()
        queue.async {
            work(&self.state)
            self.slots.signal()
        }
    }

    /// Waits until every submitted chunk is folded; the state.
    package func finish() -> State {
        queue.sync { state }
    }
}
