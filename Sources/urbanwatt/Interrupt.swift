import ArgumentParser
import Foundation
import Synchronization

/// Ctrl-C and SIGTERM (what `docker compose stop`, Kubernetes and Slurm send): the first asks the
/// command to stop within a second and write what it has, exiting 130 (SIGINT) or 143 (SIGTERM);
/// a second one ends the process at once.
///
/// A handler of its own, installed with `sigaction`, not `SIG_IGN` and a dispatch source: a shell
/// starts a script's background jobs with SIGINT ignored, and an ignored signal never reaches a
/// dispatch source, so `kill -INT` on such a run was lost and it exited 0.
enum Interrupt {
    /// The first signal received, 0 before any.
    fileprivate static let received = Atomic<Int32>(0)

    static func install() {
        _ = received.load(ordering: .relaxed) // initialised before a handler can touch it
        for signo in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = onSignal
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signo, &action, nil)
        }
        // A parent may have started us with them blocked (Foundation's Process passes its mask on).
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGINT)
        sigaddset(&mask, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
    }

    static func requested() -> Bool { received.load(ordering: .relaxed) != 0 }

    /// 128 + the signal: 130 after Ctrl-C, 143 after SIGTERM.
    static var exitCode: ExitCode { ExitCode(128 + (requested() ? received.load(ordering: .relaxed) : SIGINT)) }
}

/// Async-signal-safe: one atomic exchange, and `_exit` on the second signal.
private func onSignal(_ signo: Int32) {
    if Interrupt.received.compareExchange(expected: 0, desired: signo, ordering: .relaxed).exchanged { return }
    _exit(128 + signo)
}
