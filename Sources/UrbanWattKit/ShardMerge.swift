import Foundation
import UrbanWattCore
package import UrbanWattResults
package import UrbanWattScenario

/// Reconstructs the whole run from the folders `run --shard K/N` wrote: each shard's scenario is
/// decoded again with the period and seed it ran with, its series read back, and all checked to
/// belong together before they are added up.
package enum ShardMerge {
    package enum Failure: Error, CustomStringConvertible {
        /// A folder without shard.json, series.bin and scenario.yaml.
        case notAShard(String)
        /// A shard's scenario.yaml no longer decodes.
        case scenario(ScenarioErrors)
        /// Shards of different runs, missing or repeated shards, damaged series.
        case inconsistent(String)
        /// A resolution that is not a whole number of the shards' steps.
        case resolution(UsageError)

        package var description: String {
            switch self {
            case .notAShard(let folder):
                "\(folder): not a shard's folder (shard.json, series.bin and scenario.yaml are written by `run --shard K/N`)"
            case .scenario(let errors): errors.description
            case .inconsistent(let problem): problem
            case .resolution(let error): error.description
            }
        }
    }

    /// The merged run: its figures, with `resolution` rows in its time series (a duration such as
    /// 1h, a whole number of steps), the scenario text the shards ran (to write with the results),
    /// and, for shards of `--runs N`, every run's figures in run order with their `uncertainty`
    /// section, the very one the unsharded `--runs N` gives. With `key`, every shard must be sealed
    /// with it (`run --shard K/N --key-file`).
    package static func merge(folders: [String], resolution: String = "1h", key: ShardKey? = nil)
        throws(Failure) -> (breakdown: Breakdown, scenarioText: String, runs: [MonteCarlo.RunStats]?, uncertainty: RunSummary.Uncertainty?)
    {
        // With a key, what is merged is what was checked: scenario.yaml and runs.csv are read once
        // into memory and series.bin copied once into a private folder, whatever the storage
        // returns on a second read.
        let scratch = key == nil ? nil : FileManager.default.temporaryDirectory.appendingPathComponent("urbanwatt-merge-\(UUID().uuidString)").path
        defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
        var read: [Read] = []
        for (k, folder) in folders.enumerated() {
            guard let headerData = FileManager.default.contents(atPath: folder + "/shard.json"),
                let header = try? JSONParser.parse(String(decoding: headerData, as: UTF8.self)),
                let scenarioData = FileManager.default.contents(atPath: folder + "/scenario.yaml"),
                FileManager.default.fileExists(atPath: folder + "/series.bin")
            else { throw .notAShard(folder) }
            var series = folder + "/series.bin"
            if let scratch {
                let copy = scratch + "/\(k).series.bin"
                do {
                    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
                    try FileManager.default.copyItem(atPath: series, toPath: copy)
                } catch {
                    throw .inconsistent("\(series): cannot copy it to check it: \(error.localizedDescription)")
                }
                series = copy
            }
            read.append(
                Read(
                    folder: folder, header: header, raw: String(decoding: headerData, as: UTF8.self), scenario: Array(scenarioData),
                    runs: FileManager.default.contents(atPath: folder + "/runs.csv").map(Array.init), series: series))
        }
        do {
            for s in read {
                try ShardFiles.checkKeyed(s.folder, s.header, raw: s.raw, key: key) { name in
                    switch name {
                    case "scenario.yaml": .bytes(name, s.scenario)
                    case "series.bin": .file(name, s.series)
                    case "runs.csv": s.runs.map { .bytes(name, $0) }
                    default: nil
                    }
                }
            }
            try ShardFiles.checkTogether(read.map { ($0.folder, $0.header, $0.series) })
        } catch {
            throw .inconsistent("\(error)")
        }
        var shards: [(SimulationResult, SeriesFile.Reader)] = []
        for shard in read {
            let (folder, header) = (shard.folder, shard.header)
            var scenario: Scenario
            do {
                scenario = try ScenarioDecoder.decode(shard.text, file: folder + "/scenario.yaml")
            } catch {
                throw .scenario(error)
            }
            if let seed = header["seed"]?.uint64Value { scenario.seed = seed }
            if let s = header["start"]?.stringValue.flatMap(CivilDate.init(iso:)) { scenario.start = s }
            if let e = header["end"]?.stringValue.flatMap(CivilDate.init(iso:)) { scenario.end = e }
            if let step = header["step_s"]?.doubleValue, StepClock.isValidStep(step) { scenario.step = Int64(step) }
            do {
                shards.append(try ShardFiles.open(folder: folder, scenario: scenario, header: header, series: shard.series))
            } catch {
                throw .inconsistent("\(error)")
            }
        }
        let rows: Int
        do {
            rows = try RunPlan.stepsPerRow(resolution, scenario: shards[0].0.scenario)
        } catch {
            throw .resolution(error)
        }
        guard let requested = read[0].header["runs"]?.uint64Value.flatMap({ Int(exactly: $0) }) else {
            do {
                return (try ShardFiles.merge(shards, stepsPerRow: rows), read[0].text, nil, nil)
            } catch {
                throw .inconsistent("\(error)")
            }
        }
        // Shards of the Monte Carlo runs: each simulated the central run whole; their runs add up.
        var runs: [MonteCarlo.RunStats] = []
        for (k, shard) in read.enumerated() {
            let path = shard.folder + "/runs.csv"
            guard let data = shard.runs else { throw .inconsistent("\(path): missing") }
            switch RunTotals.parse(String(decoding: data, as: UTF8.self)) {
            case .success(let stats):
                let shard = shards[k].0.shard
                let expected = Array(stride(from: shard.index, to: requested, by: shard.count))
                guard stats.map(\.run) == expected else {
                    throw .inconsistent("\(path): \(stats.count) of shard \(shard)'s \(expected.count) runs (interrupted?); run that shard again")
                }
                runs += stats
            case .failure(let problem): throw .inconsistent("\(path): \(problem)")
            }
        }
        runs.sort { $0.run < $1.run }
        guard let central = shards.first(where: { $0.0.shard.index == 0 }) else { throw .inconsistent("missing shard 1") }
        var whole = central.0
        whole.shard = .whole
        do {
            let b = try ShardFiles.merge([(whole, central.1)], stepsPerRow: rows)
            return (
                b, read[0].text, runs,
                runs.count >= 2 ? MonteCarlo.section(runs, requested: requested, parameters: whole.scenario.uncertainParameters.count) : nil
            )
        } catch {
            throw .inconsistent("\(error)")
        }
    }

    /// A shard's folder as read: its header (parsed and as text), its scenario text and runs.csv
    /// (bytes, as checked), and the series file to use.
    struct Read {
        var folder: String
        var header: JSONValue
        var raw: String
        var scenario: [UInt8]
        var runs: [UInt8]?
        var series: String
        var text: String { String(decoding: scenario, as: UTF8.self) }
    }
}
