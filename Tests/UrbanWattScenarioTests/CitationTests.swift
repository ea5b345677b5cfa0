import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattScenario

/// Every figure traceable: each source key cited by a library scenario or `urbanwatt list` is in
/// docs/sources.md, and nothing points at files the repository does not contain.
struct CitationTests {
    static func read(_ path: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
    }

    /// The source keys cited in `text`: `[Auer2011]`, `[UBA-fuel]`, `[IEEE802.3af]`.
    static func keys(in text: String) -> Set<String> {
        Set(text.matches(of: /\[([A-Za-z][A-Za-z0-9.-]*[0-9A-Za-z])\]/).map { String($0.output.1) })
    }

    @Test func everyCitedKeyIsInTheBibliography() throws {
        let bibliography = try Self.read("docs/sources.md")
        let defined = Set(bibliography.matches(of: /\*\*\[([^\]]+)\]\*\*/).map { String($0.output.1) })
        #expect(defined.count >= 25)
        var cited = Self.keys(in: Catalogue.text)
        let scenarios = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Scenarios").path)
        for file in scenarios where file.hasSuffix(".yaml") {
            // Comments only: `[centre, north]` in a scenario is a list, not a citation.
            let comments = try Self.read("Scenarios/\(file)").split(separator: "\n").compactMap { $0.split(separator: "#", maxSplits: 1).dropFirst().first }
            cited.formUnion(Self.keys(in: comments.joined(separator: "\n")))
        }
        #expect(cited.count >= 15)
        #expect(cited.subtracting(defined).isEmpty, "cited but not in docs/sources.md: \(cited.subtracting(defined).sorted())")
    }

    /// Every assumption of the library, a comment marked (U) beside a figure, is listed under
    /// "Assumptions" in docs/sources.md (`scripts/assumptions` writes the list).
    @Test func everyAssumptionIsListed() throws {
        let bibliography = try Self.read("docs/sources.md")
        let listed = try #require(bibliography.range(of: "## Assumptions")).upperBound
        let section = bibliography[listed...]
        let scenarios = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Scenarios").path)
        var unlisted: [String] = []
        for file in scenarios where file.hasSuffix(".yaml") {
            for line in try Self.read("Scenarios/\(file)").split(separator: "\n") {
                let parts = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                let comment = parts[1].trimmingCharacters(in: .whitespaces)
                if comment.contains("(U)") && !section.contains(comment) { unlisted.append("\(file): \(comment)") }
            }
        }
        #expect(unlisted.isEmpty, "run scripts/assumptions: \(unlisted.prefix(5))")
    }

    /// Every kind's embodied default cites keys of the bibliography, or says (U), or why it has none.
    @Test func everyEmbodiedDefaultIsCitedOrMarked() throws {
        let bibliography = try Self.read("docs/sources.md")
        let defined = Set(bibliography.matches(of: /\*\*\[([^\]]+)\]\*\*/).map { String($0.output.1) })
        for kind in FleetKind.allCases {
            guard let e = kind.embodied.value else { continue }
            let keys = Self.keys(in: e.source)
            #expect(!keys.isEmpty || e.source.contains("(U)"), "\(kind.rawValue): \(e.source)")
            #expect(keys.isSubset(of: defined), "\(kind.rawValue): \(keys.subtracting(defined).sorted()) not in docs/sources.md")
        }
        #expect(FleetKind.allCases.filter { $0.embodied.value == nil }.map(\.rawValue).sorted() == ["datacenter", "link", "network", "vehicle"])
    }

    /// The assumptions a run reports cite only keys of the bibliography, and name the scenario where
    /// it gave the value: an NB-IoT sensor with its own sleep floor but the module's energy per uplink.
    @Test func assumptionsCiteTheBibliographyOrTheScenario() throws {
        let bibliography = try Self.read("docs/sources.md")
        let defined = Set(bibliography.matches(of: /\*\*\[([^\]]+)\]\*\*/).map { String($0.output.1) })
        for name in BuiltinScenarios.names {
            let s = try ScenarioDecoder.decode(BuiltinScenarios.text(named: name)!, file: name)
            for f in s.fleets {
                for a in f.model.assumptions(given: f.given) {
                    #expect(!a.source.isEmpty && Self.keys(in: a.source).isSubset(of: defined), "\(name) \(f.name).\(a.key): \(a.source)")
                }
            }
        }
        let s = try ScenarioDecoder.decode(
            """
            urbanwatt: 1
            name: a
            period: {start: 2025-01-01, end: 2025-01-02}
            fleets:
              - {name: m, kind: sensor, radio: {type: nbiot}, sleep: 5 µW, uplink: {interval: 1 h, payload: 20 B}}
              - {name: bs, kind: base-station, preset: micro, trx: 4}
            """, file: "a.yaml")
        let m = Dictionary(uniqueKeysWithValues: s.fleets[0].model.assumptions(given: s.fleets[0].given).map { ($0.key, $0) })
        #expect(m["sleep"]?.source == "scenario" && abs((m["sleep"]?.value ?? 0) - 5e-6) < 1e-18)
        #expect(m["energy_per_uplink"]?.source == "[nRF9160]" && m["energy_per_uplink"]?.value == 0.55)
        #expect(m["uplink.overhead"]?.source == "[RFC791] [RFC768]" && m["uplink.overhead"]?.value == 28)
        let bs = Dictionary(uniqueKeysWithValues: s.fleets[1].model.assumptions(given: s.fleets[1].given).map { ($0.key, $0) })
        #expect(bs["trx"]?.source == "scenario" && bs["trx"]?.value == 4)
        #expect(bs["p0"]?.source == "[Auer2011] table 2" && bs["p0"]?.value == 56)
    }

    /// Every coefficient line of a library scenario says where its figure comes from: a source key,
    /// or (U) for an assumption of ours; counts too. Periods, seeds and locations describe the run.
    @Test func everyCoefficientOfTheLibraryHasASourceOrIsMarkedAnAssumption() throws {
        let folder = repositoryRoot.appendingPathComponent("Scenarios").path
        var uncited: [String] = [], checked = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".yaml") {
            for (n, line) in try Self.read("Scenarios/\(file)").split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                guard line.wholeMatch(of: /\s+(-\s*)?[a-z_]+: .*[0-9].*/) != nil,
                    line.firstMatch(of: /^\s+(-\s*)?(period|location|seed|urbanwatt|start|end):/) == nil
                else { continue }
                checked += 1
                if !line.contains("#") { uncited.append("\(file):\(n + 1): \(line)") }
            }
        }
        #expect(checked > 50, "the coefficient lines were found")
        #expect(uncited.isEmpty, "\(uncited)")
    }

    @Test func nothingPointsOutsideTheRepository() throws {
        let root = repositoryRoot.path
        let enumerator = FileManager.default.enumerator(atPath: root)!
        var offenders: [String] = []
        while let path = enumerator.nextObject() as? String {
            if path.hasPrefix(".git") || path.contains(".build") || path.hasPrefix("out/") { enumerator.skipDescendants(); continue }
            guard [".swift", ".md", ".yaml", ".py", ".sh", ".c"].contains(where: path.hasSuffix) || path.hasPrefix("scripts/") || path.hasPrefix("bench/")
            else { continue }
            if path.hasSuffix("CitationTests.swift") { continue }
            guard let text = try? String(contentsOfFile: root + "/" + path, encoding: .utf8) else { continue }
            for marker in ["REFERENCE-" + "DATA", "../" + "shared", "SPEC " + "§"] where text.contains(marker) {
                offenders.append("\(path): \(marker)")
            }
        }
        #expect(offenders.isEmpty, "\(offenders)")
        #expect(try Self.read("LICENSE").contains("Apache License"))
    }
}
