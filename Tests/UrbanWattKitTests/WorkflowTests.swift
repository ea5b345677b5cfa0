import Foundation
import Testing
import UrbanWattCore
import UrbanWattKit

/// The workflows the command line only calls: run planning, the regression suite and shard merging.
struct WorkflowTests {
    static let yaml = """
        urbanwatt: 1
        name: tiny
        period: {start: 2025-01-01, end: 2025-01-03, step: 1 h}
        fleets:
          - {name: lamps, kind: device, count: 10, power: 100 W}
        """

    @Test func overridesAndRowsAreCheckedWithTheirReason() throws {
        var s = try Simulation(yaml: Self.yaml).scenario
        try RunPlan.override(&s, seed: 7, to: "2025-01-02", step: "15 min")
        #expect(s.seed == 7 && s.end == CivilDate(year: 2025, month: 1, day: 2) && s.step == 900)
        #expect(throws: UsageError.self) { try RunPlan.override(&s, step: "7 min") }
        #expect(throws: UsageError.self) { try RunPlan.override(&s, from: "2025-01-05") }
        #expect(try RunPlan.stepsPerRow("1 h", scenario: s) == 4)
        #expect(throws: UsageError.self) { try RunPlan.stepsPerRow("20 min", scenario: s) }
    }

    @Test func aRunThatCannotFitOrMeanAnythingIsRefused() throws {
        let s = try Simulation(yaml: Self.yaml).scenario
        #expect(try RunPlan.admit(s).steps == 48)
        do {
            _ = try RunPlan.admit(s, maxMemory: (1e6, "1MB"))
            Issue.record("admitted")
        } catch {
            #expect(error.description.contains("more than --max-memory 1MB"))
        }
        #expect(throws: UsageError.self) { try RunPlan.admit(s, runs: 10) }
    }

    /// 10 × 100 W for 48 h is 48 kWh: blessed, then passed, then a golden edited by hand fails.
    @Test func theRegressionSuiteBlessesPassesAndFails() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("urbanwatt-suite-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/tiny.yaml"
        try Self.yaml.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try RegressionSuite.files([folder]) == [file])
        let simulation = try Simulation.load(file)
        guard case .noGolden = try RegressionSuite.check(simulation, file: file) else { Issue.record("a golden already?"); return }
        guard case .blessed = try RegressionSuite.check(simulation, file: file, bless: true) else { Issue.record("not blessed"); return }
        guard case .passed = try RegressionSuite.check(simulation, file: file) else { Issue.record("did not pass"); return }
        let golden = RegressionSuite.golden(for: file)
        let text = try String(contentsOfFile: golden, encoding: .utf8)
        #expect(text.contains("\"energy_kwh\": 48"))
        try text.replacingOccurrences(of: "\"energy_kwh\": 48", with: "\"energy_kwh\": 49").write(toFile: golden, atomically: true, encoding: .utf8)
        guard case .failed(let mismatches, _) = try RegressionSuite.check(simulation, file: file) else { Issue.record("did not fail"); return }
        #expect(mismatches.contains { $0.field == "totals.energy_kwh" && $0.expected == "49" && $0.got == "48" })
        #expect(throws: RegressionSuite.Failure.self) { try RegressionSuite.files([folder + "/missing"]) }
    }

    @Test func foldersThatAreNotShardsAreNamed() {
        do {
            _ = try ShardMerge.merge(folders: ["/nonexistent-shard"])
            Issue.record("merged")
        } catch {
            guard case .notAShard(let f) = error else { Issue.record("\(error)"); return }
            #expect(f == "/nonexistent-shard")
        }
    }
}
