import Foundation

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
        let deadline = Date().addingTimeInterval(30)
        while (try? http("GET", ready)) == nil {
            guard Date() < deadline, p.isRunning else {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                stop()
                throw Failure(description: "\(name) did not start: \(text.suffix(600))")
            }
            Thread.sleep(forTimeInterval: 0.1)
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
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, method, "http://127.0.0.1:\(port ?? self.port)/\(path)", formJSON, file ?? ""]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let problem = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw Failure(description: "\(name) \(method) \(path): \(String(decoding: problem, as: UTF8.self).suffix(400))") }
        return String(decoding: data, as: UTF8.self)
    }

    private func jsonString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    func stop() {
        guard let p = process, p.isRunning else { return }
        p.terminate()
        p.waitUntilExit()
        process = nil
        try? FileManager.default.removeItem(at: folder)
    }

    deinit { stop() }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }
}
