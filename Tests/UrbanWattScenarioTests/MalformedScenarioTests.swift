import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattScenario

/// A valid scenario that each case below breaks in one place.
let valid = """
    urbanwatt: 1
    name: test
    period: {start: 2025-01-01, end: 2026-01-01, step: 15 min}
    fleets:
      - {name: lamps, kind: device, power: 150 W}
      - {name: gw, kind: gateway, power: 3 W, via: dc}
      - {name: dc, kind: datacenter, it_power: 10 kW, pue: 1.5}
    """

func diagnostics(_ text: String) -> [Diagnostic] {
    do {
        _ = try ScenarioDecoder.decode(text, file: "x.yaml")
        return []
    } catch {
        return error.diagnostics
    }
}

@Suite struct MalformedScenarioTests {
    @Test func theValidScenarioDecodes() throws {
        let s = try ScenarioDecoder.decode(valid, file: "x.yaml")
        #expect(s.fleets.count == 3)
        #expect(s.step == 900)
    }

    /// (replace this, with that, expected "LINE:COLUMN: error: PATH: MESSAGE" fragment)
    static let cases: [(String, String, String)] = [
        (
            "power: 150 W}", "power: 150 V}",
            "5:40: error: fleets[lamps].power: expected a power such as \"150 W\", got \"150 V\"; `V` is not a unit of power (a unit of voltage)"
        ),
        ("power: 150 W}", "powr: 150 W}", "5:33: error: fleets[lamps].powr: unknown key `powr`; did you mean `power`?"),
        ("power: 150 W}", "power: -150 W}", "fleets[lamps].power: expected a power of at least 0 W, got \"-150 W\""),
        ("pue: 1.5}", "pue: 0.9}", "7:56: error: fleets[dc].pue: expected a PUE (facility energy / IT energy) from 1 to 10, got \"0.9\""),
        ("step: 15 min}", "step: 7 min}", "3:52: error: period.step: expected a step that divides a day"),
        ("end: 2026-01-01", "end: 2024-01-01", "period.end: expected an end after the start (2025-01-01), got 2024-01-01"),
        ("kind: datacenter, it_power: 10 kW, pue: 1.5}", "kind: gateway, power: 1 W, via: gw}", "routing cycle"),
        ("via: dc}", "via: dcc}", "fleets[gw].via: unknown fleet `dcc`; did you mean `dc`?"),
        (
            "via: dc}", "via: lamps}",
            "fleets[gw].via: `lamps` is a device fleet that receives no traffic; `via` must name a fleet that forwards, carries or ingests it"
        ),
        ("name: test", "name: Test City", "2:7: error: name: expected a scenario name of 1 to 64 ASCII letters, digits, `-`, `_` or `.`"),
        ("urbanwatt: 1", "urbanwatt: 2", "1:12: error: urbanwatt: expected format version 1, got 2"),
        (
            "kind: device", "kind: devise",
            "fleets[lamps].kind: expected a fleet kind (device, sensor, camera, gateway, base-station, link, network, server, datacenter, streetlight, traffic-signal, ev-charger, vehicle, building), got \"devise\"; did you mean `device`?"
        ),
        (
            "name: lamps", "name: lamps/1",
            "fleets[0].name: expected a fleet name of 1 to 64 ASCII letters, digits, `-`, `_` or `.`, starting with a letter or digit"
        ),
        ("  - {name: gw", "  - {name: lamps", "duplicate fleet name `lamps`"),
        ("period: {start: 2025-01-01, ", "period: {start: 2025-02-30, ", "period.start: expected a date such as 2025-01-01, got \"2025-02-30\""),
        ("fleets:", "fleet:", "unknown key `fleet`; did you mean `fleets`?"),
        (
            "fleets:", "boundary: {exclude: {gatway: booked elsewhere}}\nfleets:",
            "4:22: error: boundary.exclude.gatway: `gatway` is neither a fleet nor a kind of this scenario; did you mean `gateway`?"
        ),
        (
            "fleets:", "boundary: {exclude: {gw: \"  \"}}\nfleets:",
            "boundary.exclude.gw: expected the reason it is left out of the ICT overhead, got an empty text"
        ),
        ("fleets:", "boundary: {exclude: {gw: ~}}\nfleets:", "boundary.exclude.gw: expected the reason it is left out of the ICT overhead, got null"),
        ("fleets:", "boundary: {leave_out: {gw: x}}\nfleets:", "boundary.leave_out: unknown key `leave_out`"),
        ("power: 150 W}", "power: 150 W, replaces: {powr: 1 W}}", "fleets[lamps].replaces.powr: unknown key `powr`; did you mean `power`?"),
        ("power: 150 W}", "power: 150 W, replaces: 5 W}", "fleets[lamps].replaces: expected a mapping of device parameters such as {power: 150 W}"),
        ("power: 150 W}", "power: 150 W, reference: {power: 100 W}}", "fleets[lamps].reference: a device has no ICT function to turn off, so no reference"),
        (
            "fleets:", "carriers: {petroll: {carbon_intensity: 2.37 kg/l}}\nfleets:",
            "carriers.petroll: unknown carrier `petroll`; expected electricity, heat, natural-gas, petrol, diesel; did you mean `petrol`?"
        ),
        (
            "fleets:", "carriers: {petrol: {carbon_intensity: 2.37 kg/kWh}}\nfleets:",
            "carriers.petrol.carbon_intensity: expected a carbon per litre such as \"2.37 kg/l\""
        ),
        (
            "fleets:", "effects: [{name: e, enabled_by: gw, rate: 1, carrier: diesel, source: x}]\nfleets:",
            "effects[e].carrier: unknown carrier `diesel` (carriers here: electricity); declare it under `carriers:` with its carbon and price"
        ),
        (
            "fleets:", "effects: [{name: e, enabled_by: gww, rate: 1, carrier: electricity, source: x}]\nfleets:",
            "effects[e].enabled_by: unknown fleet `gww`; did you mean `gw`?"
        ),
        (
            "fleets:", "effects: [{name: e, enabled_by: gw, rate: 1, carrier: electricity}]\nfleets:",
            "effects[e].source: missing; expected where the rate comes from"
        ),
        ("fleets:", "effects: [{name: e, enabled_by: gw, rate: 1, carrier: electricity, source: x, rebound: 150%}]\nfleets:", "effects[e].rebound:"),
    ]

