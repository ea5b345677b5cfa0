import ArgumentParser
import UrbanWattResults

/// `--format text|json` of the commands that also answer programs.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

extension CSVWriters.Columns: ExpressibleByArgument {}
