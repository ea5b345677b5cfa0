import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattScenario

/// Inputs that once trapped, hung or were silently accepted: each is now a located error (or, for a
/// byte-order mark, accepted), and the file is read in bounded time.
@Suite struct InputLimitsTests {
    static let sensor = """
        urbanwatt: 1
        name: limits
        period: {start: 2025-01-01, end: 2025-01-02, step: 15 min}
        grid: {carbon_intensity: 380 g/kWh}
        fleets:
          - name: parking
            kind: sensor
            count: 500
            radio: {type: lorawan, spreading_factor: 9}
            uplink: {interval: 15 min, payload: 11 B}
            via: gw
          - {name: gw, kind: gateway, power: 3 W}
          - {name: ev, kind: ev-charger, power: 11 kW, sessions: {per_day: 2, energy: 18 kWh}}
        """

    /// (replace this, with that, expected fragment of the one diagnostic)
    static let cases: [(String, String, String)] = [
        ("count: 500", "count: 1e30", "8:12: error: fleets[parking].count: expected a whole number of at most 100000000, got \"1e30\""),
        ("count: 500", "count: 4294967296", "fleets[parking].count: expected a whole number of at most 100000000"),
        ("count: 500", "count: 1.800", "fleets[parking].count: expected a whole number, got \"1.800\""),
        ("count: 500", "count: -3", "fleets[parking].count: expected a whole number of at least 0"),
        ("count: 500", "count: nan", "fleets[parking].count: expected a whole number such as \"500\", got \"nan\""),
        ("count: 500", "count: {2025: 10, 2030: 2.5}", "fleets[parking].count.2030: expected a whole number, got \"2.5\""),
        ("payload: 11 B", "payload: 9223372036854775808", "fleets[parking].uplink.payload: expected a data of at most 1000000 B"),
        ("payload: 11 B", "payload: 10.5 B", "fleets[parking].uplink.payload: expected a whole number, got \"10.5 B\""),
        ("interval: 15 min", "interval: 1e-20 s", "fleets[parking].uplink.interval: expected a duration of at least 1 s"),
        ("per_day: 2", "per_day: 1e30", "fleets[ev].sessions.per_day: expected a number of at most 96"),
        ("energy: 18 kWh", "energy: 1e30 kWh", "fleets[ev].sessions.energy: expected a energy of at most"),
        ("power: 3 W", "power: 1e21 W", "fleets[gw].power: expected a power of at most 1000000000 W, got \"1e21 W\""),
        ("power: 3 W", "power: .inf", "fleets[gw].power: expected a power such as \"150 W\", got \".inf\""),
        ("380 g/kWh", "1e30 g/kWh", "grid.carbon_intensity: expected a carbon of at most 10000 g/kWh"),
        ("name: gw,", "name: \"gw\\\",\\\"energy_j\\\":1e30,\\\"x\\\":\\\"\",", "fleets[1].name: expected a fleet name of 1 to 64 ASCII letters"),
        ("name: gw,", "name: \"a|b\",", "fleets[1].name: expected a fleet name"),
        ("name: gw,", "name: \"a,b\",", "fleets[1].name: expected a fleet name"),
        ("name: gw,", "name: \"a\\u0001b\",", "fleets[1].name: expected a fleet name"),
        ("name: gw,", "name: \"..\",", "fleets[1].name: expected a fleet name"),
        ("name: gw,", "name: \(String(repeating: "x", count: 65)),", "fleets[1].name: expected a fleet name of 1 to 64"),
        ("name: limits", "name: \"li mits\"", "name: expected a scenario name"),
        ("spreading_factor: 9", "spreading_factor: 9, preamble: 1e9", "fleets[parking].radio.preamble: expected a whole number of at most 65535"),
    ]

    @Test(arguments: cases)
    func eachOutOfRangeValueIsALocatedError(replace: String, with: String, expected: String) throws {
        let text = InputLimitsTests.sensor.replacingOccurrences(of: replace, with: with)
        try #require(text != InputLimitsTests.sensor)
        let found = diagnostics(text).map(\.description)
        #expect(found.contains { $0.contains(expected) }, "got: \(found)")
        #expect(found.allSatisfy { !$0.contains("\n") })
    }

    @Test func theUnchangedScenarioIsValid() throws {
        _ = try ScenarioDecoder.decode(InputLimitsTests.sensor, file: "x.yaml")
    }

