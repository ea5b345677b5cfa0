public import Foundation
import Synchronization
public import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// How long a test waits for a program it started before it kills it: a hung child fails its test,
/// with what it printed, instead of holding the whole suite until CI's own limit.
public let childTimeLimit: Double = 300

extension Process {
    /// Waits for the program to end, at most `seconds`; then kills it (SIGKILL), waits for that and
    /// records the hang as a test issue at the caller. Returns whether the program ended by itself.
    @discardableResult
    public func waitUntilExit(within seconds: Double, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        if poll(within: seconds, every: 0.01, until: { !isRunning }) {
            waitUntilExit()
            return true
        }
        kill(processIdentifier, SIGKILL)
        waitUntilExit()
        let command = ([executableURL?.path ?? "?"] + (arguments ?? [])).joined(separator: " ")
        Issue.record("\(command) did not end within \(Int(seconds)) s and was killed", sourceLocation: sourceLocation)
        return false
    }
}

/// What a process writes to a pipe, gathered as it comes by a thread of its own: a test can wait
/// for a line, and a child that writes much to one pipe cannot block while the test reads the other.
public final class PipeText: Sendable {
    public let pipe = Pipe()
    private let state = Mutex<(text: Data, ended: Bool)>((Data(), false))

    public init() {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let data = handle.availableData
                state.withLock {
                    if data.isEmpty { $0.ended = true } else { $0.text.append(data) }
                }
                if data.isEmpty { return }
            }
        }
    }

    public var current: String { state.withLock { String(decoding: $0.text, as: UTF8.self) } }

    /// Waits until the text so far contains `needle` (at most `timeout` s); false when it never did.
    @discardableResult
    public func wait(for needle: String, timeout: Double = 30) -> Bool {
        poll(within: timeout) { current.contains(needle) }
    }

    /// Everything, once every writer has closed the pipe (at most `timeout` s after the child
    /// ended: a grandchild that keeps the pipe open does not hold the test).
    public func finish(timeout: Double = 10) -> String {
        poll(within: timeout, every: 0.02) { state.withLock { $0.ended } }
        return current
    }
}
