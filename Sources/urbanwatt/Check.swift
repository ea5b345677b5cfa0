import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattKit
import UrbanWattResults
import UrbanWattScenario

extension UrbanWatt {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scenario regression: run scenarios and compare each with its golden summary.",
            discussion: """
            A scenario DIR/NAME.yaml is checked against DIR/expected/NAME.summary.json, field by field \
            (the `run` section excluded), with a relative tolerance (default 1e-9, or the scenario's \
            `check: {tolerance: …}`). Differences are printed as a table and the exit code is 1. \
            --bless writes the goldens anew.
            """)

        @Argument(help: "Scenario files or folders of scenarios (default: Scenarios).")
        var paths: [String] = []

        @Flag(help: "Rewrite the golden summaries from this run.")
        var bless = false

        @Option(help: "Relative tolerance for every scenario, overriding theirs.")
        var tolerance: Double?

        func run() throws {
            let files = try scenarioFiles()
            var failed = 0, checked = 0
            for file in files {
                let golden = ((file as NSString).deletingLastPathComponent as NSString)
                    .appendingPathComponent("expected/\(((file as NSString).lastPathComponent as NSString).deletingPathExtension).summary.json")
                let exists = FileManager.default.fileExists(atPath: golden)
                if !exists && !bless {
                    print("skip  \(file) (no golden \(golden); --bless writes one)")
                    continue
                }
                let loaded = try ScenarioSource.load(file)
                let summary = loaded.run().summary()
                if bless {
                    do {
                        try OutputFolder(path: (golden as NSString).deletingLastPathComponent).create()
                        try OutputFolder(path: (golden as NSString).deletingLastPathComponent).write((golden as NSString).lastPathComponent, withoutRun(summary).serialized())
                    } catch {
                        throw CommandFailure(ExitStatus.cannotCreate, "\(error)")
                    }
                    print("bless \(file) → \(golden)")
                    continue
                }
                checked += 1
                guard let data = FileManager.default.contents(atPath: golden), let expected = try? JSONParser.parse(String(decoding: data, as: UTF8.self)) else {
                    throw CommandFailure(ExitStatus.dataError, "\(golden): not a readable summary")
                }
                let tol = tolerance ?? loaded.scenario.checkTolerance ?? 1e-9
                let mismatches = RegressionCheck.compare(expected: expected, got: summary, tolerance: tol)
                if mismatches.isEmpty {
                    print("ok    \(file)")
                } else {
                    failed += 1
                    print("FAIL  \(file): \(mismatches.count) field\(mismatches.count == 1 ? "" : "s") differ beyond \(tol)")
                    print(RegressionCheck.table(mismatches))
                }
            }
            if !bless { print("\(checked - failed) passed, \(failed) failed") }
            if failed > 0 { throw CommandFailure(ExitStatus.internalError, nil) }
        }

        /// The YAML files named, or found in the folders named.
        func scenarioFiles() throws -> [String] {
            var files: [String] = []
            for path in paths.isEmpty ? ["Scenarios"] : paths {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    throw CommandFailure(ExitStatus.noInput, "\(path): no such file or folder")
                }
                if isDirectory.boolValue {
                    let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                    files += entries.filter { $0.hasSuffix(".yaml") }.sorted().map { (path as NSString).appendingPathComponent($0) }
                } else {
                    files.append(path)
                }
            }
            return files
        }

        /// The summary without its `run` section (wall time differs run to run).
        func withoutRun(_ s: JSONValue) -> JSONValue {
            guard case .object(let pairs) = s else { return s }
            return .object(pairs.filter { $0.0 != "run" })
        }
    }
}
