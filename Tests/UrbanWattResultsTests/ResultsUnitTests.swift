import Foundation
import Synchronization
import Testing
import UrbanWattCore
import UrbanWattScenario
@testable import UrbanWattResults

/// The pieces `check`, `compare`, Monte Carlo and `merge` are built from, each on its own.
@Suite struct ResultsUnitTests {
    @Test func percentilesInterpolateLinearlyAsNumPyDoes() {
        // numpy.percentile([1, 2, 3, 4], [5, 50, 95]) = [1.15, 2.5, 3.85]
        let v: [Double] = [1, 2, 3, 4]
        #expect(abs(percentile(v, 5) - 1.15) < 1e-12 && percentile(v, 50) == 2.5 && abs(percentile(v, 95) - 3.85) < 1e-12)
        #expect(percentile([7], 95) == 7 && percentile([], 50).isNaN)
    }

    @Test func theRegressionCheckComparesNumbersWithinATolerance() throws {
        let golden = try JSONParser.parse(#"{"totals": {"energy_kwh": 100, "currency": "EUR"}, "run": {"wall_s": 1}}"#)
        let within = try JSONParser.parse(#"{"totals": {"energy_kwh": 100.000000001, "currency": "EUR"}, "run": {"wall_s": 9}}"#)
        #expect(RegressionCheck.compare(expected: golden, got: within, tolerance: 1e-9).isEmpty, "the run section is ignored")
        let beyond = try JSONParser.parse(#"{"totals": {"energy_kwh": 101, "currency": "USD", "extra": 1}}"#)
        let m = RegressionCheck.compare(expected: golden, got: beyond, tolerance: 1e-9)
        #expect(m.map(\.field) == ["totals.energy_kwh", "totals.currency", "totals.extra"])
        #expect(abs((m[0].relative ?? 0) - 1.0 / 101) < 1e-12)
        // A long value is cut, so the table stays readable.
        let long = RegressionCheck.table([
            RegressionCheck.Mismatch(field: "assumptions.x", expected: String(repeating: "a", count: 500), got: "b", relative: nil)
        ])
        #expect(long.split(separator: "\n").allSatisfy { $0.count < 120 } && long.contains("…"), "\(long)")
    }

    /// An interrupt stops a Monte Carlo run between chunks, not only between runs (a year of
    /// 1-second steps is 31.5 million of them), and a run stopped so is not returned.
    @Test func anInterruptStopsARunBetweenChunks() {
        let s = Scenario(
            name: "long", start: .init(year: 2025, month: 1, day: 1), end: .init(year: 2026, month: 1, day: 1), step: 1,
            fleets: [Fleet(name: "gw", model: Gateway(power: 3))])
        let asked = Atomic<Int>(0)
        let stats = MonteCarlo.run(runs: 1, scenario: { _ in s }, shouldStop: { asked.add(1, ordering: .relaxed).newValue > 2 })
        #expect(stats.isEmpty && asked.load(ordering: .relaxed) == 3, "asked \(asked.load(ordering: .relaxed)) times")
    }

    /// summary.json is written from the typed summary and read back into the same value, its
    /// uncertainty bands included; a file that is not a summary names the key and what it found.
    @Test func theSummaryRoundTripsThroughJSON() throws {
        let s = Scenario(
            name: "rt", seed: UInt64.max, start: .init(year: 2025, month: 12, day: 31), end: .init(year: 2026, month: 1, day: 2), step: 3600,
            grid: Grid(carbon: .yearly(YearMap(380)), price: .yearly(YearMap(0.3)), currency: "EUR"),
            fleets: [
                Fleet(name: "lamps", model: Gateway(power: 3), replaces: Gateway(power: 10)),
                Fleet(
                    name: "s", count: YearMap(20), via: "lamps",
                    model: Sensor(
                        radio: Radio(type: .nbiot, uplinkEnergy: [.init(share: 1, joules: 0.5)]),
                        sleep: 1e-5, interval: 600, payload: 20, overhead: 10, battery: 68_400)),
            ])
        let b = Breakdown.run(Engine(scenario: s))
        let stats = MonteCarlo.run(runs: 3) { _ in s }
        var info = RunInfo(wallSeconds: 1.25, generated: 10, published: 9, dropped: 1, uncertainty: MonteCarlo.section(stats, parameters: 0))
        info.clients = 4
        info.connectSeconds = 0.5
        let summary = RunSummary(b, run: info)
        #expect(summary.byYear.map(\.year) == [2025, 2026] && summary.byFleet[1].batteryLifeYears != nil && summary.byFleet[0].baselineKWh != nil)
        let back = try RunSummary(json: JSONParser.parse(summary.json().serialized()))
        #expect(back == summary)
        #expect(back.json().serialized() == summary.json().serialized())
        var broken = summary.json()
        if case .object(var pairs) = broken, let i = pairs.firstIndex(where: { $0.0 == "by_fleet" }) {
            pairs[i].1 = .object([("lamps", .object([("energy_kwh", .string("many"))]))])
            broken = .object(pairs)
        }
        #expect(throws: JSONReader.Failure.self) { try RunSummary(json: broken) }
        // A summary of an earlier version (bands without redraw_share, no run section) still reads
        // for compare, and a figure written as null (not finite) reads as NaN.
        var older = summary.json()
        if case .object(var pairs) = older {
            pairs.removeAll { $0.0 == "run" }
            if let i = pairs.firstIndex(where: { $0.0 == "uncertainty" }), case .object(let u) = pairs[i].1 {
                pairs[i].1 = .object(u.filter { $0.0 != "redraw_share" })
            }
            if let i = pairs.firstIndex(where: { $0.0 == "by_district" }) {
                pairs[i].1 = .object([("city", .object([("energy_kwh", .null), ("peak_kw", .number(1))]))])
            }
            older = .object(pairs)
        }
        let read = try RunSummary(json: older)
        #expect(read.uncertainty == nil && read.totals == summary.totals && read.byDistrict[0].value.energyKWh.isNaN)
        do { _ = try RunSummary(json: broken) } catch { #expect(error.description == "by_fleet.lamps.energy_kwh: expected a number, found \"many\"") }
    }

    @Test func aComparisonGivesDeltasAndRelativeChanges() throws {
        let s = Scenario(
            name: "c", start: .init(year: 2025, month: 1, day: 1), end: .init(year: 2025, month: 1, day: 2), step: 900,
            fleets: [Fleet(name: "d", model: Gateway(power: 3))])
        var a = RunSummary(Breakdown.run(Engine(scenario: s)), run: RunInfo(wallSeconds: 0))
        a.seed = 1
        a.period.end = "2026-01-01"
        a.totals.energyKWh = 200
        var b = a
        b.totals.energyKWh = 150
        let c = Comparison(a, b, labels: ("a", "b"))
        let energy = try #require(c.rows.first { $0.section == "totals" && $0.name == "energy_kwh" })
        #expect(energy.delta == -50 && energy.relative == -0.25)
        #expect(c.warnings.isEmpty)
        var other = a
        (other.seed, other.period.end, other.period.stepSeconds, other.complete) = (2, "2025-02-01", 3600, false)
        #expect(
            Comparison(a, other, labels: ("a", "o")).warnings == [
                "the periods differ: a 2025-01-01 to 2026-01-01, o 2025-01-01 to 2025-02-01", "the steps differ: a 900 s, o 3600 s",
                "the seeds differ: a 1, o 2", "o is incomplete (interrupted)",
            ])
        // Another grid, or other fleets: the same energy means other carbon, or other equipment.
        var cleaner = a
        cleaner.assumptions = [RunSummary.Named(name: "grid", value: [Assumption("carbon_intensity", 150, "g/kWh (mean over the period)", "scenario")])]
        cleaner.byFleet[0].name = "other"
        #expect(
            Comparison(a, cleaner, labels: ("a", "c")).warnings == [
                "the fleets differ: only a has d; only c has other", "the grids differ: mean carbon intensity a none, c 150.0 g/kWh",
            ])
        // A fleet changed, with the keys that changed; named with --expect, it is the comparison's point.
        var bigger = a
        bigger.byFleet[0].nodes = 2
        bigger.assumptions = [RunSummary.Named(name: "d", value: [Assumption("power", 4, "W", "scenario")])]
        a.assumptions = [RunSummary.Named(name: "d", value: [Assumption("power", 3, "W", "scenario")])]
        let changed = Comparison(a, bigger, labels: ("a", "b"))
        #expect(changed.warnings == ["fleet `d` changed: nodes 1 → 2, power 3 W → 4 W"] && changed.expected.isEmpty, "\(changed.warnings)")
        let meant = Comparison(a, bigger, labels: ("a", "b"), expected: ["d"])
        #expect(meant.warnings.isEmpty && meant.expected == ["fleet `d` changed: nodes 1 → 2, power 3 W → 4 W"])
    }

    @Test func shardFilesRoundTripBitForBit() throws {
        let sensor = Sensor(
            radio: Radio(type: .nbiot, uplinkEnergy: [.init(share: 1, joules: 0.5)]), sleep: 1e-5, interval: 600,
            payload: 20, overhead: 10, battery: 68_400)
        let s = Scenario(
            name: "shard", start: .init(year: 2025, month: 6, day: 1), end: .init(year: 2025, month: 6, day: 3), step: 900,
            fleets: [
                Fleet(name: "s", count: YearMap(30), jitter: 0.1, via: "gw", model: sensor),
                Fleet(name: "gw", model: Gateway(power: 3), replaces: Gateway(power: 10)),
            ])
        let engine = Engine(scenario: s, shard: Shard(index: 1, count: 3))
        let recorded = engine.record()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("uw-shard-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Written in chunks of 5 steps, read back 7 at a time: the layout follows the header's chunk.
        let writer = try SeriesFile.Writer(path: folder + "/series.bin")
        let r = engine.run(chunk: 5) { range, series in writer.append(range, series) }
        try writer.finish()
        let header = try JSONParser.parse(ShardFiles.header(r, scenarioText: "text", series: writer, chunk: 5).serialized())
        // One shard of three is not a whole run.
        #expect(throws: ShardFiles.Failure.self) { try ShardFiles.checkTogether([(folder: folder, header: header, series: folder + "/series.bin")]) }
        let (back, reader) = try ShardFiles.open(folder: folder, scenario: s, header: header, series: folder + "/series.bin")
        var fleets = s.fleets.map { FleetSeries(steps: 0, parts: $0.seriesParts) }
        while true {
            let part = try reader.next(7)
            if part[0].count == 0 { break }
            for i in fleets.indices { fleets[i].append(part[i]) }
        }
        #expect(fleets == recorded.fleets)
        #expect(back.batteryLives == recorded.result.batteryLives)
        #expect(back.completedSteps == r.completedSteps && back.nodeSteps == r.nodeSteps && back.shard == r.shard)
    }
}

/// The staged replacement's own guarantees, without a run: a failed fill leaves the previous
/// folder and what the user added as they were, and a dead process's leftovers lose only what
/// UrbanWatt wrote.
@Suite struct StagedFolderOwnershipTests {
    static func folder() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("urbanwatt-staged-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aFailedFillLeavesTheFolderAndTheUsersFiles() throws {
        let root = Self.folder(), out = root + "/r"
        try StagedFolder.replace(out, command: "test") { folder throws(OutputFolder.Failure) in try folder.write("a.txt", "first") }
        try "mine".write(toFile: out + "/mine.txt", atomically: true, encoding: .utf8)
        #expect(throws: OutputFolder.Failure.self) {
            try StagedFolder.replace(out, command: "test") { folder throws(OutputFolder.Failure) in
                try folder.write("a.txt", "second")
                throw .cannotWrite("disk", "full")
            }
        }
        #expect(try String(contentsOfFile: out + "/a.txt", encoding: .utf8) == "first")
        #expect(try String(contentsOfFile: out + "/mine.txt", encoding: .utf8) == "mine")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root) == ["r"])
        try StagedFolder.replace(out, command: "test") { folder throws(OutputFolder.Failure) in try folder.write("b.txt", "third") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == [".urbanwatt-manifest.json", "b.txt", "mine.txt"])
        #expect(FolderManifest.read(in: out)?.files == ["b.txt"])
    }

    /// A dead process's staging folder: what it wrote goes, a file it holds that is nobody's twin
    /// stays (the folder with it); one that is the same inode as the result's goes.
    @Test func leftoversLoseOnlyWhatUrbanWattOwns() throws {
        let root = Self.folder(), out = root + "/r"
        try StagedFolder.replace(out, command: "test") { folder throws(OutputFolder.Failure) in try folder.write("a.txt", "result") }
        try "kept".write(toFile: out + "/kept.txt", atomically: true, encoding: .utf8)
        let dead: Int32 = 4_000_000 // above pid_max: no such process
        for (tag, lonely) in [("partial", "lonely.txt"), ("old", "lonely2.txt")] {
            let leftover = root + "/.r.\(tag)-\(dead)"
            try FileManager.default.createDirectory(atPath: leftover, withIntermediateDirectories: true)
            try FolderManifest(command: "test", runID: "1", state: .complete, files: ["a.txt"]).write(in: leftover)
            try "old result".write(toFile: leftover + "/a.txt", atomically: true, encoding: .utf8)
            try "nobody's twin".write(toFile: leftover + "/" + lonely, atomically: true, encoding: .utf8)
            #expect(link(out + "/kept.txt", leftover + "/kept.txt") == 0)
        }
        let writing = root + "/.r.partial-\(dead + 1)"
        try FileManager.default.createDirectory(atPath: writing, withIntermediateDirectories: true)
        try FolderManifest(command: "test", runID: "2", state: .writing, files: []).write(in: writing)
        try "half".write(toFile: writing + "/a.txt", atomically: true, encoding: .utf8)
        try StagedFolder.replace(out, command: "test") { folder throws(OutputFolder.Failure) in try folder.write("a.txt", "new") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).sorted() == [".r.old-\(dead)", ".r.partial-\(dead)", "r"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/.r.partial-\(dead)").sorted() == [".urbanwatt-manifest.json", "lonely.txt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/.r.old-\(dead)").sorted() == [".urbanwatt-manifest.json", "lonely2.txt"])
        #expect(try String(contentsOfFile: out + "/kept.txt", encoding: .utf8) == "kept")
        #expect(try String(contentsOfFile: out + "/a.txt", encoding: .utf8) == "new")
    }
}

/// The load histogram takes any input and ends: infinity, NaN and the smallest subnormal once
/// looped forever doubling a width of zero or toward infinity.
@Suite struct LoadHistogramBoundsTests {
    @Test func anyPowerEnds() {
        var h = LoadHistogram()
        for kW in [Double.infinity, .nan, .leastNonzeroMagnitude, .leastNormalMagnitude, 1, .greatestFiniteMagnitude, 3, -.infinity] { h.add(kW) }
        #expect(h.steps == 5)
        #expect(h.maximum == .greatestFiniteMagnitude)
        #expect(h.curve(dt: 3600).first?.kW == .greatestFiniteMagnitude)
    }
}

/// A shard proves what it is: its header is sealed with the series' checksum, and its series'
/// nodes must be those its K/N takes of every fleet.
@Suite struct ShardProofTests {
    static let yaml = """
        urbanwatt: 1
        name: shards
        period: {start: 2025-01-01, end: 2025-01-02, step: 1 h}
        fleets:
          - {name: lamps, kind: device, count: 100, power: 50 W}
          - {name: gw, kind: gateway, count: 7, power: 3 W}
        """

    /// 100 devices in 3 shards are 34, 33, 33; 7 gateways 3, 2, 2. Shard 1's series labelled 2/3 or
    /// 3/3 is refused; shard 2's labelled 3/3 has the same counts and passes this check (the seal
    /// of its header is what refuses it then).
    @Test func aSeriesMustHaveItsShardsNodes() throws {
        let s = try ScenarioDecoder.decode(Self.yaml, file: "x.yaml")
        func series(_ k: Int) -> (SimulationResult, [FleetSeries]) {
            var first: [FleetSeries] = []
            let result = Engine(scenario: s, shard: Shard(index: k, count: 3)).run { range, chunk in if range.lowerBound == 0 { first = chunk } }
            return (result, first)
        }
        for k in 0..<3 {
            let (result, own) = series(k)
            #expect(throws: Never.self) { try ShardFiles.checkNodes(own, of: result) }
        }
        let (_, one) = series(0)
        let (two, _) = series(1), (three, _) = series(2)
        #expect(throws: ShardFiles.Failure.self) { try ShardFiles.checkNodes(one, of: two) }
        #expect(throws: ShardFiles.Failure.self) { try ShardFiles.checkNodes(one, of: three) }
    }

    @Test func anEditedHeaderBreaksItsSeal() {
        let fields: [(String, JSONValue)] = [("series_fnv1a", .string("00000000000000ff")), ("shard", .string("2/3")), ("seed", .integer(1))]
        let sealed = ShardFiles.sealed(fields)
        guard case .object(let pairs) = sealed else { Issue.record("not an object"); return }
        #expect(sealed["header_fnv1a"]?.stringValue == ShardFiles.hex(ShardFiles.seal(Array(pairs.dropLast()))))
        var relabelled = fields
        relabelled[1].1 = .string("3/3")
        #expect(ShardFiles.seal(relabelled) != ShardFiles.seal(fields))
        // Parsed back from its text, the header still matches its seal.
        let parsed = try? JSONParser.parse(sealed.serialized())
        guard case .object(let back)? = parsed else { Issue.record("not parsed"); return }
        #expect(back.last?.1.stringValue == ShardFiles.hex(ShardFiles.seal(Array(back.dropLast()))))
    }
}

/// The report says which sessions model each charger fleet uses, and what its peak then means.
@Suite struct ChargingModelNoteTests {
    @Test func eachChargerFleetsModelIsNamed() throws {
        let s = try ScenarioDecoder.decode(
            """
            urbanwatt: 1
            name: ev
            period: {start: 2025-01-01, end: 2025-01-02, step: 1 h}
            fleets:
              - {name: depot, kind: ev-charger, count: 4, power: 11 kW, sessions: {per_day: 2, energy: 10 kWh}}
              - {name: street, kind: ev-charger, count: 4, power: 11 kW, sessions: {per_day: 2, energy: 10 kWh, model: expected}}
              - {name: gw, kind: gateway, count: 1, power: 3 W}
            """, file: "x.yaml")
        let note = try #require(ReportText.chargingModels(s))
        #expect(note.contains("Drawn (every session from its own random stream; the peak is that of one realisation of the sessions): depot."))
        #expect(note.contains("the peak is the peak of the mean load") && note.contains("): street."))
        let none = try ScenarioDecoder.decode(
            "urbanwatt: 1\nname: n\nperiod: {start: 2025-01-01, end: 2025-01-02, step: 1 h}\nfleets:\n  - {name: gw, kind: gateway, count: 1, power: 3 W}\n",
            file: "y.yaml")
        #expect(ReportText.chargingModels(none) == nil)
    }

    /// Issue 24: a year reads 2015, not 2,015; a small coefficient 0.000005, not 5e-06; a name in
    /// backticks is code; the peak is told on the scenario's clock, not as "…Z UTC".
    @Test func theReportWritesFiguresAsAReaderTakesThemIn() throws {
        #expect(ReportText.value(Assumption("intensity.year", 2015, "year", "s")) == "2015")
        #expect(ReportText.value(Assumption("sleep", 5e-6, "W", "s")) == "0.000005")
        #expect(ReportText.value(Assumption("sleep", 9.99e-6, "W", "s")) == "0.00000999")
        #expect(ReportText.value(Assumption("power", 15_000, "W", "s")) == "15,000" && ReportText.value(Assumption("pue", 1.5, "", "s")) == "1.5")
        #expect(ReportText.prose("halving every `halving` years <") == "halving every <code>halving</code> years &lt;")
        let berlin = try #require(Zone(identifier: "Europe/Berlin"))
        let s = Scenario(
            name: "p", zone: berlin, start: .init(year: 2025, month: 1, day: 1), end: .init(year: 2025, month: 1, day: 2), step: 900,
            fleets: [Fleet(name: "d", model: Gateway(power: 3))])
        #expect(ReportText.localTime(Breakdown.run(Engine(scenario: s)), step: 76) == "2025-01-01 19:00 (Europe/Berlin)")
    }
}
