import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// Starts `arguments` with an empty signal mask. Foundation's Process passes on the blocked
/// signals of the test runner (SIGTERM, SIGINT among them), which would leave the child deaf to
/// the SIGTERM that stops it; a tiny Python shim clears the mask and execs the program.
func unmaskedProcess(_ arguments: [String]) -> Process {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments =
        ["python3", "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, set()); os.execv(sys.argv[1], sys.argv[1:])"] + arguments
    return p
}

/// A private mosquitto on a free 127.0.0.1 port, started by a test and stopped by its PID.
final class Broker {
    let port: Int
    let folder: URL
    let config: String
    private var process: Process?

    static var executable: String {
        if let p = ProcessInfo.processInfo.environment["URBANWATT_MOSQUITTO"], !p.isEmpty { return p }
        return ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"].first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? "mosquitto"
    }

    /// `extra` is appended to the configuration after the listener line (use `{dir}` for the broker's folder).
    init(listener extra: String = "allow_anonymous true\n", tls: Bool = false) throws {
        port = Broker.freePort()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("urbanwatt-broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Run as root, mosquitto drops to the `mosquitto` user: it must still write its persistence here.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder.path)
        config = "listener \(port) 127.0.0.1\nmax_queued_messages 0\n" + extra.replacingOccurrences(of: "{dir}", with: folder.path)
        try config.write(to: folder.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
        try start()
    }

    var url: String { "mqtt://127.0.0.1:\(port)" }

    func start() throws {
        let p = unmaskedProcess([Broker.executable, "-c", folder.appendingPathComponent("mosquitto.conf").path])
        p.currentDirectoryURL = folder
        let log =
            FileHandle(forWritingAtPath: folder.appendingPathComponent("log").path)
            ?? {
                _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("log").path, contents: nil)
                return FileHandle(forWritingAtPath: folder.appendingPathComponent("log").path)!
            }()
        p.standardOutput = log
        p.standardError = log
        try p.run()
        process = p
        guard poll(within: 10, until: { !p.isRunning || Broker.accepts(port) }), p.isRunning else { throw BrokerError(log: self.log) }
    }

    /// SIGSTOP: the broker keeps its sockets open and answers nothing, as a hung broker does.
    func freeze() { if let p = process { kill(p.processIdentifier, SIGSTOP) } }

    /// SIGCONT after `freeze`.
    func thaw() { if let p = process { kill(p.processIdentifier, SIGCONT) } }

    /// SIGTERM (mosquitto saves its persistence then) and wait.
    func stop() {
        guard let p = process, p.isRunning else { return }
        thaw()
        p.terminate()
        p.waitUntilExit(within: 30)
        process = nil
    }

    deinit { stop() }

    var log: String { (try? String(contentsOf: folder.appendingPathComponent("log"), encoding: .utf8)) ?? "" }

    struct BrokerError: Error, CustomStringConvertible {
        var log: String
        var description: String { "mosquitto did not start: \(log)" }
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

/// `mosquitto_sub` printing "topic payload" lines to a file, until stopped by its PID.
final class Subscriber {
    let file: URL
    private let process: Process

    /// Waits until the subscription is in place: it publishes probes on `topic` with `#` replaced by
    /// `probe` until one comes back (skip them with `isProbe`).
    convenience init(port: Int, topic: String = "#", qos: Int = 1, persistentID: String? = nil, extra: [String] = []) throws {
        try self.init(port: port, topic: topic, probe: topic.replacingOccurrences(of: "#", with: "probe"), qos: qos, persistentID: persistentID, extra: extra)
    }

    /// A subscriber that follows a run without disturbing its listeners: it probes on a topic of
    /// its own, outside `urbanwatt/#`.
    static func watching(_ broker: Broker, scenario: String = "teletown") throws -> Subscriber {
        try Subscriber(port: broker.port, topic: "urbanwatt/\(scenario)/#", probe: "urbanwatt-test/probe", extra: ["-t", "urbanwatt-test/probe"])
    }

    init(port: Int, topic: String, probe: String, qos: Int = 1, persistentID: String? = nil, extra: [String] = []) throws {
        file = FileManager.default.temporaryDirectory.appendingPathComponent("urbanwatt-sub-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        var args = ["/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p", String(port), "-t", topic, "-q", String(qos), "-v"]
        if let id = persistentID { args += ["-c", "-i", id] }
        process = unmaskedProcess(args + extra)
        process.standardOutput = try FileHandle(forWritingTo: file)
        process.standardError = FileHandle.nullDevice
        try process.run()
        try poll(within: 10, every: 0.1) {
            let pub = unmaskedProcess(["/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", String(port), "-t", probe, "-m", "probe"])
            try pub.run()
            pub.waitUntilExit(within: 30)
            return text.contains(probe)
        }
    }

    static func isProbe(_ m: (topic: String, payload: String)) -> Bool { m.topic.hasSuffix("/probe") }

    /// Waits until what arrived so far satisfies `heard` (checked every 50 ms, at most `timeout`
    /// seconds); false when it never did. Tests wait on an event so, not on a guessed duration.
    @discardableResult
    func wait(timeout: Double = 20, until heard: (String) -> Bool) -> Bool {
        poll(within: timeout) { heard(text) }
    }

    /// What arrived so far.
    private var text: String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }

    /// Waits until a telemetry message (not a status, not a probe) has arrived: the run streams.
    @discardableResult
    func waitForTelemetry(timeout: Double = 20) -> Bool {
        wait(timeout: timeout) { text in
            text.split(separator: "\n").contains { line in
                let topic = line.prefix { $0 != " " }
                return !topic.hasSuffix("/status") && !topic.hasSuffix("/probe")
            }
        }
    }

    /// Waits until no new line arrived for `quiet` seconds (at most `timeout`), then stops.
    func finish(quiet: Double = 0.7, timeout: Double = 30) -> [(topic: String, payload: String)] {
        var last = -1
        var since = Date()
        poll(within: timeout, every: 0.1) {
            let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            if size != last { (last, since) = (size, Date()) }
            return Date().timeIntervalSince(since) > quiet
        }
        process.terminate() // SIGTERM: a test runner may have SIGINT ignored, and children inherit that
        process.waitUntilExit(within: 30)
        return text.split(separator: "\n").compactMap { line -> (topic: String, payload: String)? in
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            return (String(parts[0]), String(parts[1]))
        }
    }

    deinit { if process.isRunning { process.terminate(); process.waitUntilExit(within: 30) } }
}

/// `urbanwatt listen` in the background, returned once it says it is subscribed (its "listening on"
/// line on stderr): no sleep stands in for the handshake.
final class Listener {
    let process = Process()
    private let stderr = PipeText()

    /// `directory`: the listener's working folder (where a default `--out` goes).
    init(_ arguments: [String], timeout: Double = 15, directory: URL? = nil) throws {
        process.executableURL = CLI.binary
        process.arguments = ["listen"] + arguments
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr.pipe
        try process.run()
        guard stderr.wait(for: "urbanwatt: listening on", timeout: timeout) else {
            process.terminate()
            process.waitUntilExit(within: 30)
            throw ListenerError(stderr: stderr.finish())
        }
    }

    struct ListenerError: Error, CustomStringConvertible {
        var stderr: String
        var description: String { "listen did not subscribe: \(stderr)" }
    }

    /// Waits for the listener to end (at most the children's time limit) and returns its exit status
    /// and everything it wrote to stderr.
    func finish(sourceLocation: SourceLocation = #_sourceLocation) -> (status: Int32, stderr: String) {
        process.waitUntilExit(within: childTimeLimit, sourceLocation: sourceLocation)
        return (process.terminationStatus, stderr.finish())
    }

    func waitUntilExit(sourceLocation: SourceLocation = #_sourceLocation) { _ = finish(sourceLocation: sourceLocation) }
    var terminationStatus: Int32 { process.terminationStatus }
}
