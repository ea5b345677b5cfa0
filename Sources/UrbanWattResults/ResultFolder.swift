import Foundation
import Synchronization
import UrbanWattCore

/// Writes a run's output folder as a whole (`StagedFolder`): summary.json, timeseries.csv,
/// fleets.csv, report.html, and for a shard the files `merge` needs.
package enum ResultFolder {
    /// With `series` (a shard's, written while it ran in chunks of `chunk` steps), the folder also
    /// gets scenario.yaml, shard.json and series.bin for `merge`; with `runs`, runs.csv. With
    /// `timeseries`, the run wrote timeseries.csv as it went (at the run's rows), and it moves in.
    /// `command` names the writer in the folder's manifest.
    package static func write(
        _ b: Breakdown, summary: RunSummary, to path: String, stepsPerRow: Int, columns: CSVWriters.Columns = .layers,
        scenarioText: String, command: String = "run", runs: [MonteCarlo.RunStats]? = nil, timeseries: TimeseriesFile? = nil,
        series: (writer: SeriesFile.Writer, chunk: Int, split: ShardFiles.Split)? = nil, key: ShardKey? = nil
    ) throws(OutputFolder.Failure) {
        defer {
            if let series { try? FileManager.default.removeItem(atPath: series.writer.path) }
            if let timeseries { try? FileManager.default.removeItem(atPath: timeseries.path) }
        }
        if let series { try series.writer.finish() }
        if let timeseries { try timeseries.finish(b) }
        // Without a time series written as the run went, it is formatted beside the rest: each takes
        // a while for a decade of hours.
        let texts = Mutex((timeseries: [UInt8](), summary: "", fleets: "", report: ""))
        DispatchQueue.concurrentPerform(iterations: timeseries == nil ? 2 : 1) { task in
            if task == 1 {
                let csv = CSVWriters.timeseriesBytes(b, stepsPerRow: stepsPerRow, columns: columns)
                texts.withLock { $0.timeseries = csv }
            } else {
                let (json, fleets, report) = (summary.json().serialized(), CSVWriters.fleets(b), Report.html(b, summary: summary, scenarioText: scenarioText))
                texts.withLock { ($0.summary, $0.fleets, $0.report) = (json, fleets, report) }
            }
        }
        let text = texts.withLock { $0 }
        let runsCSV = runs.map(RunTotals.csv)
        try StagedFolder.replace(path, command: command) { folder throws(OutputFolder.Failure) in
            try folder.write("summary.json", text.summary)
            if let timeseries { try folder.adopt(timeseries.path, as: "timeseries.csv") } else { try folder.write("timeseries.csv", bytes: text.timeseries) }
            try folder.write("fleets.csv", text.fleets)
            try folder.write("report.html", text.report)
            if let runsCSV { try folder.write("runs.csv", runsCSV) }
            if let series {
                try folder.write("scenario.yaml", scenarioText)
                let header: JSONValue
                do {
                    header = try ShardFiles.header(
                        b.result, scenarioText: scenarioText, series: series.writer, chunk: series.chunk, split: series.split,
                        key: key, runsCSV: runsCSV)
                } catch {
                    throw .cannotWrite(PathText.join(path, "shard.json"), "\(error)")
                }
                try folder.write("shard.json", header.serialized())
                try folder.adopt(series.writer.path, as: "series.bin")
            }
        }
    }

    /// Why a results folder's summary cannot be read.
    package struct ReadFailure: Error, CustomStringConvertible {
        package var description: String
    }

    /// Reads `summary.json` of a results folder.
    package static func summary(in path: String) throws(ReadFailure) -> RunSummary {
        let file = PathText.join(path, "summary.json")
        guard let data = FileManager.default.contents(atPath: file) else { throw ReadFailure(description: "\(file): missing or unreadable") }
        guard let json = try? JSONParser.parse(String(decoding: data, as: UTF8.self)) else { throw ReadFailure(description: "\(file): not valid JSON") }
        do {
            return try RunSummary(json: json)
        } catch {
            throw ReadFailure(description: "\(file): not an UrbanWatt summary: \(error)")
        }
    }
}
