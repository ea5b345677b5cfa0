import Foundation
import Testing
import UrbanWattCore
import UrbanWattKit
import UrbanWattResults

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

    /// The command line's run path, through the library: 10 × 100 W for 48 h is 48 kWh; shard 1/2
    /// holds 5 lamps (24 kWh) and writes the files `merge` reads; a stream that lets 30 of the 48
    /// hourly steps out leaves results that cover those 30 (30 kWh), marked incomplete.
    @Test func aJobRunsShardsAndStreamsThroughTheLibrary() throws {
        let sim = try Simulation(yaml: Self.yaml)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("urbanwatt-job-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let whole = try sim.execute(RunJob(folder: root + "/whole", stepsPerRow: 1))
        #expect(abs(whole.summary.totals.energyKWh - 48) < 1e-9 && whole.summary.complete)
        var job = RunJob(folder: root + "/half", stepsPerRow: 1)
        job.shard = Shard(parsing: "1/2")
        let half = try sim.execute(job)
        #expect(abs(half.summary.totals.energyKWh - 24) < 1e-9 && half.summary.run.shard == "1/2")
        for file in ["shard.json", "series.bin", "scenario.yaml", "summary.json", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: root + "/half/" + file), "\(file)")
        }
        var hooks = RunJob.Hooks()
        var streamed = 0
        hooks.stream = { range, _ in
            let out = max(0, min(range.count, 30 - range.lowerBound))
            streamed += out
            return out
        }
        hooks.shouldStop = { false }
        var ended: RunSummary?
        hooks.streamEnded = { summary in
            ended = summary
            return RunSummary.Telemetry(generated: 7, published: 7)
        }
        let partial = try sim.execute(RunJob(folder: root + "/stream", stepsPerRow: 1), hooks: hooks)
        #expect(streamed == 30 && abs(partial.summary.totals.energyKWh - 30) < 1e-9 && !partial.summary.complete)
        #expect(ended?.totals.energyKWh == partial.summary.totals.energyKWh && partial.summary.telemetry.published == 7)
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
