import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattResults
import UrbanWattScenario

/// The engine keeps nothing per step beyond a chunk: how the period is cut must not change a figure.
struct ChunkedRunTests {
    /// Six days across a daylight-saving change and a new year, with every kind that keeps state
    /// between chunks: sensors whose uplinks do not divide the step, smart chargers whose sessions
    /// cross chunks, a fog server that forwards a share, a growing count, efficiency and a dimmed light.
    static let yaml = """
        urbanwatt: 1
        name: chunks
        location: {latitude: 51.3, longitude: 9.5, timezone: Europe/Berlin}
        period: {start: 2025-12-29, end: 2026-01-04, step: 15 min}
        grid: {carbon_intensity: {2025: 380 g/kWh, 2026: 300 g/kWh}, price: 0.30 EUR/kWh}
        fleets:
          - {name: meters, kind: sensor, count: {2025: 100, 2027: 300}, jitter: 10%, radio: {type: nbiot}, uplink: {interval: 7 min, payload: 20 B}, via: fog}
          - {name: fog, kind: server, idle: 20 W, max: 60 W, capacity: 1 kB/s, forward: 30%, via: dc}
          - {name: dc, kind: datacenter, it_power: 2 kW, pue: 1.4}
          - {name: ev, kind: ev-charger, count: 40, power: 11 kW, sessions: {per_day: 1.5, energy: 20 kWh, profile: evening}, smart: {objective: carbon, window: 6 h}, efficiency: {per_year: 2%, from: 2025}}
          - {name: lights, kind: streetlight, count: 50, power: 60 W, dimming: [{from: "22:00", to: "05:00", level: 40%}], replaces: {power: 100 W, dimming: none}}
        """

    static func summary(chunk: Int) throws -> JSONValue {
        let s = try ScenarioDecoder.decode(yaml, file: "chunks.yaml")
        var summary = RunSummary(Breakdown.run(Engine(scenario: s), chunk: chunk), run: RunInfo(version: "t", wallSeconds: 0)).json()
        if case .object(var fields) = summary {
            fields.removeAll { $0.0 == "run" }
            summary = .object(fields)
        }
        return summary
    }

    @Test(arguments: [1, 5, 96, 100_000])
    func theSummaryDoesNotDependOnTheChunk(chunk: Int) throws {
        #expect(try Self.summary(chunk: chunk) == Self.summary(chunk: 672))
    }

    /// timeseries.csv written as the run goes (`TimeseriesFile`, fed after every chunk on the
    /// folding core) is the file written at the end, byte for byte: chunks that end inside a row,
    /// rows of 7 steps that leave the last one short (576 steps), layer and fleet columns.
    @Test(arguments: [(1, 7), (5, 7), (96, 4), (100_000, 7), (13, 1)])
    func theTimeseriesWrittenAsTheRunGoesIsTheOneWrittenAtTheEnd(chunk: Int, stepsPerRow: Int) throws {
        let s = try ScenarioDecoder.decode(Self.yaml, file: "chunks.yaml")
        for columns in CSVWriters.Columns.allCases {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("timeseries-\(UUID().uuidString).csv").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let folder = ChunkFolder(
                (
                    tally: Tally(scenario: s, clock: Engine(scenario: s).clock, stepsPerRow: stepsPerRow),
                    text: try TimeseriesFile(path: path, columns: columns, scenario: s)
                ))
            let result = Engine(scenario: s).run(chunk: chunk) { range, series in
                folder.submit { state in
                    state.tally.add(range, series)
                    state.text.append(state.tally)
                }
            }
            let (tally, text) = folder.finish()
            let b = Breakdown(result, tally)
            try text.finish(b)
            let written = try #require(FileManager.default.contents(atPath: path))
            #expect(Array(written) == CSVWriters.timeseriesBytes(b, stepsPerRow: stepsPerRow, columns: columns), "\(columns)")
        }
    }

