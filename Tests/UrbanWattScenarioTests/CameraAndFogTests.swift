import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattScenario

/// Cameras and a fog tier, each against figures computed by hand.
struct CameraAndFogTests {
    static func run(_ yaml: String) throws -> Recording {
        Engine(scenario: try ScenarioDecoder.decode(yaml, file: "x.yaml")).record()
    }

    static func kWh(_ r: Recording, _ fleet: String) -> Double {
        r.fleets[r.result.scenario.fleets.firstIndex { $0.name == fleet }!].energy.reduce(0, +) / 3.6e6
    }

    static func bytes(_ r: Recording, _ fleet: String) -> Int {
        r.fleets[r.result.scenario.fleets.firstIndex { $0.name == fleet }!].bytes.reduce(0, +)
    }

    static func cameras(edge: String) -> String {
        """
        urbanwatt: 1
        name: cameras
        period: {start: 2025-06-02, end: 2025-06-03, step: 15 min}
        fleets:
          - {name: cams, kind: camera, count: 100, power: 6 W, bitrate: 2 Mbit/s\(edge), via: net}
          - {name: net, kind: link, intensity: 0.06 kWh/GB, via: dc}
          - {name: dc, kind: datacenter, it_power: 0 W, per_gb: 0.5 kWh/GB}
        """
    }

    /// 100 × 6 W × 24 h = 14.4 kWh; 100 × 2 Mbit/s / 8 × 86,400 s = 2.16 TB, carried by the link
    /// (0.06 kWh/GB × 2,160 GB = 129.6 kWh) and ingested by the data centre (0.5 × 2,160 = 1,080 kWh).
    @Test func aHundredCamerasForADay() throws {
        let r = try Self.run(Self.cameras(edge: ""))
        #expect(abs(Self.kWh(r, "cams") - 14.4) < 1e-9)
        #expect(Self.bytes(r, "cams") == 2_160_000_000_000)
        #expect(Self.bytes(r, "net") == 2_160_000_000_000 && Self.bytes(r, "dc") == 2_160_000_000_000)
        #expect(abs(Self.kWh(r, "net") - 129.6) < 1e-6)
        #expect(abs(Self.kWh(r, "dc") - 1080) < 1e-6)
        #expect(r.fleets[0].messages.reduce(0, +) == 0)
    }

    /// With a 10 W analytics box each sending 5 %: 100 × 16 W × 24 h = 38.4 kWh, 108 GB upstream.
    @Test func anEdgeBoxAddsPowerAndSendsAShareOfTheStream() throws {
        let r = try Self.run(Self.cameras(edge: ", edge: {power: 10 W, upstream: 5%}"))
        #expect(abs(Self.kWh(r, "cams") - 38.4) < 1e-9)
        #expect(Self.bytes(r, "cams") == 108_000_000_000)
        #expect(Self.bytes(r, "dc") == 108_000_000_000)
        #expect(abs(Self.kWh(r, "dc") - 54) < 1e-6)
    }

    /// LEAF's placement example with the analytics in a fog tier (dos-group/leaf, figures of its
    /// README example): 100 sensors at 0.36 W sending 1,000 bit/s over Wi-Fi (300 nJ/bit) to 2 fog
    /// servers (idle 30 W, max 200 W, capacity 10 kB/s) that pass 20 % over a WAN (6,000 nJ/bit) to a
    /// data centre at 2.7778 kWh/GB. By hand, for one day:
    /// sensors 100 × 0.36 W × 24 h = 0.864 kWh; Wi-Fi 8.64e9 bit × 300 nJ = 0.00072 kWh;
    /// fog utilisation 12,500 / 20,000 B/s = 0.625, 2 × (30 + 170 × 0.625) W × 24 h = 6.54 kWh;
    /// WAN 1.728e9 bit × 6,000 nJ = 0.00288 kWh; data centre 0.216 GB × 2.7778 = 0.6000 kWh.
    /// Together 8.0076 kWh.
    static let leafFog = """
        urbanwatt: 1
        name: leaf-fog
        period: {start: 2025-06-02, end: 2025-06-03, step: 1 h}
        fleets:
          - name: sensors
            kind: sensor
            count: 100
            radio: {type: wifi, energy_per_uplink: 0 J}
            sleep: 0.36 W
            uplink: {interval: 1 s, payload: 125 B, overhead: 0 B}
            via: wifi
          - {name: wifi, kind: link, intensity: 300 nJ/bit, via: fog}
          - {name: fog, kind: server, count: 2, idle: 30 W, max: 200 W, capacity: 10 kB/s, forward: 20%, via: wan}
          - {name: wan, kind: link, intensity: 6000 nJ/bit, via: cloud}
          - {name: cloud, kind: datacenter, it_power: 0 W, per_gb: 2.7778 kWh/GB}
        """

