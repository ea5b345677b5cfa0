import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattResults
import UrbanWattScenario

/// Compute that grows with what it processes (issue 21, item 3), by hand. A data centre of 10 kW IT
/// base with PUE {2025: 1.5, 2027: 1.3} and IT efficiency {2025: 100%, 2027: 50%} analyses the
/// frames of two cameras at 10 frames a second, 2 J each: 1,728,000 frames a day. Year maps hold
/// their first value before the first year and their last from the last. On 3 March 2024: (240 kWh
/// + 3,456,000 J) × 1.5 = (240 + 0.96) × 1.5 = 361.44 kWh. On 3 March 2027: (240 + 0.96) × 0.5 ×
/// 1.3 = 156.624 kWh. With an analytics box per camera the frames stay at the edge: 240 × 1.5 = 360
/// kWh in 2024.
struct ComputeTests {
    static func scenario(day: String, camera: String = "fps: 10") -> String {
        """
        urbanwatt: 1
        name: compute
        location: {latitude: 52.52, longitude: 13.40, timezone: UTC}
        period: {start: \(day), end: \(day.replacingOccurrences(of: "-03-03", with: "-03-04")), step: 1 h}
        fleets:
          - {name: cams, kind: camera, count: 2, power: 6 W, bitrate: 1 Mbit/s, \(camera), via: dc}
          - {name: dc, kind: datacenter, it_power: 10 kW, pue: {2025: 1.5, 2027: 1.3}, it_efficiency: {2025: 100%, 2027: 50%}, per_message: 2 J}
        """
    }

    @Test func computeFollowsFramesAndTheYearMaps() throws {
        let y2024 = try summary(ofYAML: Self.scenario(day: "2024-03-03"))
        #expect(y2024.byFleet.first { $0.name == "cams" }?.uplinks == 1_728_000)
        expectClose(y2024.byFleet.first { $0.name == "dc" }?.figures.energyKWh, 361.44, "2024")
        let y2027 = try summary(ofYAML: Self.scenario(day: "2027-03-03"))
        expectClose(y2027.byFleet.first { $0.name == "dc" }?.figures.energyKWh, 156.624, "2027")
        let edge = try summary(ofYAML: Self.scenario(day: "2024-03-03", camera: "edge: {power: 10 W, upstream: 5%}"))
        expectClose(edge.byFleet.first { $0.name == "dc" }?.figures.energyKWh, 360, "frames analysed at the edge")
        let dc = try #require(y2024.assumptions.first { $0.name == "dc" }?.value)
        #expect(dc.contains { $0.key == "pue.2027" && $0.value == 1.3 } && dc.contains { $0.key == "it_efficiency.2027" && $0.value == 0.5 })
    }

    /// A PUE given as one number, or drawn, still reads as before.
    @Test func aPlainOrDrawnPUE() throws {
        let plain = Self.scenario(day: "2024-03-03").replacingOccurrences(of: "pue: {2025: 1.5, 2027: 1.3}", with: "pue: 1.5")
        expectClose(try summary(ofYAML: plain).byFleet.first { $0.name == "dc" }?.figures.energyKWh, 361.44, "plain")
        let drawn = Self.scenario(day: "2024-03-03").replacingOccurrences(of: "pue: {2025: 1.5, 2027: 1.3}", with: "pue: {uniform: [1.5, 1.5]}")
        expectClose(try summary(ofYAML: drawn).byFleet.first { $0.name == "dc" }?.figures.energyKWh, 361.44, "drawn")
    }

    @Test(arguments: [
        ("pue: {2025: 1.5, 2027: 1.3}", "pue: {2025: 0.9}", "fleets[dc].pue.2025"),
        ("pue: {2025: 1.5, 2027: 1.3}", "pue: {twenty: 1.5}", "fleets[dc].pue.twenty: expected a year such as 2025"),
        ("it_efficiency: {2025: 100%, 2027: 50%}", "it_efficiency: {2025: -5%}", "fleets[dc].it_efficiency.2025"),
        ("per_message: 2 J", "per_message: 2 W", "fleets[dc].per_message"),
        ("fps: 10", "fps: 5000", "fleets[cams].fps"),
        ("fps: 10", "fps: 10, edge: {power: 10 W, upstream: 5%}", "fleets[cams].fps: `fps` counts the frames sent for analysis upstream"),
        ("pue: {2025: 1.5, 2027: 1.3}", "pue: {}", "fleets[dc].pue: expected at least one year"),
    ])
    func mistakesAreLocated(_ old: String, _ new: String, _ expected: String) {
        expectLocatedError(Self.scenario(day: "2024-03-03").replacingOccurrences(of: old, with: new), expected)
    }
}
