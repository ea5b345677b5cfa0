import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattScenario

/// The repository's root folder, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite struct ScenarioLibraryTests {
    static var files: [String] {
        let folder = repositoryRoot.appendingPathComponent("Scenarios")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test func theBuiltInScenariosAreTheFilesInScenarios() throws {
        #expect(BuiltinScenarios.names == Self.files.map { String($0.dropLast(5)) })
        for file in Self.files {
            let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Scenarios/\(file)"), encoding: .utf8)
            #expect(BuiltinScenarios.text(named: String(file.dropLast(5))) == text, "run scripts/embed-scenarios after editing \(file)")
        }
    }

    @Test(arguments: files)
    func everyLibraryScenarioValidates(file: String) throws {
        let s = try ScenarioDecoder.load(path: repositoryRoot.appendingPathComponent("Scenarios/\(file)").path)
        #expect(s.name == String(file.dropLast(5)))
    }

    @Test func theCommittedSchemaIsTheOneTheCommandPrints() throws {
        let committed = try String(contentsOf: repositoryRoot.appendingPathComponent("Scenarios/urbanwatt.schema.json"), encoding: .utf8)
        #expect(committed == ScenarioSchema.json.serialized(), "regenerate with: urbanwatt schema > Scenarios/urbanwatt.schema.json")
    }

    @Test func theSchemaIsValidJSONWithEveryKind() throws {
        let text = ScenarioSchema.json.serialized()
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(parsed?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        for kind in FleetKind.allCases { #expect(text.contains("\"const\": \"\(kind.rawValue)\"")) }
    }

    @Test func replacesOverlaysTheFleetsOwnParameters() throws {
        let text = """
            urbanwatt: 1
            name: r
            location: {latitude: 51.3, longitude: 9.5}
            period: {start: 2025-01-01, end: 2025-01-02}
            fleets:
              - {name: l, kind: streetlight, power: 40 W, controller: 1 W, dimming: [{from: "23:00", to: "05:00", level: 50%}],
                 replaces: {power: 100 W, controller: 0 W, dimming: none}}
            """
        let s = try ScenarioDecoder.decode(text, file: "r.yaml")
        #expect(s.fleets[0].replaces?.isEqual(to: Streetlight(power: 100, controller: 0, dimming: .none)) == true)
    }

    @Test func spreadingFactorDistributionsBecomeUplinkOptions() throws {
        let text = """
            urbanwatt: 1
            name: sf
            period: {start: 2025-01-01, end: 2025-01-02}
            fleets:
              - {name: s, kind: sensor, radio: {type: lorawan, spreading_factor: {7: 50%, 9: 30%, 12: 20%}, tx_current: 44 mA, voltage: 3.3 V},
                 uplink: {interval: 15 min, payload: 11 B}}
            """
        let s = try ScenarioDecoder.decode(text, file: "sf.yaml")
        guard let sensor = s.fleets[0].model as? Sensor else { Issue.record("not a sensor"); return }
        #expect(sensor.radio.uplinkEnergy.map(\.share) == [0.5, 0.3, 0.2])
        // PHY payload 11 + 13 = 24 B at SF7: 8 + ceil((192 − 28 + 28 + 16) / 28) × 5 = 48 payload symbols + 12.25 preamble.
        let toa = 60.25 * 128 / 125_000
        #expect(abs(sensor.radio.uplinkEnergy[0].joules - toa * 0.044 * 3.3) < 1e-12)
        #expect(sensor.overhead == 13)
    }
}
