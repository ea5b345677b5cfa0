import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattResults
@testable import UrbanWattScenario

/// The sources a scenario's comments cite become the sources of its coefficients (issue 24, item 2),
/// and count paths, trends and the grid's path are listed year by year.
struct AssumptionSourcesTests {
    static let yaml = """
        urbanwatt: 1
        name: cited
        description: "a # in quotes is no comment [NotAKey]"
        location: {latitude: 52.52, longitude: 13.40, timezone: UTC}
        period: {start: 2025-01-01, end: 2025-01-02, step: 1 h}
        grid:
          carbon_intensity: {2025: 363 g/kWh, 2030: 250 g/kWh}   # [UBA2025]; the path (U)
          price: 0.305 EUR/kWh                                    # [BNetzA-Monitoring2024]
        fleets:
          - name: meters
            kind: device
            count: {2025: 10, 2030: 20}      # roll-out (U)
            power: 6 W                       # at most 6 W [MsbG]
            efficiency: {per_year: 3%, from: 2025}
          - {name: gw, kind: gateway, power: 8 W}   # [epyon2017] [IEEE802.3af]
        """

    @Test func commentsCiteTheirFigures() throws {
        let s = try summary(ofYAML: Self.yaml)
        func source(_ group: String, _ key: String) -> String? {
            s.assumptions.first { $0.name == group }?.value.first { $0.key == key }?.source
        }
        #expect(source("meters", "power") == "scenario [MsbG]")
        #expect(source("meters", "count.2025") == "scenario (U)" && source("meters", "count.2030") == "scenario (U)")
        #expect(source("meters", "efficiency.per_year") == "scenario", "a key without a comment is the scenario's")
        #expect(source("gw", "power") == "scenario [epyon2017] [IEEE802.3af]", "a fleet on one line: the line's comment")
        #expect(source("grid", "carbon_intensity.2030") == "scenario [UBA2025] (U)")
        #expect(source("grid", "price") == "scenario [BNetzA-Monitoring2024]")
        expectClose(s.assumptions.first { $0.name == "grid" }?.value.first { $0.key == "carbon_intensity.2030" }?.value, 250, "the path's 2030")
        #expect(s.assumptions.first { $0.name == "meters" }?.value.first { $0.key == "efficiency.per_year" }?.value == 0.03)
    }

    /// `sources:` gives a figure's source as data, over its comment; a path the scenario does not
    /// give, or a value that cites nothing, is a located error.
    @Test func sourcesAreData() throws {
        let declared = Self.yaml + "\nsources:\n  fleets[meters].efficiency: \"[Heidenheim2020]\"\n  grid.price: \"(U)\"\n"
        let s = try summary(ofYAML: declared)
        func source(_ group: String, _ key: String) -> String? { s.assumptions.first { $0.name == group }?.value.first { $0.key == key }?.source }
        #expect(source("meters", "efficiency.per_year") == "scenario [Heidenheim2020]")
        #expect(source("grid", "price") == "scenario (U)", "sources: over the comment")
        expectLocatedError(
            Self.yaml + "\nsources:\n  fleets[meter].power: \"[MsbG]\"\n",
            "sources.fleets[meter].power: `fleets[meter].power` is not a figure of this scenario; expected grid.KEY or fleets[NAME].KEY of a key it gives; did you mean `fleets[meters].power`?",
            line: 17)
        expectLocatedError(
            Self.yaml + "\nsources:\n  grid.price: \"BNetzA\"\n",
            "sources.grid.price: expected the figure's source: a [KEY] of docs/sources.md or (U), got \"BNetzA\"", line: 17)
        expectLocatedError(Self.yaml + "\nsources: [UBA2025]\n", "sources: expected a mapping of figures to their sources")
    }

    /// A scenario that extends another is written whole for its shards, without the parent's
    /// comments: their citations travel as `sources:`, so the merged report cites as the run did.
    @Test func aSelfContainedScenarioKeepsItsCitations() throws {
        let child = "urbanwatt: 1\nextends: mittelstadt\nname: child\nfleets:\n  - {name: chargers, count: 400}   # twice (U)\n"
        let whole = ScenarioDecoder.selfContained(child, file: "child.yaml")
        #expect(whole.contains("\nsources:\n") && !whole.contains("#"))
        let original = try ScenarioDecoder.decode(child, file: "child.yaml").citations
        #expect(original["grid.carbon_intensity"] == "[UBA2026]" && original["fleets[chargers].count"] == "(U)")
        #expect(try ScenarioDecoder.decode(whole, file: "scenario.yaml").citations == original)
        // That text extended in turn: a fleet it removes is passed over in the inherited `sources:`,
        // and a figure it writes again keeps its own comment.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("whole-\(UUID().uuidString).yaml")
        try whole.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let grandchild =
            "urbanwatt: 1\nextends: \(file.path)\nname: grandchild\nremove: [chargers]\ngrid:\n  carbon_intensity: 100 g/kWh   # (U)\n  price: 0.3 EUR/kWh   # (U)\n"
        let cited = try ScenarioDecoder.decode(grandchild, file: "grandchild.yaml").citations
        #expect(
            cited["grid.carbon_intensity"] == "(U)" && cited["fleets[chargers].count"] == nil
                && cited["fleets[led-lights].power"] == original["fleets[led-lights].power"])
        // A mistake in `sources:` is reported with the others, not only once they are mended.
        expectLocatedError(Self.yaml.replacingOccurrences(of: "power: 6 W", with: "power: 6 V") + "\nsources:\n  grid.prize: \"(U)\"\n", "sources.grid.prize")
    }

    /// The report links each cited key to its entry of the bibliography, quoted below the table.
    @Test func theReportQuotesTheSourcesItCites() throws {
        let s = try summary(ofYAML: Self.yaml)
        let html = ReportText.assumptions(s.assumptions)
        #expect(html.contains("<a href=\"#src-MsbG\">[MsbG]</a>") && html.contains("<dt id=\"src-MsbG\">[MsbG]</dt>"))
        #expect(html.contains("Messstellenbetriebsgesetz"), "the entry's text")
        #expect(html.contains("<dt id=\"src-BNetzA-Monitoring2024\">"), "a hyphenated key")
        #expect(Bibliography.html("*A title* and `code` <x>") == "<em>A title</em> and <code>code</code> &lt;x&gt;")
    }

    /// The embedded bibliography is docs/sources.md (scripts/embed-scenarios writes it).
    @Test func theEmbeddedBibliographyIsTheDocument() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let document = try String(contentsOf: root.appendingPathComponent("docs/sources.md"), encoding: .utf8)
        #expect(Bibliography.text + "\n" == document, "run scripts/embed-scenarios after editing docs/sources.md")
        #expect(Bibliography.entries.count >= 60 && Bibliography.entries["UBA2025"]?.contains("363 g CO2") == true)
    }

    @Test func aHashInQuotesIsNoComment() {
        #expect(Citations.comment(of: "description: \"a # b\"   # [X1] (U)") == " [X1] (U)")
        #expect(Citations.comment(of: "name: a#b") == nil)
        #expect(Citations.marks(in: " [UBA2025]; the path (U) [UBA2025]") == "[UBA2025] (U)")
        #expect(Citations.marks(in: " nothing cited") == nil)
    }
}