    /// The recorded series and the folded figures agree: energy, peaks and traffic by hand from the steps.
    @Test func foldedFiguresMatchTheRecordedSteps() throws {
        let s = try ScenarioDecoder.decode(Self.yaml, file: "chunks.yaml")
        let recorded = Engine(scenario: s).record()
        let b = Breakdown.run(Engine(scenario: s), chunk: 7)
        for (i, f) in recorded.fleets.enumerated() {
            #expect(b.kWh(.fleet(i)) == f.energy.reduce(0, +) / 3.6e6)
            #expect(b.uplinks(fleet: i) == f.messages.reduce(0, +))
            let peak = f.energy.max()!
            #expect(b.peak(.fleet(i)).kW == peak / 900 / 1000)
            #expect(b.nodes(fleet: i) == Int(f.nodes.last!))
        }
        var total = [Double](repeating: 0, count: recorded.completedSteps)
        for f in recorded.fleets { for m in total.indices { total[m] += f.energy[m] } }
        #expect(b.peak(.total).kW == total.max()! / 900 / 1000)
        #expect(b.peak(.total).step == total.firstIndex(of: total.max()!)!)
        // Two calendar years, split at local midnight of 1 January.
        #expect(b.years.map(\.year) == [2025, 2026])
        let newYear = recorded.clock.yearSpans[1].steps.lowerBound
        #expect(isoUTC(recorded.clock.time(newYear)) == "2025-12-31T23:00:00Z")
        #expect(b.kWh(.total, .year(0)) == total[0..<newYear].reduce(0, +) / 3.6e6)
    }
}

/// The clock computes calendar facts on demand; a window's facts are its parent's.
struct StepClockWindowTests {
    @Test func aWindowHasItsParentsFacts() throws {
        let berlin = try #require(Zone(identifier: "Europe/Berlin"))
        let clock = StepClock(from: .init(year: 2025, month: 3, day: 29), to: .init(year: 2025, month: 4, day: 1), step: 900, zone: berlin)
        let window = clock.window(90..<200)
        for i in 0..<window.count {
            #expect(window.time(i) == clock.time(90 + i))
            #expect(window.localSecondOfDay(i) == clock.localSecondOfDay(90 + i))
            #expect(window.localDay(i) == clock.localDay(90 + i))
            #expect(window.weekend(i) == clock.weekend(90 + i))
        }
        // 30 March 2025, 02:00 CET is 03:00 CEST: step 96 + 8 starts at local 03:00 of a Sunday.
        #expect(clock.localSecondOfDay(104) == 3 * 3600 && clock.weekend(104))
        #expect(clock.localSecondOfDay(103) == 3600 + 2700)
    }

    @Test func yearSpansSplitAtLocalNewYear() throws {
        let berlin = try #require(Zone(identifier: "Europe/Berlin"))
        let clock = StepClock(from: .init(year: 2024, month: 12, day: 31), to: .init(year: 2025, month: 1, day: 2), step: 3600, zone: berlin)
        #expect(clock.yearSpans.map(\.year) == [2024, 2025])
        #expect(clock.yearSpans.map(\.steps) == [0..<24, 24..<48])
        #expect(clock.perYear { Double($0) } == Array(repeating: 2024, count: 24) + Array(repeating: 2025, count: 24))
    }
}

/// The load-duration curve from a histogram, against a curve by hand.
struct LoadHistogramTests {
    @Test func theCurveFallsFromThePeakThroughEachBand() {
        var h = LoadHistogram()
        // 1 h steps at 10 kW (3 of them), 5 kW (1) and 0 kW (2).
        for kW in [10.0, 5, 10, 0, 10, 0] { h.add(kW) }
        let curve = h.curve(dt: 3600)
        #expect(curve.first! == (0, 10))
        #expect(curve.map(\.hours) == [0, 3, 4, 6])
        // Bands are 10 × 2 / 2048 kW wide: a band's steps sit at its upper edge, the top one at the peak.
        let width = 10.0 * 2 / 2048
        #expect(curve[1].kW == 10 && abs(curve[2].kW - (Double(Int(5 / width)) + 1) * width) < 1e-12 && curve[3].kW == width)
        #expect(h.maximum == 10 && h.steps == 6)
    }

    @Test func bandsWidenForAHigherPower() {
        var h = LoadHistogram()
        h.add(1)
        h.add(1000)
        let curve = h.curve(dt: 900)
        #expect(curve.first!.kW == 1000 && curve.last!.hours == 0.5)
        #expect(curve.count == 3)
    }
}