    /// A key read again for `replaces:` and `reference:` is reported once, and drawn once.
    @Test func aMistakeInAKeyTheCasesShareIsReportedOnce() throws {
        let text = """
            urbanwatt: 1
            name: cases
            location: {latitude: 52.5, longitude: 13.4, timezone: Europe/Berlin}
            period: {start: 2025-01-01, end: 2025-01-02, step: 1 h}
            fleets:
              - {name: l, kind: streetlight, power: 40 V, controller: 1 W, dimming: none, replaces: {controller: 0 W}}
            """
        #expect(
            diagnostics(text).map(\.description) == [
                "x.yaml:6:41: error: fleets[l].power: expected a power such as \"150 W\", got \"40 V\"; `V` is not a unit of power (a unit of voltage)"
            ])
        let drawn = try ScenarioDecoder.decode(
            text.replacingOccurrences(of: "40 V", with: "{uniform: [30 W, 50 W]}"), file: "x.yaml", sampler: .draw(seed: 1, run: 3))
        #expect(drawn.uncertainParameters == ["fleets[l].power"])
        let light = try #require(drawn.fleets[0].model as? Streetlight), reference = try #require(drawn.fleets[0].reference as? Streetlight)
        #expect(light.power == reference.power && reference.controller == 0 && reference.dimming == .none)
    }

    /// What the baseline and the reference are: the fleet without its ICT functions, and what
    /// `replaces:` or `reference:` gives on top; a fleet with no ICT function on has no reference.
    @Test func theCasesAreTheFleetWithoutItsICTFunctions() throws {
        let s = try ScenarioDecoder.decode(
            """
            urbanwatt: 1
            name: cases
            location: {latitude: 52.5, longitude: 13.4, timezone: Europe/Berlin}
            period: {start: 2025-01-01, end: 2025-01-02, step: 1 h}
            fleets:
              - {name: smart, kind: streetlight, power: 40 W, controller: 1 W, dimming: [{from: "23:00", to: "05:00", level: 50%}], replaces: {power: 100 W}}
              - {name: timed, kind: streetlight, power: 40 W, dimming: [{from: "23:00", to: "05:00", level: 50%}], reference: {dimming: [{from: "23:00", to: "05:00", level: 50%}]}}
              - {name: plain, kind: streetlight, power: 40 W}
            boundary: {exclude: {plain: not ours, streetlight: all lights are the utility's}}
            """, file: "x.yaml")
        let old = try #require(s.fleets[0].replaces as? Streetlight)
        #expect(old.power == 100 && old.controller == 0 && old.dimming == .none)
        #expect((s.fleets[0].reference as? Streetlight).map { $0.power == 40 && $0.controller == 0 && $0.dimming == .none } == true)
        #expect(s.fleets[1].reference == nil && s.fleets[2].reference == nil && s.fleets[2].replaces == nil)
        #expect(s.boundary.reason(excluding: s.fleets[2]) == "not ours" && s.boundary.reason(excluding: s.fleets[0]) == "all lights are the utility's")
    }

    @Test(arguments: cases)
    func eachMistakeIsReportedWhereItIs(replace: String, with: String, expected: String) {
        let text = valid.replacingOccurrences(of: replace, with: with)
        let found = diagnostics(text).map(\.description)
        #expect(found.contains { $0.contains(expected) }, "got: \(found)")
        #expect(found.allSatisfy { $0.hasPrefix("x.yaml:") })
    }

    @Test func everyProblemOfAFileIsReportedNotOnlyTheFirst() {
        let text = valid.replacingOccurrences(of: "150 W", with: "150 V").replacingOccurrences(of: "pue: 1.5", with: "pue: 0.5")
            .replacingOccurrences(of: "kind: gateway", with: "kind: gateway, colour: red")
        let found = diagnostics(text)
        #expect(found.count == 3)
        #expect(found.map(\.line) == [5, 6, 7])
    }

    /// Issue 24: seven independent mistakes planted in one file, seven problems reported in one pass,
    /// each at its own line.
    @Test func sevenPlantedMistakesGiveSevenProblems() {
        let text = """
            urbanwatt: 1
            name: planted
            seed: -1
            period: {start: 2025-01-01, end: 2026-01-01, step: 15 min}
            districts: [north, south]
            grid: {carbon_intensity: {profile: [300]}}
            fleets:
              - {name: gateways, kind: gateway, power: 3 V}
              - {name: lamps, kind: streetlamp, power: 40 W}
              - {name: s, kind: sensor, count: 10, colour: red, radio: {type: nbiot}, uplink: {interval: 1 h}, via: gatways}
              - {name: d, kind: device, count: 5, power: 10 W, district: nort}
            """
        let found = diagnostics(text)
        #expect(found.map(\.line) == [3, 6, 8, 9, 10, 10, 11], "\(found.map(\.description))")
        // The gateway fleet has a mistake of its own, and is still a name to suggest.
        #expect(found.contains { $0.description.hasSuffix("fleets[s].via: unknown fleet `gatways`; did you mean `gateways`?") }, "\(found.map(\.description))")
    }

    /// Issue 24: a file with several mistakes reports the misspelt `via` of a fleet that has other
    /// mistakes too (it was found only once alone); a kind written as a near word is suggested; a
    /// grid given as a mapping that is no year map names the forms there are.
    @Test func mistakesBesideOthersAndNearWordsAreNamed() {
        let text = valid.replacingOccurrences(
            of: "- {name: gw, kind: gateway, power: 3 W, via: dc}",
            with: "- {name: gw, kind: gateway, power: 3 V, via: dcc}"
        )
        .replacingOccurrences(of: "kind: device", with: "kind: streetlamp")
        .replacingOccurrences(of: "fleets:", with: "grid: {carbon_intensity: {profile: [300]}}\nfleets:")
        let found = diagnostics(text).map(\.description)
        #expect(found.contains { $0.contains("fleets[gw].via: unknown fleet `dcc`; did you mean `dc`?") }, "\(found)")
        #expect(found.contains { $0.contains("got \"streetlamp\"; did you mean `streetlight`?") }, "\(found)")
        #expect(
            found.contains {
                $0.contains("grid.carbon_intensity: expected a carbon intensity such as 380 g/kWh, a year map") && $0.contains("got a mapping with `profile`")
            }, "\(found)")
        #expect(Suggestion.closest(to: "charger", in: FleetKind.allCases.map(\.rawValue)) == "ev-charger")
        #expect(Suggestion.closest(to: "lamp", in: FleetKind.allCases.map(\.rawValue)) == nil)
    }

    @Test(arguments: [
        ("", "1:1: error: the file is empty"),
        ("just a string", "1:1: error: expected a scenario mapping"),
        ("- a\n- b", "1:1: error: expected a scenario mapping"),
        ("name: [unclosed", "malformed YAML"),
        ("urbanwatt: 1\nname: x\n  bad: indent", "malformed YAML"),
        ("urbanwatt: 1\nname: x\nperiod: {start: 2025-01-01, end: 2026-01-01}\nfleets: {}", "4:9: error: fleets: expected a list of fleets, got a mapping"),
        ("urbanwatt: 1\nname: x\nfleets: []", "period: missing"),
    ])
    func brokenFilesGiveALocatedMessageNotACrash(text: String, expected: String) {
        let found = diagnostics(text).map(\.description)
        #expect(found.contains { $0.contains(expected) }, "got: \(found)")
    }

    @Test func smartChargingNeedsTheGridSignalItMinimises() {
        let text = valid.replacingOccurrences(
            of: "  - {name: lamps, kind: device, power: 150 W}",
            with: "  - {name: lamps, kind: ev-charger, power: 11 kW, sessions: {per_day: 1, energy: 10 kWh}, smart: {objective: price, window: 8 h}}")
        let found = diagnostics(text).map(\.description)
        #expect(found.contains { $0.contains("fleets[lamps].smart: smart charging by price needs the scenario's `grid.price`") }, "got: \(found)")
    }

    /// 5 sessions of 11 kWh at 11 kW keep a charger busy 5 h a day: past the expected model's 4 h.
    /// Smart charging queues deferred sessions at the cheapest hour: refused with it too.
    @Test func expectedSessionsRefuseBusyAndSmartChargers() {
        func with(_ charger: String) -> String {
            valid.replacingOccurrences(
                of: "  - {name: lamps, kind: device, power: 150 W}", with: "  - {name: lamps, kind: ev-charger, power: 11 kW, \(charger)}")
        }
        let busy = diagnostics(with("sessions: {per_day: 5, energy: 11 kWh, model: expected}"))
        #expect(
            busy.contains {
                $0.description.contains("fleets[lamps].sessions.model: expected sessions need chargers busy at most 4 h a day on average, found 5.0 h")
            },
            "got: \(busy.map(\.description))")
        #expect(busy.first?.line == 5)
        #expect(diagnostics(with("sessions: {per_day: 4, energy: 11 kWh, model: expected}")).isEmpty)
        let smart = diagnostics(
            with("sessions: {per_day: 1, energy: 11 kWh, model: expected}, smart: {objective: carbon, window: 8 h}")
                .replacingOccurrences(of: "fleets:", with: "grid: {carbon_intensity: 380 g/kWh}\nfleets:"))
        #expect(
            smart.contains { $0.description.contains("sessions.model: expected sessions cannot follow smart charging") }, "got: \(smart.map(\.description))")
        let unknown = diagnostics(with("sessions: {per_day: 1, energy: 11 kWh, model: average}"))
        #expect(unknown.contains { $0.description.contains("sessions.model") && $0.description.contains("drawn") })
    }

    @Test func missingFieldsAreNamed() {
        let found = diagnostics(valid.replacingOccurrences(of: ", power: 150 W", with: "")).map(\.description)
        #expect(found.contains { $0.contains("fleets[lamps].power: missing; expected a power such as \"150 W\"") })
    }
}

