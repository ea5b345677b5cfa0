import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattScenario

/// `extends`: key-by-key fleet overrides, new fleets, `remove`, and every error in the file that holds it.
struct ExtendsTests {
    static let base = """
        urbanwatt: 1
        name: base
        period: {start: 2025-01-01, end: 2025-01-02, step: 1 h}
        fleets:
          - {name: sensors, kind: sensor, count: 10, radio: {type: nbiot}, uplink: {interval: 1 h}, via: gw}
          - {name: gw, kind: gateway, power: 3 W}
          - {name: lamps, kind: device, count: 5, power: 100 W}
        """

    /// A folder with base.yaml and child.yaml; the child's diagnostics or scenario.
    static func load(child: String, base: String = base) throws -> (folder: String, result: Result<Scenario, ScenarioErrors>) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("urbanwatt-extends-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try base.write(toFile: folder + "/base.yaml", atomically: true, encoding: .utf8)
        try child.write(toFile: folder + "/child.yaml", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/child.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        do throws(ScenarioErrors) {
            return (folder, .success(try ScenarioDecoder.decode(text, file: path)))
        } catch {
            return (folder, .failure(error))
        }
    }

    static func diagnostics(_ child: String, base: String = base) throws -> (String, [String]) {
        let (folder, result) = try load(child: child, base: base)
        guard case .failure(let e) = result else { return (folder, []) }
        return (folder, e.diagnostics.map(\.description))
    }

    /// The template `urbanwatt new --from` writes validates as it is and with each of its examples
    /// uncommented, for every built-in scenario: `fleets:` with only comments under it changes no
    /// fleet, and the examples name the parent's own fleets (issue 24: the template's `fleets: []`
    /// turned malformed YAML once a line under it was uncommented, and its placeholders named no fleet).
    @Test(arguments: BuiltinScenarios.names)
    func theExtendingTemplateValidatesWithEachExampleUncommented(base: String) throws {
        let parent = try ScenarioDecoder.decode(try #require(BuiltinScenarios.text(named: base)), file: "<built-in \(base)>")
        let template = ScenarioTemplate.extending(base, name: "mine", parent: parent)
        let lines = template.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let examples = lines.indices.filter { lines[$0].hasPrefix("# period:") || lines[$0].hasPrefix("# remove:") || lines[$0].hasPrefix("  # - {") }
        #expect(examples.count == 4)
        for k in [nil] + examples.map(Optional.some) {
            var edited = lines
            if let k { edited[k] = edited[k].replacingOccurrences(of: "# ", with: "", options: [], range: edited[k].range(of: "# ")) }
            let text = edited.joined(separator: "\n")
            do {
                let s = try ScenarioDecoder.decode(text, file: "mine.yaml")
                #expect(s.name == "mine")
            } catch {
                Issue.record("\(base), line \(k.map { edited[$0] } ?? "none") uncommented: \(error.description)")
            }
        }
    }

    @Test func fleetsAreOverriddenKeyByKeyAddedAndRemoved() throws {
        let (_, result) = try Self.load(
            child: """
                extends: base.yaml
                name: child
                remove: [lamps]
                fleets:
                  - {name: sensors, count: 40}
                  - {name: cams, kind: camera, power: 6 W, bitrate: 2 Mbit/s, via: gw}
                """)
        let s = try result.get()
        #expect(s.name == "child")
        #expect(s.fleets.map(\.name) == ["sensors", "gw", "cams"])
        #expect(s.fleets[0].count.maximum == 40 && s.fleets[0].via == "gw")
        #expect((s.fleets[0].model as? Sensor)?.interval == 3600)
        #expect(s.end == CivilDate(year: 2025, month: 1, day: 2))
    }

    @Test func aMistakeInTheChildIsFoundInTheChild() throws {
        let (folder, found) = try Self.diagnostics(
            """
            extends: base.yaml
            fleets:
              - {name: gw, power: 3 parsecs}
            """)
        #expect(
            found == [
                "\(folder)/child.yaml:3:23: error: fleets[gw].power: expected a power such as \"150 W\", got \"3 parsecs\"; `parsecs` is not a unit of power"
            ], "\(found)")
    }

    @Test func aMistakeInTheParentIsFoundInTheParent() throws {
        let (folder, found) = try Self.diagnostics(
            "extends: base.yaml\nname: child\n",
            base: Self.base.replacingOccurrences(of: "power: 100 W", with: "power: 100 Q"))
        #expect(found.count == 1 && found[0].hasPrefix("\(folder)/base.yaml:7:50: error: fleets[lamps].power:"), "\(found)")
    }

    /// Removing the gateway breaks the parent's route to it: the error is at the parent's `via`.
    @Test func aRouteTheChildBreaksIsReportedWhereItIsWritten() throws {
        let (folder, found) = try Self.diagnostics("extends: base.yaml\nremove: [gw]\n")
        #expect(found.count == 1 && found[0].hasPrefix("\(folder)/base.yaml:5:98: error: fleets[sensors].via: unknown fleet `gw`"), "\(found)")
    }

    @Test(arguments: [
        ("extends: bsae.yaml\n", "child.yaml:1:10: error: extends: cannot read"),
        ("extends: mittelstat\n", "child.yaml:1:10: error: extends: unknown scenario `mittelstat`"),
        ("extends: base.yaml\nremove: [lamp]\n", "child.yaml:2:10: error: remove[0]: `base.yaml` has no fleet `lamp`; did you mean `lamps`?"),
        ("remove: [lamps]\nurbanwatt: 1\n", "child.yaml:1:9: error: remove: `remove` drops fleets of the scenario named by `extends`, which is missing"),
        ("extends: child.yaml\n", "child.yaml:1:10: error: extends: `extends` comes back to `child.yaml`"),
    ])
    func compositionMistakesAreLocated(child: String, expected: String) throws {
        let (_, found) = try Self.diagnostics(child)
        #expect(found.contains { $0.contains(expected) }, "\(found)")
    }

    @Test func aCycleThroughTheParentEnds() throws {
        let (_, found) = try Self.diagnostics("extends: base.yaml\n", base: "extends: child.yaml\n" + Self.base)
        #expect(found.contains { $0.contains("`extends` comes back to `child.yaml`") }, "\(found)")
    }

    /// The library's decade scenario is its 2025 city and what changes: one self-contained document
    /// decodes to the same scenario.
    @Test func theDecadeExtendsTheCityAndWritesOutWhole() throws {
        let text = try #require(BuiltinScenarios.text(named: "mittelstadt-2035"))
        #expect(text.contains("extends: mittelstadt"))
        let whole = ScenarioDecoder.selfContained(text, file: "<built-in mittelstadt-2035>")
        #expect(!whole.contains("extends"))
        let a = try ScenarioDecoder.decode(text, file: "a"), b = try ScenarioDecoder.decode(whole, file: "b")
        #expect(a.fleets.map(\.name) == b.fleets.map(\.name))
        #expect(zip(a.fleets, b.fleets).allSatisfy { $0.model.isEqual(to: $1.model) && $0.count.points.map(\.value) == $1.count.points.map(\.value) })
    }
}
