import Foundation
import TestSupport
import Testing

/// `urbanwatt sensitivity`: the table, sensitivity.json and tornado.svg in a folder it owns.
@Suite struct SensitivityCommandTests {
    static let yaml = """
        urbanwatt: 1
        name: swings
        period: {start: 2025-03-03, end: 2025-03-04, step: 1 h}
        fleets:
          - {name: big, kind: device, count: 10, power: {uniform: [10 W, 30 W]}}
          - {name: small, kind: device, count: 10, power: {normal: [1 W, 0.05 W]}}
        """

    @Test func writesTheSwingsTheTableAndTheChart() throws {
        let (dir, file) = try CLI.scenario(Self.yaml)
        let out = dir.appendingPathComponent("s").path
        let r = try CLI.run(["sensitivity", file, "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        // Without a carbon intensity the net is in kWh: 10 × (11 + 1) W × 24 h = 2.88 kWh at big's p5.
        #expect(r.stdout.contains("fleets[big].power"), "\(r.stdout)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(names == [".urbanwatt-manifest.json", "sensitivity.json", "tornado.svg"])
        let json = try String(contentsOfFile: out + "/sensitivity.json", encoding: .utf8)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let swings = try #require(parsed["swings"] as? [[String: Any]])
        #expect(parsed["output"] as? String == "net_kwh" && swings.first?["input"] as? String == "fleets[big].power")
        let p5 = try #require((swings.first?["net_kwh"] as? [String: Any])?["p5"] as? Double)
        #expect(abs(p5 - 2.88) < 1e-9, "\(p5)")
        let svg = try String(contentsOfFile: out + "/tornado.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("fleets[small].power"))
        let j = try CLI.run(["sensitivity", file, "--out", out, "--format", "json", "--quiet"])
        #expect(j.status == 0 && j.stdout == json)
    }

    @Test func aScenarioWithoutUncertainInputsOrAForeignFolderIsRefused() throws {
        let (dir, file) = try CLI.scenario(
            Self.yaml.replacingOccurrences(of: "{uniform: [10 W, 30 W]}", with: "20 W")
                .replacingOccurrences(of: "{normal: [1 W, 0.05 W]}", with: "1 W"))
        let r = try CLI.run(["sensitivity", file, "--out", dir.appendingPathComponent("s").path])
        #expect(r.status == 65 && r.stderr.contains("no uncertain input"), "\(r.stderr)")
        let (_, uncertain) = try CLI.scenario(Self.yaml)
        let foreign = dir.appendingPathComponent("thesis")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        try "mine".write(to: foreign.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let f = try CLI.run(["sensitivity", uncertain, "--out", foreign.path])
        #expect(f.status == 73 && f.stderr.contains("notes.txt"), "\(f.stderr)")
        #expect(try String(contentsOf: foreign.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
    }

    /// `run --runs`: summary.json lists the drivers and the report draws them as a tornado.
    @Test func monteCarloRunsListTheDriversAndTheReportDrawsThem() throws {
        let (dir, file) = try CLI.scenario(Self.yaml)
        let out = dir.appendingPathComponent("mc").path
        let r = try CLI.run(["run", file, "--runs", "40", "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try String(contentsOfFile: out + "/summary.json", encoding: .utf8)
        #expect(summary.contains("\"drivers\"") && summary.contains("\"first_order\""))
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("What drives the net (net kwh)") && html.contains("fleets[big].power ("))
    }
}
