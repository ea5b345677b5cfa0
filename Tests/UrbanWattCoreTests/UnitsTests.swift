import Testing
@testable import UrbanWattCore

@Suite struct QuantityParserTests {
    @Test(arguments: [
        ("150 W", Dimension.power, 150.0), ("5 µW", .power, 5e-6), ("11 kW", .power, 11_000), ("3.2W", .power, 3.2),
        ("19 Wh", .energy, 68_400), ("18 kWh", .energy, 64_800_000), ("44 mA", .current, 0.044), ("3.3 V", .voltage, 3.3),
        ("15 min", .duration, 900), ("2 years", .duration, 63_115_200), ("2 kg CO2e", .mass, 2), ("0.5 t", .mass, 500), ("80 g", .mass, 0.08),
        ("11 B", .data, 11), ("1 GB", .data, 1e9),
        ("0.06 kWh/GB", .intensity, 2.16e-4), ("6658 nJ/bit", .intensity, 5.3264e-5), ("380 g/kWh", .carbon, 380),
        ("50%", .fraction, 0.5), ("0.5", .fraction, 0.5), ("1e3", .power, 1000), ("125 kHz", .frequency, 125_000),
    ])
    func readsQuantitiesInCanonicalUnits(text: String, dimension: Dimension, expected: Double) throws {
        let value = try QuantityParser.parse(text, as: dimension).get()
        #expect(close(value, expected, relative: 1e-12))
    }

    @Test func aUnitOfAnotherDimensionIsNamed() {
        #expect(QuantityParser.parse("150 V", as: .power) == .failure(.unknownUnit("V", .voltage)))
        #expect(QuantityParser.parse("W", as: .power) == .failure(.notANumber))
        #expect(QuantityParser.parse("12 parsecs", as: .duration) == .failure(.unknownUnit("parsecs", nil)))
    }

    @Test func pricesCarryTheirCurrency() throws {
        let p = try #require(QuantityParser.parsePrice("0.30 EUR/kWh"))
        #expect(p.currency == "EUR")
        #expect(close(p.perJoule * 3.6e6, 0.30))
        #expect(QuantityParser.parsePrice("0.30 euro") == nil)
    }
}

@Suite struct CalendarTests {
    @Test func civilDatesRoundTripAndKnowTheirWeekday() {
        let d = CivilDate(year: 2024, month: 2, day: 29)
        #expect(CivilDate(daysSinceEpoch: d.daysSinceEpoch) == d)
        #expect(CivilDate(year: 1970, month: 1, day: 1).daysSinceEpoch == 0)
        #expect(CivilDate(year: 2025, month: 1, day: 1).isoWeekday == 3) // a Wednesday
        #expect(CivilDate(iso: "2025-02-29") == nil)
        #expect(CivilDate(iso: "2024-02-29") == d)
        #expect(isoUTC(1_735_690_500) == "2025-01-01T00:15:00Z")
    }

    @Test func daylightSavingDaysHaveFewerOrMoreQuarterHours() throws {
        let berlin = try #require(Zone(identifier: "Europe/Berlin"))
        let spring = StepClock(from: .init(year: 2025, month: 3, day: 30), to: .init(year: 2025, month: 3, day: 31), step: 900, zone: berlin)
        let autumn = StepClock(from: .init(year: 2025, month: 10, day: 26), to: .init(year: 2025, month: 10, day: 27), step: 900, zone: berlin)
        #expect(spring.count == 92)
        #expect(autumn.count == 100)
        // Local time jumps from 02:00 to 03:00 on the spring day.
        #expect(spring.localSecondOfDay(8) == 3 * 3600)
        #expect(isoUTC(spring.start) == "2025-03-29T23:00:00Z")
    }

