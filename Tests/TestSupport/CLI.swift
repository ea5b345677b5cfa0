public import Foundation
public import Testing

/// Runs the built `urbanwatt` binary and captures what it prints (shared by the end-to-end and
/// telemetry tests).
public struct CLI {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// `URBANWATT_BIN` (scripts/test points it at the release build, for the slower scenario checks),
    /// else the binary SwiftPM built beside the test bundle.
    public static var binary: URL {
        if let bin = ProcessInfo.processInfo.environment["URBANWATT_BIN"], !bin.isEmpty { return URL(fileURLWithPath: bin) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("urbanwatt")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return repositoryRoot.appendingPathComponent(".build/debug/urbanwatt")
    }

    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @discardableResult
    public static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Output {
        try execute(binary, arguments, in: directory ?? repositoryRoot, environment: environment, sourceLocation: sourceLocation)
    }

    /// Runs another program (python3 through /usr/bin/env, promtool, docker-compose), with `input`
    /// on its stdin, and captures what it prints.
    @discardableResult
    public static func program(
        _ path: String, _ arguments: [String], input: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Output {
        try execute(URL(fileURLWithPath: path), arguments, input: input, sourceLocation: sourceLocation)
    }

    private static func execute(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
        input: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = PipeText(), err = PipeText()
        process.standardOutput = out.pipe
        process.standardError = err.pipe
        let stdin = input.map { _ in Pipe() }
        if let stdin { process.standardInput = stdin }
        try process.run()
        if let stdin, let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        process.waitUntilExit(within: childTimeLimit, sourceLocation: sourceLocation)
        return Output(status: process.terminationStatus, stdout: out.finish(), stderr: err.finish())
    }

    /// Runs another program (mount, umount) and returns its exit status.
    public static func system(_ path: String, _ arguments: [String]) throws -> Int32 {
        try execute(URL(fileURLWithPath: path), arguments).status
    }

    /// Runs a tool and returns what it printed on stdout.
    public static func tool(_ path: String, _ arguments: [String]) throws -> String {
        try execute(URL(fileURLWithPath: path), arguments).stdout
    }

    /// A fresh temporary folder.
    public static func temporaryFolder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("urbanwatt-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes a scenario's text as `name` in a new temporary folder; returns the folder and the file's path.
    public static func scenario(_ text: String, named name: String = "scenario.yaml") throws -> (dir: URL, file: String) {
        let dir = temporaryFolder()
        let file = dir.appendingPathComponent(name).path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return (dir, file)
    }
}

/// summary.json without its `run` section, which holds wall time.
public func withoutRun(_ summary: String) -> String {
    guard let range = summary.range(of: ",\n  \"run\": {") else { return summary }
    return String(summary[..<range.lowerBound])
}
