import Testing
import UrbanWattCore
@testable import UrbanWattResults
import UrbanWattScenario

/// The summary of a whole run of a scenario given as YAML, for the balance tests.
func summary(ofYAML text: String) throws -> RunSummary {
    RunSummary(Breakdown.run(Engine(scenario: try ScenarioDecoder.decode(text, file: "x.yaml"))), run: RunInfo(wallSeconds: 0))
}

/// `x` equals the hand-computed `y` to 1e-9 (relative, absolute below 1); a missing side is an issue.
func expectClose(_ x: Double?, _ y: Double?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let x, let y else { Issue.record("\(what): missing", sourceLocation: sourceLocation); return }
    #expect(abs(x - y) <= 1e-9 * max(1, abs(y)), "\(what): \(x), expected \(y)", sourceLocation: sourceLocation)
}

/// Decoding `text` fails with a located error (file `x.yaml`, at `line` when given) that contains `expected`.
func expectLocatedError(_ text: String, _ expected: String, line: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try ScenarioDecoder.decode(text, file: "x.yaml")
        Issue.record("accepted: \(expected)", sourceLocation: sourceLocation)
    } catch {
        let at = line.map { "x.yaml:\($0):" } ?? "x.yaml:"
        #expect("\(error)".contains(at) && "\(error)".contains(expected), "\(error)", sourceLocation: sourceLocation)
    }
}
