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
