import UrbanWattCore

/// timeseries.csv written as the run goes, one line per row the tally keeps: `append` formats the
/// rows the tally has closed (on the folding core, while the engine computes the next chunk), and
/// `finish` the rest. The bytes are those `CSVWriters.timeseriesBytes` writes at the same resolution.
public struct TimeseriesText: Sendable {
    public let columns: CSVWriters.Columns
    private var out: ByteWriter
    /// Rows written so far.
    private var written = 0

    public init(columns: CSVWriters.Columns, scenario: Scenario) {
        self.columns = columns
        out = CSVWriters.timeseriesHeader(CSVWriters.timeseriesColumns(columns, scenario) { _ in [] }.map(\.name))
    }

    /// Writes the rows `tally` has closed: all but its last, which later steps may still add to.
    public mutating func append(_ tally: Tally) {
        write(tally, through: tally.rows(.total).count - 1, steps: tally.steps)
    }

    /// The whole file: the rows not written yet, up to the last one `b` has.
    public mutating func finish(_ b: Breakdown) -> [UInt8] {
        write(b.tally, through: b.tally.rows(.total).count, steps: b.steps)
        return out.bytes
    }

    private mutating func write(_ tally: Tally, through end: Int, steps: Int) {
        guard end > written else { return }
        let series = CSVWriters.timeseriesColumns(columns, tally.scenario) { tally.rows($0) }
        CSVWriters.timeseriesLines(into: &out, tally.clock, stepsPerRow: tally.stepsPerRow, steps: steps, total: tally.rows(.total),
                                   series: series.map(\.rows), per: 1, rows: written..<end)
        written = end
    }
}
