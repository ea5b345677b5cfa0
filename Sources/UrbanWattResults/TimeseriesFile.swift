import Foundation
package import UrbanWattCore

/// timeseries.csv written as the run goes, one line per row the tally keeps, into a scratch file
/// beside the results folder that `ResultFolder.write` then moves in: `append` formats and writes
/// the rows the tally has closed (on the folding core, while the engine computes the next chunk),
/// `finish` the rest. The bytes are those `CSVWriters.timeseriesBytes` writes at the same resolution;
/// the decade's megabytes never sit in memory, nor wait for the end to be formatted and written.
package final class TimeseriesFile {
    package let path: String
    package let columns: CSVWriters.Columns
    private let handle: FileHandle
    private var out: ByteWriter
    /// Rows formatted so far.
    private var written = 0
    /// The first write error; later rows are dropped, and `finish` reports it.
    private var failure: String?

    /// Bytes gathered before a write.
    static let block = 1 << 20

    package init(path: String, columns: CSVWriters.Columns, scenario: Scenario) throws(OutputFolder.Failure) {
        self.path = path
        self.columns = columns
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw .cannotWrite(path, String(cString: strerror(errno)))
        }
        handle = h
        out = CSVWriters.timeseriesHeader(CSVWriters.timeseriesColumns(columns, scenario) { _ in [] }.map(\.name))
    }

    /// Writes the rows `tally` has closed: all but its last, which later steps may still add to.
    package func append(_ tally: Tally) {
        format(tally, through: tally.rows(.total).count - 1, steps: tally.steps)
        if out.bytes.count >= TimeseriesFile.block { flush() }
    }

    /// Writes the rows not written yet, up to the last one `b` has, and closes the file; throws the
    /// first write error (a full disk).
    package func finish(_ b: Breakdown) throws(OutputFolder.Failure) {
        format(b.tally, through: b.tally.rows(.total).count, steps: b.steps)
        flush()
        try? handle.close()
        if let failure { throw .cannotWrite(path, failure) }
    }

    private func format(_ tally: Tally, through end: Int, steps: Int) {
        guard end > written else { return }
        let series = CSVWriters.timeseriesColumns(columns, tally.scenario) { tally.rows($0) }
        CSVWriters.timeseriesLines(
            into: &out, tally.clock, stepsPerRow: tally.stepsPerRow, steps: steps, total: tally.rows(.total),
            series: series.map(\.rows), per: 1, rows: written..<end)
        written = end
    }

    private func flush() {
        defer { out.bytes.removeAll(keepingCapacity: true) }
        guard failure == nil, !out.bytes.isEmpty else { return }
        do {
            try out.bytes.withUnsafeBytes { try handle.write(contentsOf: $0) }
        } catch {
            failure = error.localizedDescription
        }
    }
}