    @Test func aFogTierMatchesLEAFsPlacementExampleByHand() throws {
        let r = try Self.run(Self.leafFog)
        #expect(abs(Self.kWh(r, "sensors") - 0.864) < 1e-9)
        #expect(abs(Self.kWh(r, "wifi") - 0.00072) < 1e-12)
        #expect(abs(Self.kWh(r, "fog") - 6.54) < 1e-9)
        #expect(Self.bytes(r, "wan") == 216_000_000)
        #expect(abs(Self.kWh(r, "wan") - 0.00288) < 1e-12)
        #expect(abs(Self.kWh(r, "cloud") - 0.60000480) < 1e-9)
        let total = r.result.scenario.fleets.map { Self.kWh(r, $0.name) }.reduce(0, +)
        #expect(abs(total - 8.0076) < 1e-5, "total \(total)")
    }

    /// A server at full capacity stays at max; one that receives nothing idles.
    @Test func utilisationIsCappedAtOneAndIdlesWithoutTraffic() throws {
        let over = Self.leafFog.replacingOccurrences(of: "capacity: 10 kB/s", with: "capacity: 1 kB/s")
        #expect(abs(Self.kWh(try Self.run(over), "fog") - 2 * 200 * 24 / 1000) < 1e-9)
        let none = Self.leafFog.replacingOccurrences(of: "payload: 125 B", with: "payload: 0 B")
        #expect(abs(Self.kWh(try Self.run(none), "fog") - 2 * 30 * 24 / 1000) < 1e-9)
    }

    /// Shards of a fog tier would each see their share of the traffic on their share of the servers,
    /// and the cap at full load makes those not add up: such a scenario runs whole.
    @Test func aFogTierIsNotSplitIntoShards() throws {
        let fog = try ScenarioDecoder.decode(Self.leafFog, file: "x.yaml")
        #expect(Shard.problem(fog)?.contains("`fog` (server) couples its nodes") == true)
        #expect(Shard.problem(try ScenarioDecoder.decode(Self.cameras(edge: ""), file: "x.yaml")) == nil)
    }

    static let problems: [(String, String, String)] = [
        ("capacity: 10 kB/s", "capacity: 10 kB/s, utilisation: 50%", "fleets[fog].capacity: give either `utilisation` or `capacity`"),
        ("capacity: 10 kB/s, forward: 20%", "utilisation: 50%, forward: 20%", "fleets[fog].forward: `forward` needs `capacity`"),
        ("capacity: 10 kB/s, forward: 20%, via: wan", "utilisation: 50%", "fleets[wifi].via: `fog` is a server fleet that receives no traffic"),
        ("capacity: 10 kB/s", "capacity: 0 kB/s", "fleets[fog].capacity: expected a data rate greater than zero"),
        ("capacity: 10 kB/s", "capacity: 10 kB", "`kB` is not a unit of data rate (a unit of data)"),
        ("forward: 20%", "forward: 120%", "fleets[fog].forward: expected a fraction from 0 to 100%"),
    ]

    @Test(arguments: problems)
    func fogMistakesAreLocated(replace: String, with: String, expected: String) {
        let found = diagnostics(Self.leafFog.replacingOccurrences(of: replace, with: with)).map(\.description)
        #expect(found.contains { $0.contains(expected) }, "got: \(found)")
    }

    @Test func cameraMistakesAreLocated() {
        let cases = [
            ("bitrate: 2 Mbit/s", "bitrate: 2 Mbit", "fleets[cams].bitrate: expected a data rate such as \"2 Mbit/s\""),
            ("bitrate: 2 Mbit/s", "bitrate: 1e30 bit/s", "fleets[cams].bitrate: expected a data rate of at most"),
            ("edge", "edge: {power: 10 W}, ignored", "fleets[cams].edge.upstream: missing"),
        ]
        for (replace, with, expected) in cases {
            let text = replace == "edge" ? Self.cameras(edge: ", edge: {power: 10 W}") : Self.cameras(edge: "").replacingOccurrences(of: replace, with: with)
            let found = diagnostics(text).map(\.description)
            #expect(found.contains { $0.contains(expected) }, "got: \(found)")
        }
    }
}

/// A halving time given as a distribution is in years, like a plain one (it was once read as seconds).
struct HalvingTests {
    @Test func aDistributionOfHalvingTimesIsInYears() throws {
        let yaml = """
            urbanwatt: 1
            name: h
            period: {start: 2025-01-01, end: 2025-01-02}
            fleets:
              - {name: net, kind: link, intensity: {value: 0.06 kWh/GB, year: 2015, halving: {uniform: [1.5, 2.5]}}}
            """
        let link = try #require(try ScenarioDecoder.decode(yaml, file: "x.yaml").fleets[0].model as? Link)
        #expect(link.halving == 2)
        let bad = diagnostics(yaml.replacingOccurrences(of: "[1.5, 2.5]", with: "[0, 2]")).map(\.description)
        #expect(bad.contains { $0.contains("halving") }, "\(bad)")
    }
}
