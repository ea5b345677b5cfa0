import Foundation

/// Named points where a results folder is being replaced, at which `URBANWATT_KILL_AT=NAME`
/// kills the process (SIGKILL): tests of what a killed run leaves behind stop it exactly there,
/// not after a guessed delay. Unset, as in any real run, nothing happens.
enum KillPoint: String {
    /// The staging folder exists and says `writing`; its files are not written yet.
    case writing
    /// The files are written; the manifest does not yet say `complete`.
    case filled
    /// The staging folder is complete and not yet in place.
    case complete
    /// The new folder is in place; the previous one not yet removed.
    case swapped

    private static let chosen = getenv("URBANWATT_KILL_AT").map { String(cString: $0) }

    func reached() { if Self.chosen == rawValue { kill(getpid(), SIGKILL) } }
}
