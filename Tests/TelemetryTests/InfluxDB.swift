import Foundation

/// A private InfluxDB 1.x (Debian's `influxdb`) on free 127.0.0.1 ports with its own folder,
/// started by a test and stopped by its PID; HTTP through a short Python helper.
final class InfluxDB {
    let port: Int
    let folder: URL
    private var process: Process?

    static var executable: String? {
        ["/usr/bin/influxd", "/usr/sbin/influxd"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init() throws {
        guard let executable = InfluxDB.executable else { throw Failure(log: "influxd is not installed (apt-get install influxdb)") }
        port = Broker.freePort()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("urbanwatt-influx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = """
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
            """
        let file = folder.appendingPathComponent("influxdb.conf")
        try config.write(to: file, atomically: true, encoding: .utf8)
        let p = unmaskedProcess([executable, "-config", file.path])
        let log = folder.appendingPathComponent("log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: log)
        p.standardError = try FileHandle(forWritingTo: log)
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(30)
        while (try? http("ping")) == nil {
            guard Date() < deadline, p.isRunning else { throw Failure(log: (try? String(contentsOf: log, encoding: .utf8)) ?? "") }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// `ping`, `query Q [db]` (prints the JSON answer) or `write DB FILE` (line protocol, 5,000 lines a request).
    @discardableResult
    func http(_ arguments: String...) throws -> String {
        let script = """
            import json, sys, urllib.parse, urllib.request
            base = "http://127.0.0.1:%s/" % sys.argv[1]
            cmd = sys.argv[2]
            if cmd == "ping":
                urllib.request.urlopen(base + "ping", timeout=2)
            elif cmd == "query":
                q = {"q": sys.argv[3]}
                if len(sys.argv) > 4: q["db"] = sys.argv[4]
                r = urllib.request.urlopen(urllib.request.Request(base + "query", data=urllib.parse.urlencode(q).encode()), timeout=30)
                print(r.read().decode())
            elif cmd == "write":
                lines = open(sys.argv[4]).read().splitlines()
                for k in range(0, len(lines), 5000):
                    body = "\\n".join(lines[k:k + 5000]).encode()
                    urllib.request.urlopen(urllib.request.Request(base + "write?db=" + sys.argv[3], data=body), timeout=30)
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, String(port)] + arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let problem = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw Failure(log: String(decoding: problem, as: UTF8.self)) }
        return String(decoding: data, as: UTF8.self)
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
        var log: String
        var description: String { "influxd: \(log.suffix(600))" }
    }
}
