import Foundation
import TestSupport
import Testing

/// The memory estimate counts fleets and districts too, and stays above the measured peak and
/// within 2× of it: 300,000 empty districts once took 853 MB against an estimate of 32 MiB.
@Suite(.serialized) struct MemoryEstimateTests {
    static func scenario(fleets: Int, districts: Int) -> String {
        var text = "urbanwatt: 1\nname: big\nperiod: {start: 2025-01-01, end: 2025-01-02, step: 1 h}\n"
        if districts > 1 { text += "districts: [" + (0..<districts).map { "d\($0)" }.joined(separator: ", ") + "]\n" }
        return text + "fleets:\n" + (0..<fleets).map { "  - {name: f\($0), kind: device, count: 1, power: 1 W}\n" }.joined()
    }

    /// The estimate `validate` states, in bytes.
    static func estimate(_ file: String) throws -> Double {
        let v = try CLI.run(["validate", file])
        guard let m = v.stdout.firstMatch(of: /about ([0-9.]+) (KiB|MiB|GiB)/), let x = Double(m.1) else { return -1 }
        return x * ["KiB": 1024, "MiB": 1_048_576, "GiB": 1_073_741_824][String(m.2)]!
    }

    /// Peak resident memory of one run, bytes, as GNU time reports it.
    static func peak(_ arguments: [String]) throws -> Double {
        let r = try CLI.program("/usr/bin/time", ["-f", "peak %M KB", CLI.binary.path] + arguments)
        #expect(r.status == 0, "\(r.stderr)")
        guard let m = r.stderr.firstMatch(of: /peak ([0-9]+) KB/), let kb = Double(m.1) else { return .infinity }
        return kb * 1024
    }

    @Test(arguments: [(20_000, 1), (1, 60_000)])
    func theEstimateBoundsThePeak(fleets: Int, districts: Int) throws {
        let (dir, file) = try CLI.scenario(Self.scenario(fleets: fleets, districts: districts))
        let estimate = try Self.estimate(file)
        let measured = try Self.peak(["run", file, "--out", dir.appendingPathComponent("out").path, "--quiet"])
        #expect(estimate >= measured, "estimate \(estimate) below the peak \(measured)")
        #expect(estimate <= 2 * measured, "estimate \(estimate) more than twice the peak \(measured)")
        let report = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("out/report.html").path)[.size] as! Int
        #expect(report < 2_000_000, "report.html of \(report) bytes")
    }

    @Test func tooManyFleetsOrDistrictsAreRefused() throws {
        let (_, file) = try CLI.scenario(Self.scenario(fleets: 1, districts: 100_001))
        let r = try CLI.run(["validate", file])
        #expect(r.status == 65 && r.stderr.contains("expected at most 100000 districts, got 100001"), "\(r.stderr)")
    }
}
