import Foundation
import UrbanWattCore
package import UrbanWattResults
import UrbanWattScenario

/// The scenario regression suite: each `DIR/NAME.yaml` against its golden summary
/// `DIR/expected/NAME.summary.json`, field by field, within a relative tolerance.
package enum RegressionSuite {
    /// What checking one scenario found.
    package enum Outcome: Sendable {
        case passed
        /// The fields that differ beyond `tolerance`.
        case failed([RegressionCheck.Mismatch], tolerance: Double)
        /// No golden yet (`bless` writes one).
        case noGolden
        /// The golden was written anew.
        case blessed
    }

    package enum Failure: Error, CustomStringConvertible {
        case noInput(String)
        case unreadableGolden(String)
        case cannotWrite(String)

        package var description: String {
            switch self {
            case .noInput(let path): "\(path): no such file or folder"
            case .unreadableGolden(let path): "\(path): not a readable summary"
            case .cannotWrite(let problem): problem
            }
        }
    }

    /// The tolerance when neither the caller nor the scenario (`check: {tolerance}`) gives one.
    package static let defaultTolerance = 1e-9

    /// The YAML files named, or found in the folders named (default: `Scenarios`).
    package static func files(_ paths: [String]) throws(Failure) -> [String] {
        var files: [String] = []
        for path in paths.isEmpty ? ["Scenarios"] : paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .noInput(path) }
            if isDirectory.boolValue {
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += entries.filter { $0.hasSuffix(".yaml") }.sorted().map { PathText.join(path, $0) }
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// `DIR/expected/NAME.summary.json` for `DIR/NAME.yaml`.
    package static func golden(for file: String) -> String {
        let (folder, name) = PathText.split(file)
        return PathText.join(folder, "expected/\(PathText.stem(name)).summary.json")
    }

    /// Runs `simulation` and compares its summary with the golden of `file`, or writes the golden
    /// when `bless`. `tolerance` overrides the scenario's.
    package static func check(_ simulation: Simulation, file: String, tolerance: Double? = nil, bless: Bool = false) throws(Failure) -> Outcome {
        let golden = golden(for: file)
        let exists = FileManager.default.fileExists(atPath: golden)
        if !exists && !bless { return .noGolden }
        let summary = withoutRun(simulation.run().summary().json())
        if bless {
            // Blessing replaces a golden, never a file of the same name that is not one.
            if exists
                && (try? JSONParser.parse(String(decoding: FileManager.default.contents(atPath: golden) ?? Data(), as: UTF8.self)))?["urbanwatt_version"] == nil
            {
                throw .cannotWrite("will not replace \(golden): it is not an UrbanWatt summary (move it away, or remove it yourself)")
            }
            let (goldenFolder, goldenName) = PathText.split(golden)
            let folder = OutputFolder(path: goldenFolder.isEmpty ? "." : goldenFolder)
            do {
                try folder.create()
                try folder.write(goldenName, summary.serialized())
            } catch {
                throw .cannotWrite("\(error)")
            }
            return .blessed
        }
        guard let data = FileManager.default.contents(atPath: golden),
            let expected = try? JSONParser.parse(String(decoding: data, as: UTF8.self))
        else { throw .unreadableGolden(golden) }
        let tol = tolerance ?? simulation.scenario.checkTolerance ?? defaultTolerance
        let mismatches = RegressionCheck.compare(expected: expected, got: summary, tolerance: tol)
        return mismatches.isEmpty ? .passed : .failed(mismatches, tolerance: tol)
    }

    /// The summary without its `run` section (wall time differs run to run).
    static func withoutRun(_ s: JSONValue) -> JSONValue {
        guard case .object(let pairs) = s else { return s }
        return .object(pairs.filter { !RegressionCheck.ignored.contains($0.0) })
    }
}