/// What an error may show of the user's input: a scenario is recognised by its first line before
/// YAML could quote a file given by mistake, and URLs lose their secrets.
@Suite struct EchoTests {
    @Test func aScenarioIsRecognisedByItsFirstLine() {
        for text in ["# a comment\n\n  urbanwatt: 1\n", "---\nurbanwatt: 1\n", "{urbanwatt: 1}\n", "\"urbanwatt\": 1\n", "name:\n", "", "\n# only\n"] {
            #expect(ScenarioDecoder.firstLineNotAMapping(text) == nil, "\(text)")
        }
        for (text, line) in [("root:x:0:0:root:/root:/bin/bash\n", 1), ("# c\n- a\n", 2), ("plain text\n", 1), ("key:value\n", 1), ("1: a\n", 1)] {
            #expect(ScenarioDecoder.firstLineNotAMapping(text) == line, "\(text)")
        }
    }

    @Test func urlsLoseTheirSecrets() {
        #expect(Redaction.url("http://u:pw@h:8086/write?db=x&u=me&p=pw&token=t") == "http://u:***@h:8086/write?db=x&u=me&p=***&token=***")
        #expect(Redaction.url("mqtt://user@host:1883") == "mqtt://user@host:1883")
        #expect(Redaction.url("http://h/x?a=b@c:d") == "http://h/x?a=b@c:d")
        #expect(Redaction.url("no url at all") == "no url at all")
    }
}
