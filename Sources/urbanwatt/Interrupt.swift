import Dispatch
import Foundation
import Synchronization

/// Ctrl-C handling: the first SIGINT asks the run to stop at the next chunk and write what it has;
/// a second one ends the process at once.
enum Interrupt {
    private static let flag = Atomic<Bool>(false)
    nonisolated(unsafe) private static var source: (any DispatchSourceSignal)?

    static func install() {
        guard source == nil else { return }
        signal(SIGINT, SIG_IGN)
        let s = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        s.setEventHandler {
            if flag.exchange(true, ordering: .relaxed) { exit(130) }
        }
        s.resume()
        source = s
    }

    static func requested() -> Bool { flag.load(ordering: .relaxed) }
}
