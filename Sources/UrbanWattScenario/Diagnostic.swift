import Foundation
public import UrbanWattCore

/// One problem found in a scenario file, located by line, column and field path.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// Field path such as `fleets[parking].power` (a fleet by its name, or by its index when it has no
    /// usable name); empty for problems of the file as a whole.
    public var path: String
    public var message: String

    public init(file: String, line: Int, column: Int, path: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    /// `FILE:LINE:COLUMN: error: PATH: MESSAGE`, the form compilers and editors understand, on one
    /// line: control characters quoted from the file are shown as `\u{…}` escapes.
    public var description: String {
        Diagnostic.oneLine("\(file):\(line):\(column): error: " + (path.isEmpty ? "" : "\(path): ") + message)
    }

    /// The name a "did you mean `x`?" in the message proposes, if any.
    public var suggestion: String? {
        guard let r = message.range(of: "did you mean `") else { return nil }
        return message[r.upperBound...].split(separator: "`").first.map(String.init)
    }

    /// `{"file", "line", "column", "path", "message", "suggestion"}` for `validate --format json`.
    public var json: JSONValue {
        .object([
            ("file", .string(file)), ("line", .integer(line)), ("column", .integer(column)), ("path", .string(path)),
            ("message", .string(message)), ("suggestion", suggestion.map(JSONValue.string) ?? .null),
        ])
    }

    static func oneLine(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return s }
        return s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
    }
}

/// Every problem of one or more scenario files.
public struct ScenarioErrors: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
