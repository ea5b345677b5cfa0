import Foundation
import Testing
@testable import UrbanWattScenario

/// Every figure traceable: each source key cited by a library scenario or `urbanwatt list` is in
/// docs/sources.md, and nothing points at files the repository does not contain.
struct CitationTests {
    static func read(_ path: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
    }

    static func keys(in text: String) -> Set<String> {
        Set(text.matches(of: /\[([A-Za-z][A-Za-z0-9.]*[0-9A-Za-z])\]/).map { String($0.output.1) })
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

    @Test func nothingPointsOutsideTheRepository() throws {
        let root = repositoryRoot.path
        let enumerator = FileManager.default.enumerator(atPath: root)!
        var offenders: [String] = []
        while let path = enumerator.nextObject() as? String {
            if path.hasPrefix(".git") || path.contains(".build") || path.hasPrefix("out/") { enumerator.skipDescendants(); continue }
            guard [".swift", ".md", ".yaml", ".py", ".sh", ".c"].contains(where: path.hasSuffix) || path.hasPrefix("scripts/") || path.hasPrefix("bench/") else { continue }
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
