import Foundation
import TestSupport
import Testing

/// A real server (InfluxDB, Prometheus) started by a test on free 127.0.0.1 ports in its own
/// temporary folder, stopped by its PID; HTTP goes through a short Python helper (urllib).
final class LocalService {
    let name: String
    let port: Int
    let folder: URL
    private var process: Process?

    /// `arguments(folder, port)` gives the command line; the service is up when `GET ready` answers.
    init(_ name: String, executables: [String], ready: String, arguments: (URL, Int) throws -> [String]) throws {
        self.name = name
        guard let executable = executables.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure(description: "\(name) is not installed (scripts/setup --test installs it)")
        }
        port = Broker.freePort()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("urbanwatt-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let p = unmaskedProcess([executable] + (try arguments(folder, port)))
        let log = folder.appendingPathComponent("log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: log)
        p.standardError = try FileHandle(forWritingTo: log)
        try p.run()
        process = p
        let up = poll(within: 30, every: 0.1) { !p.isRunning || (try? http("GET", ready)) != nil }
        guard up, p.isRunning else {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            stop()
            throw Failure(description: "\(name) did not start: \(text.suffix(600))")
        }
    }

    /// `GET path` or `POST path` with a form (`key=value` pairs) or, with `file`, a body read from it; returns the answer.
    @discardableResult
    func http(_ method: String, _ path: String, form: [(String, String)] = [], file: String? = nil, port: Int? = nil) throws -> String {
        let script = """
            import json, sys, urllib.parse, urllib.request
            method, url, form, file = sys.argv[1], sys.argv[2], [tuple(p) for p in json.loads(sys.argv[3])], sys.argv[4]
            data = None
            if file:
                data = open(file, "rb").read()
            elif method == "POST":
                data = urllib.parse.urlencode(form).encode()
            elif form:
                url += "?" + urllib.parse.urlencode(form)
            r = urllib.request.urlopen(urllib.request.Request(url, data=data, method=method), timeout=30)
            sys.stdout.write(r.read().decode())
            """
        let formJSON = "[" + form.map { "[\"\($0.0)\", \(jsonString($0.1))]" }.joined(separator: ",") + "]"
        let p = try CLI.program("/usr/bin/env", ["python3", "-c", script, method, "http://127.0.0.1:\(port ?? self.port)/\(path)", formJSON, file ?? ""])
        guard p.status == 0 else { throw Failure(description: "\(name) \(method) \(path): \(p.stderr.suffix(400))") }
        return p.stdout
    }

    private func jsonString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    func stop() {
        guard let p = process, p.isRunning else { return }
        p.terminate()
        p.waitUntilExit(within: childTimeLimit)
        process = nil
        try? FileManager.default.removeItem(at: folder)
    }

    deinit { stop() }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }
}

extension LocalService {
    /// Debian's InfluxDB 1.x with a database `urbanwatt`.
    static func influxDB() throws -> LocalService {
        let db = try LocalService("influxdb", executables: ["/usr/bin/influxd"], ready: "ping") { folder, port in
            let config = folder.appendingPathComponent("influxdb.conf")
            try """
            reporting-disabled = true
            bind-address = "127.0.0.1:\(Broker.freePort())"
            [meta]
              dir = "\(folder.path)/meta"
            [data]
              dir = "\(folder.path)/data"
              wal-dir = "\(folder.path)/wal"
              query-log-enabled = false
            [http]
              bind-address = "127.0.0.1:\(port)"
              log-enabled = false
            [monitor]
              store-enabled = false
            """.write(to: config, atomically: true, encoding: .utf8)
            return ["-config", config.path]
        }
        try db.http("POST", "query", form: [("q", "CREATE DATABASE urbanwatt")])
        return db
    }
}

/// Runs the telemetry test scenario through `broker` at QoS 1 while `listener` follows it to the
/// end; returns the run's summary.json and what the listener said.
func streamThrough(_ broker: Broker, to listener: Listener) throws -> (summary: [String: Any], listener: (status: Int32, stderr: String)) {
    let out = CLI.temporaryFolder().path
    let r = try CLI.run(["run", try writeTelemetryScenario(), "--mqtt", broker.url, "--qos", "1", "--out", out, "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let l = listener.finish()
    return (try summary(out), l)
}
