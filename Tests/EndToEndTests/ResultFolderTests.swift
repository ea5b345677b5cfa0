import Foundation
import TestSupport
import Testing

/// A result folder is replaced as a whole or not at all: a full disk, or `kill -9` while the files
/// are written, leaves the previous result whole.
@Suite(.serialized) struct ResultFolderTests {
    /// The days a result covers, by its summary.json and by its timeseries.csv: the two must belong
    /// to the same run.
    static func days(_ folder: String) throws -> (summaryDays: Int, timeseriesDays: Int) {
        let s = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json"))) as! [String: Any]
        let period = s["period"] as! [String: Any]
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "UTC")
        let start = f.date(from: period["start"] as! String)!, end = f.date(from: period["end"] as! String)!
        // Rows × the interval between the first two rows.
        let rows = try String(contentsOfFile: folder + "/timeseries.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        let iso = ISO8601DateFormatter()
        let times = rows.prefix(2).compactMap { iso.date(from: String($0.prefix { $0 != "," })) }
        let interval = times.count == 2 ? times[1].timeIntervalSince(times[0]) : 0
        return (Int(end.timeIntervalSince(start) / 86_400), Int(Double(rows.count) * interval / 86_400))
    }

    @Test func aFullDiskGives73AndLeavesThePreviousResult() throws {
        let mountPoint = CLI.temporaryFolder().path
        let mount = try CLI.system("/bin/mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint])
        try #require(mount == 0, "a tmpfs for the full-disk test needs root (CI runs as root)")
        // Lazy: a child another test spawns meanwhile may hold an inherited descriptor on it a while.
        defer {
            _ = try? CLI.system("/bin/umount", ["-l", mountPoint])
            let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
            #expect(!mounts.contains(mountPoint), "the test's tmpfs is still mounted")
        }
        let out = mountPoint + "/result"
        let first = try CLI.run(["run", "mittelstadt", "--from", "2025-06-01", "--to", "2025-06-02", "--out", out, "--quiet"])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try String(contentsOfFile: out + "/summary.json", encoding: .utf8)
        let second = try CLI.run(["run", "mittelstadt", "--from", "2025-06-01", "--to", "2025-07-01", "--resolution", "15min", "--out", out, "--quiet"])
        #expect(second.status == 73, "\(second.stderr)")
        #expect(second.stderr.contains("cannot write"), "\(second.stderr)")
        #expect(try String(contentsOfFile: out + "/summary.json", encoding: .utf8) == before)
        #expect(try Self.days(out) == (1, 1))
        #expect(try FileManager.default.contentsOfDirectory(atPath: mountPoint) == ["result"], "no staging folder left behind")
    }

    @Test func killingARunWhileItWritesNeverMixesTwoResults() throws {
        let root = CLI.temporaryFolder().path
        let out = root + "/result"
        try CLI.run(["run", "mittelstadt", "--from", "2025-06-01", "--to", "2025-06-02", "--out", out, "--quiet"])
        // Killed (SIGKILL, `URBANWATT_KILL_AT`) at each point of the replacement: before the new
        // folder is in place the previous one stands whole; after, the new one does.
        for (point, days) in [("writing", 1), ("filled", 1), ("complete", 1), ("swapped", 30)] {
            let r = try CLI.run(
                ["run", "mittelstadt", "--from", "2025-06-01", "--to", "2025-07-01", "--resolution", "15min", "--out", out, "--quiet"],
                environment: ["URBANWATT_KILL_AT": point])
            #expect(r.status == SIGKILL, "\(point): exit \(r.status), \(r.stderr)")
            let d = try Self.days(out)
            #expect(d.summaryDays == days && d.timeseriesDays == days, "killed at \(point): \(d), expected \(days) days")
        }
        // The next run cleans what the killed ones left.
        let last = try CLI.run(["run", "mittelstadt", "--from", "2025-06-01", "--to", "2025-06-03", "--out", out, "--quiet"])
        #expect(last.status == 0)
        #expect(try Self.days(out) == (2, 2))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root) == ["result"])
    }
}