    /// 10^8 sensors sending 1 MB a second for a day would count 8.6 × 10^18 bytes: past what Int64
    /// sums exactly (once a trap in the engine).
    @Test func trafficThatCouldOverflowTheCountsIsRefusedAtTheFleet() {
        let text = InputLimitsTests.sensor.replacingOccurrences(of: "count: 500", with: "count: 100000000")
            .replacingOccurrences(of: "interval: 15 min, payload: 11 B", with: "interval: 1 s, payload: 1 MB")
        let found = diagnostics(text).map(\.description)
        #expect(found.count == 1 && found[0].hasPrefix("x.yaml:6:5: error: fleets[parking]: the fleets could send up to 8.6"), "got: \(found)")
        #expect(found[0].contains("more than UrbanWatt counts exactly (4.6e+18)"))
    }

    @Test func aDuplicateKeyIsReportedAtTheKeyWithoutEchoingTheFile() {
        let text = InputLimitsTests.sensor.replacingOccurrences(of: "    count: 500\n", with: "    count: 500\n    count: 600\n")
        let found = diagnostics(text).map(\.description)
        #expect(found == ["x.yaml:8:5: error: duplicate key `count` in this mapping (each key may appear once)"])
    }

    @Test func controlCharactersAndBadBytesAreReportedWhereTheyAre() throws {
        var data = Data(InputLimitsTests.sensor.utf8)
        let at = data.firstIndex(of: UInt8(ascii: "p"))! // "period" on line 3
        data.insert(0x07, at: at + 2)
        data.append(contentsOf: [0x0A, 0x23, 0x20, 0xFF]) // "# \xFF" on a line of its own
        do {
            _ = try ScenarioDecoder.text(of: data, file: "x.yaml")
            Issue.record("accepted a control character")
        } catch {
            #expect(
                error.diagnostics.map(\.description) == [
                    "x.yaml:3:3: error: a control character (U+0007) is not allowed in a scenario",
                    "x.yaml:14:3: error: the byte 0xFF is not UTF-8 text; save the file as UTF-8",
                ])
        }
    }

    @Test func aByteOrderMarkIsAccepted() throws {
        let text = try ScenarioDecoder.text(of: Data([0xEF, 0xBB, 0xBF]) + Data(InputLimitsTests.sensor.utf8), file: "x.yaml")
        #expect(try ScenarioDecoder.decode(text, file: "x.yaml").name == "limits")
    }

    /// 25 levels of aliases inside a distribution once took exponential time to read.
    @Test func nestedAliasesInADistributionAreRefusedAtOnce() {
        var value = "&a0 {uniform: [1, 2]}"
        for i in 1..<25 { value = "&a\(i) {uniform: [\(value), *a\(i - 1)]}" }
        let text = InputLimitsTests.sensor.replacingOccurrences(of: "power: 3 W", with: "power: \(value)")
        let started = Date()
        let found = diagnostics(text).map(\.description)
        #expect(Date().timeIntervalSince(started) < 1)
        #expect(found.contains { $0.contains("fleets[gw].power.uniform[0]: expected a plain value as a bound of a distribution") }, "got: \(found)")
    }

    /// `pue: {normal: [1.1, 0.2]}` puts 31 % of its draws below the valid 1.0. They are redrawn, not
    /// clamped: no draw sits at the bound, the mean is that of the truncated normal, and the redraws are counted.
    @Test func drawsOutsideTheValidRangeAreRedrawnAndCounted() throws {
        let text = """
            urbanwatt: 1
            name: pue
            period: {start: 2025-01-01, end: 2025-01-02, step: 1 h}
            fleets:
              - {name: dc, kind: datacenter, it_power: 100 kW, pue: {normal: [1.1, 0.2]}}
            """
        var draws: [Double] = []
        var redraws = 0
        for run in 0..<2000 {
            let s = try ScenarioDecoder.decode(text, file: "x.yaml", sampler: .draw(seed: 1, run: run))
            guard let dc = s.fleets[0].model as? Datacenter else { Issue.record("not a data centre"); return }
            draws.append(dc.pue.points[0].value)
            redraws += s.parameterRedraws
        }
        #expect(draws.allSatisfy { $0 > 1 })
        // Truncated normal N(1.1, 0.2) on [1, ∞): mean = 1.1 + 0.2 φ(−0.5) / (1 − Φ(−0.5)) = 1.1 + 0.2 × 0.352065 / 0.691462 = 1.201832.
        let mean = draws.reduce(0, +) / Double(draws.count)
        #expect(abs(mean - 1.201832) < 0.01, "mean \(mean)")
        // Expected redraws per run: P(reject) / P(accept) = 0.308538 / 0.691462 = 0.4462 (geometric).
        let perRun = Double(redraws) / 2000
        #expect(abs(perRun - 0.4462) < 0.05, "redraws per run \(perRun)")
    }
}
