import Foundation
import UrbanWattCore

/// Writes a run's output folder as a whole (`StagedFolder`): summary.json, timeseries.csv,
/// fleets.csv, report.html, and for a shard the files `merge` needs.
public enum ResultFolder {
    public static func write(
        _ b: Breakdown, summary: JSONValue, to path: String, stepsPerRow: Int, columns: CSVWriters.Columns = .layers,
        scenarioText: String, shardFiles: Bool = false
    ) throws(OutputFolder.Failure) {
        try StagedFolder.replace(path) { folder throws(OutputFolder.Failure) in
            try folder.write("summary.json", summary.serialized())
            try folder.write("timeseries.csv", CSVWriters.timeseries(b, stepsPerRow: stepsPerRow, columns: columns))
            try folder.write("fleets.csv", CSVWriters.fleets(b))
            try folder.write("report.html", Report.html(b, summary: summary, scenarioText: scenarioText))
            if shardFiles {
                try folder.write("scenario.yaml", scenarioText)
                let series = ShardFiles.series(b.result)
                try folder.write("shard.json", ShardFiles.header(b.result, scenarioText: scenarioText, series: series).serialized())
                try folder.write("series.bin", series)
            }
        }
    }

    /// Reads `summary.json` of a results folder.
    public static func summary(in path: String) -> JSONValue? {
        let file = PathText.join(path, "summary.json")
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        return try? JSONParser.parse(String(decoding: data, as: UTF8.self))
    }
}
