import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattKit
import UrbanWattResults
import UrbanWattScenario

extension UrbanWatt {
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Combine the output folders of all shards of one run into the unsharded results.")

        @Argument(help: "The shards' output folders (from `run --shard K/N`).", completion: .directory)
        var folders: [String]

        @Option(help: "Output folder for the merged results.")
        var out: String

        @Option(help: "Interval of timeseries.csv, a whole number of steps.")
        var resolution: String = "1h"

        @Option(help: "Columns of timeseries.csv: layers (a column per layer) or fleets (a column per fleet).")
        var timeseries: CSVWriters.Columns = .layers

        @Option(help: "The secret the shards were sealed with (`run --shard K/N --key-file`); every shard must match it.")
        var keyFile: String?

        @Flag(help: "Print nothing but errors.")
        var quiet = false

        func run() throws {
            guard !folders.isEmpty else { throw ValidationError("name the shards' folders") }
            let key = try keyFile.map(ShardKey.load)
            try checkOut()
            let b: Breakdown, text: String, runs: [MonteCarlo.RunStats]?, uncertainty: RunSummary.Uncertainty?
            do {
                (b, text, runs, uncertainty) = try ShardMerge.merge(folders: folders, resolution: resolution, key: key)
            } catch .notAShard(let folder) {
                throw CommandFailure(ExitStatus.noInput, ShardMerge.Failure.notAShard(folder).description)
            } catch .resolution(let error) {
                throw CommandFailure(ExitStatus.usage, error.description)
            } catch {
                if case .scenario = error { printError(error.description) } // located diagnostics, one a line
                throw CommandFailure(ExitStatus.dataError, error.isScenario ? nil : error.description)
            }
            let rows = b.stepsPerRow
            let summary = RunSummary(b, run: RunInfo(wallSeconds: 0, uncertainty: uncertainty))
            try writing { () throws(OutputFolder.Failure) in
                try ResultFolder.write(b, summary: summary, to: out, stepsPerRow: rows, columns: timeseries, scenarioText: text, command: "merge", runs: runs)
            }
            if !quiet {
                print(SummaryTable.render(b), terminator: "")
                if let uncertainty { print(UncertaintyTable.render(uncertainty), terminator: "") }
                print("Merged \(folders.count) shards into \(out)/")
            }
        }
    }
}

extension UrbanWatt.Merge {
    /// Refuses, before merging, an `--out` that `ResultFolder.write` would refuse, or that is one of
    /// the shards, holds one or lies inside one: replacing it would destroy an input.
    func checkOut() throws {
        try writing { () throws(OutputFolder.Failure) in
            let target = try FolderOwnership.resolve(out)
            for folder in folders {
                let shard = try FolderOwnership.resolve(folder)
                if target == shard || shard.hasPrefix(target + "/") || target.hasPrefix(shard + "/") {
                    throw OutputFolder.Failure.refused(out, "it is, holds or lies in the shard \(folder); merge into a new folder")
                }
            }
            try StagedFolder.checkReplaceable(out)
        }
    }
}

extension ShardKey {
    /// The key of `--key-file`, or exit 66 (a file that cannot be read) or 64 (not a usable key).
    static func load(_ file: String) throws -> ShardKey {
        do { return try ShardKey(file: file) } catch {
            throw CommandFailure(FileManager.default.isReadableFile(atPath: file) ? ExitStatus.usage : ExitStatus.noInput, error.description)
        }
    }
}

extension ShardMerge.Failure {
    fileprivate var isScenario: Bool { if case .scenario = self { true } else { false } }
}
