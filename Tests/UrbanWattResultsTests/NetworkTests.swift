import Testing
import UrbanWattCore
@testable import UrbanWattResults
import UrbanWattScenario

/// The network by its power model (issue 21, item 2), by hand. Two cameras streaming 1 Mbit/s
/// attach to a cellular network for a day: 2 × 1.2 W baseload and 2 × 1.53 W per Mbit/s, (2.4 +
/// 3.06) W × 24 h = 131.04 Wh. The same day through a `link` of 0.06 kWh/GB allocates 2 × 0.45 GB
/// an hour × 24 h × 0.06 = 1,296 Wh: ten times as much, all of it to the bytes.
struct NetworkTests {
    static func scenario(network: String, nbiot: Bool = false) -> String {
        """
        urbanwatt: 1
        name: net
        location: {latitude: 52.52, longitude: 13.40, timezone: UTC}
        period: {start: 2025-03-03, end: 2025-03-04, step: 1 h}
        fleets:
          - {name: cams, kind: camera, count: 2, power: 6 W, bitrate: 1 Mbit/s, via: net}
          - \(network)
          - {name: dc, kind: datacenter, it_power: 1 kW, pue: 1.5, per_gb: 0 kWh/GB}
        """
    }

    @Test func cellularAccessByHand() throws {
        let s = try summary(ofYAML: Self.scenario(network: "{name: net, kind: network, access: cellular, via: dc}"))
        let net = try #require(s.byFleet.first { $0.name == "net" })
        expectClose(net.figures.energyKWh, 0.13104, "cellular: baseload and marginal")
        #expect(net.kind == "network" && net.layer == "network" && net.bytes == 2 * 450_000_000 * 24)
        let link = try summary(ofYAML: Self.scenario(network: "{name: net, kind: link, intensity: 0.06 kWh/GB, via: dc}"))
        expectClose(link.byFleet.first { $0.name == "net" }?.figures.energyKWh, 1.296, "the same bytes by kWh/GB")
    }

    /// Fixed access: 9.55 W per line and 0.03 W per Mbit/s: (19.1 + 0.06) W × 24 h = 459.84 Wh; given
    /// figures override the preset: 0.5 W and 1 Wh/GB, 2 × 0.5 × 24 + 21.6 GB × 1 = 45.6 Wh.
    @Test func fixedAccessAndGivenFigures() throws {
        let fixed = try summary(ofYAML: Self.scenario(network: "{name: net, kind: network, access: fixed, via: dc}"))
        expectClose(fixed.byFleet.first { $0.name == "net" }?.figures.energyKWh, 0.45984, "fixed")
        let given = try summary(ofYAML: Self.scenario(network: "{name: net, kind: network, per_node: 0.5 W, per_byte: 1 Wh/GB, via: dc}"))
        expectClose(given.byFleet.first { $0.name == "net" }?.figures.energyKWh, 0.0456, "given")
        let a = try #require(given.assumptions.first { $0.name == "net" }?.value)
        #expect(a.map(\.key) == ["per_node", "per_byte"] && a.allSatisfy { $0.source == "scenario" })
        expectClose(a.last?.value, 1, "per_byte in Wh/GB")
    }

    @Test(arguments: [
        ("{name: net, kind: network, access: satellite, via: dc}", "fleets[net].access"),
        ("{name: net, kind: network, per_node: -1 W, via: dc}", "fleets[net].per_node"),
        ("{name: net, kind: network, per_byte: 1 W, via: dc}", "fleets[net].per_byte"),
        ("{name: net, kind: network, count: 3, via: dc}", "a network is a fleet of one"),
    ])
    func mistakesAreLocated(_ network: String, _ expected: String) {
        expectLocatedError(Self.scenario(network: network), expected)
    }
}
