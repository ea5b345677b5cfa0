import Foundation
import UrbanWattCore
import UrbanWattResults
import UrbanWattScenario

/// Reconstructs the whole run from the folders `run --shard K/N` wrote: each shard's scenario is
/// decoded again with the period and seed it ran with, its series read back, and all checked to
/// belong together before they are added up.
public enum ShardMerge {
    public enum Failure: Error, CustomStringConvertible {
        /// A folder without shard.json, series.bin and scenario.yaml.
        case notAShard(String)
        /// A shard's scenario.yaml no longer decodes.
        case scenario(ScenarioErrors)
        /// Shards of different runs, missing or repeated shards, damaged series.
        case inconsistent(String)

        public var description: String {
            switch self {
            case .notAShard(let folder):
                "\(folder): not a shard's folder (shard.json, series.bin and scenario.yaml are written by `run --shard K/N`)"
            case .scenario(let errors): errors.description
            case .inconsistent(let problem): problem
            }
        }
    }

    /// The merged run, and the scenario text the shards ran (to write with the results).
    public static func merge(folders: [String]) throws(Failure) -> (result: SimulationResult, scenarioText: String) {
        var read: [(folder: String, header: JSONValue, series: Data, text: String)] = []
        for folder in folders {
            guard let headerData = FileManager.default.contents(atPath: folder + "/shard.json"),
                  let header = try? JSONParser.parse(String(decoding: headerData, as: UTF8.self)),
                  let scenarioData = FileManager.default.contents(atPath: folder + "/scenario.yaml"),
                  let series = FileManager.default.contents(atPath: folder + "/series.bin")
            else { throw .notAShard(folder) }
            read.append((folder, header, series, String(decoding: scenarioData, as: UTF8.self)))
        }
        do {
            try ShardFiles.checkTogether(read.map { ($0.folder, $0.header, $0.series) })
        } catch {
            throw .inconsistent("\(error)")
        }
        var shards: [SimulationResult] = []
        for (folder, header, series, text) in read {
            var scenario: Scenario
            do {
                scenario = try ScenarioDecoder.decode(text, file: folder + "/scenario.yaml")
            } catch {
                throw .scenario(error)
            }
            if let seed = header["seed"]?.uint64Value { scenario.seed = seed }
            if let s = header["start"]?.stringValue.flatMap(CivilDate.init(iso:)) { scenario.start = s }
            if let e = header["end"]?.stringValue.flatMap(CivilDate.init(iso:)) { scenario.end = e }
            if let step = header["step_s"]?.doubleValue, StepClock.isValidStep(step) { scenario.step = Int64(step) }
            do {
                shards.append(try ShardFiles.read(folder: folder, scenario: scenario, header: header, series: series))
            } catch {
                throw .inconsistent("\(error)")
            }
        }
        do {
            return (try ShardFiles.merge(shards), read[0].text)
        } catch {
            throw .inconsistent("\(error)")
        }
    }
}