    /// The clock asks the zone at its announced transitions only; that must find every offset change
    /// that asking at every quarter hour finds: daylight saving started and abolished, half-hour
    /// saving, standard offsets moved, a zone without any.
    @Test(arguments: [
        "Europe/Berlin", "America/Sao_Paulo", "Asia/Tehran", "Australia/Lord_Howe", "Europe/Moscow", "Asia/Kolkata",
        "Pacific/Apia", "America/Santiago", "UTC",
    ])
    func offsetsAtTransitionsEqualOffsetsAtEveryQuarterHour(_ identifier: String) throws {
        let zone = try #require(Zone(identifier: identifier))
        let from = zone.startOfDay(CivilDate(year: 2005, month: 1, day: 1)), to = zone.startOfDay(CivilDate(year: 2041, month: 1, day: 1))
        var sampled = [(from: from, offset: zone.offset(at: from))]
        var t = from + 900 - floorMod(from, 900)
        while t < to {
            let o = zone.offset(at: t)
            if o != sampled[sampled.count - 1].offset { sampled.append((t, o)) }
            t += 900
        }
        let fast = StepClock.offsets(zone, from: from, to: to)
        #expect(fast.map(\.from) == sampled.map(\.from))
        #expect(fast.map(\.offset) == sampled.map(\.offset))
        #expect(sampled.count > 1 || identifier == "UTC" || identifier == "Asia/Kolkata")
    }

    @Test func aLeapYearHas366Days() {
        let clock = StepClock(from: .init(year: 2024, month: 1, day: 1), to: .init(year: 2025, month: 1, day: 1), step: 900, zone: .utc)
        #expect(clock.count == 366 * 96)
        #expect(clock.years == [2024])
    }

    @Test func yearMapsAreLinearBetweenFirstOfJanuary() {
        let map = YearMap(points: [(2025, 500), (2030, 4000)])
        let t2026 = Zone.utc.startOfDay(.init(year: 2026, month: 1, day: 1))
        // Linear in time: 365 of the 1826 days from 2025-01-01 to 2030-01-01 (2028 is a leap year).
        #expect(close(map.value(at: t2026, zone: .utc), 500 + 3500 * 365 / 1826))
        #expect(map.value(at: 0, zone: .utc) == 500)
        #expect(map.value(at: Zone.utc.startOfDay(.init(year: 2031, month: 6, day: 1)), zone: .utc) == 4000)
    }

    @Test func profilesAverageOverTheStep() {
        var hours = Array(repeating: 0.0, count: 24)
        hours[1] = 1
        let p = Profile(weekday: hours)
        #expect(p.mean(from: 0, duration: 7200, weekend: false) == 0.5)
        #expect(p.mean(from: 3600 + 900, duration: 900, weekend: false) == 1)
        #expect(p.mean(from: 2700, duration: 1800, weekend: false) == 0.5)
    }

    @Test func efficiencyCompoundsPerCalendarYear() {
        let e = Efficiency(perYear: 0.03, from: 2025)
        #expect(e.factor(year: 2025) == 1)
        #expect(close(e.factor(year: 2027), 0.97 * 0.97))
        #expect(e.factor(year: 2020) == 1)
    }
}

@Suite struct RandomStreamTests {
    @Test func drawsDependOnlyOnTheirKey() {
        let a = NodeRandom(seed: 7, fleet: "parking", node: 17, purpose: .phase)
        let b = NodeRandom(seed: 7, fleet: "parking", node: 17, purpose: .phase)
        let c = NodeRandom(seed: 7, fleet: "parking", node: 18, purpose: .phase)
        #expect(a.unit(3) == b.unit(3))
        #expect(a.unit(0) != c.unit(0))
        #expect(NodeRandom.fnv1a("a") == 0xAF63_DC4C_8601_EC8C) // published FNV-1a test vector
    }

    @Test func uniformDrawsHaveTheRightMean() {
        let r = NodeRandom(seed: 1, fleet: "x", node: 0, purpose: .parameter)
        let mean = (0..<100_000).reduce(0.0) { $0 + r.unit(UInt64($1)) } / 100_000
        #expect(abs(mean - 0.5) < 0.005)
    }

    @Test func poissonCountsHaveTheRightMean() {
        var s = RandomSequence(NodeRandom(seed: 3, fleet: "ev", node: 0, purpose: .chargerDay))
        let mean = Double((0..<50_000).reduce(0) { acc, _ in acc + s.poisson(2) }) / 50_000
        #expect(abs(mean - 2) < 0.03)
    }
}
