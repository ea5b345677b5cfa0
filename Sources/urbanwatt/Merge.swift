import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattResults
import UrbanWattScenario

extension UrbanWatt {
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Combine the output folders of all shards of one run into the unsharded results.")

        @Argument(help: "The shards' output folders (from `run --shard K/N`).")
        var folders: [String]

        @Option(help: "Output folder for the merged results.")
        var out: String

        @Option(help: "Interval of timeseries.csv, a whole number of steps.")
        var resolution: String = "1h"

        @Flag(help: "Print nothing but errors.")
        var quiet = false

        func run() throws {
            guard !folders.isEmpty else { throw ValidationError("name the shards' folders") }
            var read: [(folder: String, header: JSONValue, series: Data, text: String)] = []
            for folder in folders {
                guard let headerData = FileManager.default.contents(atPath: folder + "/shard.json"),
                      let header = try? JSONParser.parse(String(decoding: headerData, as: UTF8.self)),
                      let scenarioData = FileManager.default.contents(atPath: folder + "/scenario.yaml"),
                      let series = FileManager.default.contents(atPath: folder + "/series.bin")
                else {
                    throw CommandFailure(ExitStatus.noInput, "\(folder): not a shard's folder (shard.json, series.bin and scenario.yaml are written by `run --shard K/N`)")
                }
                read.append((folder, header, series, String(decoding: scenarioData, as: UTF8.self)))
            }
            do {
                try ShardFiles.checkTogether(read.map { ($0.folder, $0.header, $0.series) })
            } catch {
                throw CommandFailure(ExitStatus.dataError, "\(error)")
            }
            let text = read[0].text
            var shards: [SimulationResult] = []
            for (folder, header, series, text) in read {
                var scenario: Scenario
                do {
                    scenario = try ScenarioDecoder.decode(text, file: folder + "/scenario.yaml")
                } catch {
                    printError(error.description)  // located diagnostics, one a line
                    throw CommandFailure(ExitStatus.dataError, nil)
                }
                if let seed = header["seed"]?.uint64Value { scenario.seed = seed }
                if let s = header["start"]?.stringValue.flatMap(CivilDate.init(iso:)) { scenario.start = s }
                if let e = header["end"]?.stringValue.flatMap(CivilDate.init(iso:)) { scenario.end = e }
                if let step = header["step_s"]?.doubleValue, StepClock.isValidStep(step) { scenario.step = Int64(step) }
                do {
                    shards.append(try ShardFiles.read(folder: folder, scenario: scenario, header: header, series: series))
                } catch {
                    throw CommandFailure(ExitStatus.dataError, "\(error)")
                }
            }
            let merged: SimulationResult
            do {
                merged = try ShardFiles.merge(shards)
            } catch {
                throw CommandFailure(ExitStatus.dataError, "\(error)")
            }
            let rows = try PeriodOptions().stepsPerRow(resolution, step: merged.clock.step, period: merged.scenario)
            let b = Breakdown(merged)
            let summary = SummaryBuilder.summary(b, run: RunInfo(wallSeconds: 0))
            do {
                try ResultFolder.write(b, summary: summary, to: out, stepsPerRow: rows, scenarioText: text)
            } catch {
                throw CommandFailure(ExitStatus.cannotCreate, "\(error)")
            }
            if !quiet {
                print(SummaryTable.render(b), terminator: "")
                print("Merged \(shards.count) shards into \(out)/")
            }
        }
    }
}
