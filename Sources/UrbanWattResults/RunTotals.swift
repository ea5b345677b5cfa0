/// `runs.csv`: every Monte Carlo run's figures, one row per run and value (`run,section,group,key,value`),
/// so the distributions can be plotted and shards of the runs merged without approximation: a value
/// is written in the shortest form that reads back to the same Double.
public enum RunTotals {
    public static let header = "run,section,group,key,value"

    public static func csv(_ stats: [MonteCarlo.RunStats]) -> String {
        var out = header + "\n"
        for s in stats {
            func row(_ section: String, _ group: String, _ key: String, _ value: String) {
                out += "\(s.run),\(section),\(CSVWriters.field(group)),\(key),\(value)\n"
            }
            row("draws", "", "redraws", String(s.redraws))
            for (key, v) in s.totals { row("totals", "", key, "\(v)") }
            for (year, v) in s.byYear { row("by_year", String(year), "energy_kwh", "\(v)") }
            for g in s.groups { row(g.section, g.group ?? "", g.key, "\(g.value)") }
            for (path, v) in s.inputs { row("inputs", "", CSVWriters.field(path), "\(v)") }
        }
        return out
    }

    /// Reads what `csv` wrote; nil, with the line, for anything else.
    public static func parse(_ text: String) -> Result<[MonteCarlo.RunStats], ParseFailure> {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.first == header else { return .failure(ParseFailure(line: 1, problem: "expected the header \(header)")) }
        var out: [MonteCarlo.RunStats] = []
        for (n, line) in lines.enumerated().dropFirst() {
            guard let fields = CSVWriters.fields(line), fields.count == 5, let run = Int(fields[0]), run >= 0 else {
                return .failure(ParseFailure(line: n + 1, problem: "expected run,section,group,key,value"))
            }
            let (section, group, key, text) = (fields[1], fields[2], fields[3], fields[4])
            if out.last?.run != run {
                guard section == "draws", key == "redraws", let redraws = Int(text), redraws >= 0 else {
                    return .failure(ParseFailure(line: n + 1, problem: "a run starts with its redraws"))
                }
                out.append(MonteCarlo.RunStats(run: run, totals: [], byYear: [], groups: [], redraws: redraws))
                continue
            }
            guard let value = Double(text), value.isFinite else {
                return .failure(ParseFailure(line: n + 1, problem: "expected a finite number, got \"\(text)\""))
            }
            switch section {
            case "totals": out[out.count - 1].totals.append((key, value))
            case "inputs": out[out.count - 1].inputs.append((key, value))
            case "by_year":
                guard let year = Int(group) else { return .failure(ParseFailure(line: n + 1, problem: "expected a year, got \"\(group)\"")) }
                out[out.count - 1].byYear.append((year, value))
            default: out[out.count - 1].groups.append((section, group.isEmpty ? nil : group, key, value))
            }
        }
        return .success(out)
    }

    public struct ParseFailure: Error, CustomStringConvertible {
        public let line: Int
        public let problem: String
        public var description: String { "line \(line): \(problem)" }
    }
}
