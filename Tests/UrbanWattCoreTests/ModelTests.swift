import Foundation
import Testing
@testable import UrbanWattCore

@Suite struct LoRaTests {
    /// Semtech AN1200.13 / SX1276 datasheet: 12-byte PHY payload, 125 kHz, CR 4/5, 8 preamble symbols.
    @Test(arguments: [(7, 41.216), (8, 82.432), (9, 144.384), (10, 288.768), (11, 577.536), (12, 1155.072)])
    func timeOnAirMatchesThePublishedTable(sf: Int, milliseconds: Double) {
        let toa = LoRaModulation(spreadingFactor: sf).timeOnAir(phyPayload: 12) * 1000
        #expect(abs(toa - milliseconds) < 0.001)
        // The published table rounds to 0.1 ms: 41.2, 82.4, 144.4, 288.8, 577.5, 1155.
        #expect(abs(toa - milliseconds) < 0.05)
    }

    @Test func lowDataRateOptimisationStartsAtSF11() {
        #expect(!LoRaModulation(spreadingFactor: 10).lowDataRateOptimisation)
        #expect(LoRaModulation(spreadingFactor: 11).lowDataRateOptimisation)
    }
}

@Suite struct EARTHTests {
    @Test func macroCellDraws1344WAtFullLoad780WJustAboveZeroAnd450WAsleep() {
        let macro = BaseStation(preset: .macro, load: .constant(1))
        #expect(close(macro.power(load: 1), 1344))
        #expect(abs(macro.power(load: 1e-9) - 780) < 1e-6)
        #expect(close(macro.power(load: 0), 450))
    }

    /// micro 2 × (56 + 2.6 × 6.3), pico 2 × (6.8 + 4.0 × 0.13), femto 2 × (4.8 + 8.0 × 0.05).
    @Test(arguments: [(BaseStation.Preset.micro, 144.76), (.pico, 14.64), (.femto, 10.4)] as [(BaseStation.Preset, Double)])
    func smallerCellsAtFullLoad(preset: BaseStation.Preset, watts: Double) {
        #expect(close(BaseStation(preset: preset, load: .constant(1)).power(load: 1), watts))
    }

    @Test func aBaseStationFleetIntegratesItsLoad() {
        let f = Fleet(name: "bs", model: BaseStation(preset: .macro, load: .constant(1)))
        let r = Engine(scenario: scenario([f], step: 3600)).record()
        #expect(close(r.kWh(), 1.344 * 8760))
    }
}

@Suite struct SolarTests {
    /// Sunrise and sunset of the NOAA solar-calculator equations, as computed by the astral package
    /// (an independent implementation of the same NOAA algorithm), in UTC.
    @Test(arguments: [
        (51.31, 9.48, CivilDate(year: 2025, month: 6, day: 21), "2025-06-21T03:06:10Z", "2025-06-21T19:41:43Z"),
        (51.31, 9.48, CivilDate(year: 2025, month: 12, day: 21), "2025-12-21T07:24:48Z", "2025-12-21T15:15:44Z"),
        (51.4769, 0.0, CivilDate(year: 2025, month: 3, day: 20), "2025-03-20T06:02:36Z", "2025-03-20T18:13:08Z"),
        (-0.18, -78.47, CivilDate(year: 2025, month: 9, day: 1), "2025-09-01T11:10:45Z", "2025-09-01T23:16:45Z"),
    ])
    func sunriseAndSunsetWithinAMinuteOfNOAA(lat: Double, lon: Double, date: CivilDate, rise: String, set: String) throws {
        guard case .interval(let r, let s) = Solar(latitude: lat, longitude: lon).daylight(onDay: date.daysSinceEpoch) else {
            Issue.record("expected a sunrise and a sunset")
            return
        }
        #expect(abs(r - seconds(rise)) < 60)
        #expect(abs(s - seconds(set)) < 60)
    }

    func seconds(_ iso: String) -> Double {
        let date = CivilDate(iso: String(iso.prefix(10)))!
        let parts = iso.dropFirst(11).dropLast().split(separator: ":").map { Double($0)! }
        return Double(date.daysSinceEpoch) * 86_400 + parts[0] * 3600 + parts[1] * 60 + parts[2]
    }

    @Test func tromsoHasPolarDayInJuneAndPolarNightInDecember() {
        let tromso = Solar(latitude: 69.65, longitude: 18.96)
        #expect(tromso.daylight(onDay: CivilDate(year: 2025, month: 6, day: 21).daysSinceEpoch) == .polarDay)
        #expect(tromso.daylight(onDay: CivilDate(year: 2025, month: 12, day: 21).daysSinceEpoch) == .polarNight)
    }

    @Test func streetLightsInTromsoAreOffAllJuneAndOnAllDecember() {
        let light = Fleet(name: "l", model: Streetlight(power: 100))
        let loc = Location(latitude: 69.65, longitude: 18.96)
        let june = Engine(scenario: scenario([light], from: .init(year: 2025, month: 6, day: 10), to: .init(year: 2025, month: 6, day: 20), location: loc))
            .record()
        let december = Engine(
            scenario: scenario([light], from: .init(year: 2025, month: 12, day: 10), to: .init(year: 2025, month: 12, day: 20), location: loc)
        ).record()
        #expect(june.kWh() == 0)
        #expect(close(december.kWh(), 0.1 * 24 * 10))
    }

    @Test func aLightIsOnFromSunsetToSunriseIntegratedOverSteps() throws {
        // Kassel, 21 June 2025 (UTC day): dark from 00:00 to sunrise and from sunset to 24:00,
        // whatever the step length (the sun is integrated, not sampled).
        let loc = Location(latitude: 51.31, longitude: 9.48)
        guard
            case .interval(let rise, let set) = Solar(latitude: 51.31, longitude: 9.48).daylight(onDay: CivilDate(year: 2025, month: 6, day: 21).daysSinceEpoch)
        else { throw CancellationError() }
        let day = Double(CivilDate(year: 2025, month: 6, day: 21).daysSinceEpoch) * 86_400
        let darkHours = ((rise - day) + (day + 86_400 - set)) / 3600
        for step: Int64 in [900, 3600, 7200] {
            let light = Fleet(name: "l", model: Streetlight(power: 1000))
            let r = Engine(
                scenario: scenario([light], from: .init(year: 2025, month: 6, day: 21), to: .init(year: 2025, month: 6, day: 22), step: step, location: loc)
            ).record()
            #expect(abs(r.kWh() - darkHours) < 1e-6)
        }
    }

    @Test func aDaylightSavingDayHas23HoursAndItsWindowsFollowTheLocalClock() throws {
        // Berlin, 30 March 2025: local midnight to midnight is 23:00Z to 22:00Z, 92 quarter hours.
        // A 00:00–05:00 local window is then only 4 real hours long (02:00 does not exist).
        let berlin = try #require(Zone(identifier: "Europe/Berlin"))
        let day = CivilDate(year: 2025, month: 3, day: 30)
        let start = Double(berlin.startOfDay(day)), end = start + 23 * 3600
        guard case .interval(let rise, let set) = Solar(latitude: 51.31, longitude: 9.48).daylight(onDay: day.daysSinceEpoch)
        else { throw CancellationError() }
        let dark = ((rise - start) + (end - set)) / 3600
        let loc = Location(latitude: 51.31, longitude: 9.48)
        let plain = Engine(
            scenario: scenario(
                [Fleet(name: "l", model: Streetlight(power: 1000))], from: day,
                to: .init(year: 2025, month: 3, day: 31), zone: berlin, location: loc)
        ).record()
        #expect(plain.clock.count == 92)
        #expect(abs(plain.kWh() - dark) < 1e-6)
        let dimmed = Fleet(name: "l", model: Streetlight(power: 1000, dimming: .windows([DimmingWindow(start: 0, end: 5 * 3600, level: 0.5)])))
        let r = Engine(scenario: scenario([dimmed], from: day, to: .init(year: 2025, month: 3, day: 31), zone: berlin, location: loc)).record()
        #expect(abs(r.kWh() - (dark - 0.5 * 4)) < 1e-6)
    }

    /// Fleets of a chunk share their dark hours when place, threshold and dimming agree, and only
    /// then: a dimmed, an undimmed and a twilight-switched fleet together give what each gives alone.
    @Test func streetLightsShareTheSunOnlyWhenTheyAgree() throws {
        let berlin = try #require(Zone(identifier: "Europe/Berlin"))
        let loc = Location(latitude: 51.31, longitude: 9.48)
        let fleets = [
            Fleet(name: "a", model: Streetlight(power: 100)),
            Fleet(name: "b", model: Streetlight(power: 100, dimming: .windows([DimmingWindow(start: 23 * 3600, end: 5 * 3600, level: 0.5)]))),
            Fleet(name: "c", model: Streetlight(power: 100, onBelow: -6)),
            Fleet(name: "d", model: Streetlight(power: 100)),
        ]
        func run(_ f: [Fleet]) -> Recording {
            Engine(scenario: scenario(f, from: .init(year: 2025, month: 3, day: 1), to: .init(year: 2025, month: 4, day: 1), zone: berlin, location: loc))
                .record()
        }
        let together = run(fleets)
        for (i, f) in fleets.enumerated() { #expect(together.fleets[i].energy == run([f]).fleets[0].energy, "\(f.name)") }
        #expect(together.kWh(0) > together.kWh(1) && together.kWh(2) < together.kWh(0) && together.kWh(3) == together.kWh(0))
    }

    /// After the clocks go forward, 3-hour steps start at 01:00, 04:00 … 22:00 local, and the
    /// 22:00 step runs to 01:00 the next day. Its last hour takes the next day's profile: from
    /// Friday into Saturday, two hours at the weekday level 1 and one at the weekend level 0.5
    /// (it took the weekday level for all three). Tromsø in April is dark from 22:00 to 01:00.
    @Test func aStepAcrossLocalMidnightTakesTheNextDaysProfile() throws {
        let oslo = try #require(Zone(identifier: "Europe/Oslo"))
        let clock = StepClock(from: .init(year: 2025, month: 3, day: 28), to: .init(year: 2025, month: 4, day: 8), step: 3 * 3600, zone: oslo)
        let profile = Profile(weekday: Array(repeating: 1, count: 24), weekend: Array(repeating: 0.5, count: 24))
        let series = DarkHours.series(solar: Solar(latitude: 69.65, longitude: 18.96), dimming: .adaptive(profileName: "p", profile, minimum: 0), clock: clock)
        func step(_ day: Int, at hour: Int) throws -> Double {
            let local = CivilDate(year: 2025, month: 4, day: day).daysSinceEpoch
            let m = try #require((0..<clock.count).first { clock.localDay($0) == local && clock.localSecondOfDay($0) == hour * 3600 })
            return series[m]
        }
        #expect(abs(try step(4, at: 22) - 2.5 / 3) < 1e-12, "Friday into Saturday")
        #expect(abs(try step(5, at: 22) - 0.5) < 1e-12, "Saturday into Sunday")
        #expect(abs(try step(6, at: 22) - 2.0 / 3) < 1e-12, "Sunday into Monday")
    }

    @Test func dimmingWindowsApplyInLocalTime() throws {
        // Polar night in Tromsø: on all day; 50 % from 23:00 to 05:00 local (Europe/Oslo, UTC+1 in December).
        let oslo = try #require(Zone(identifier: "Europe/Oslo"))
        let light = Fleet(
            name: "l", model: Streetlight(power: 100, controller: 2, dimming: .windows([DimmingWindow(start: 23 * 3600, end: 5 * 3600, level: 0.5)])))
        let r = Engine(
            scenario: scenario(
                [light], from: .init(year: 2025, month: 12, day: 10), to: .init(year: 2025, month: 12, day: 11), zone: oslo,
                location: Location(latitude: 69.65, longitude: 18.96))
        ).record()
        let expected: Double = (100 * 18 + 50 * 6 + 2 * 24) / 1000
        #expect(close(r.kWh(), expected))
    }
}

@Suite struct EVChargerTests {
    func chargers(count: Double = 200, sd: Double = 0) -> Scenario {
        let charger = EVCharger(
            power: 11_000, standby: 5, sessionsPerDay: 2, sessionEnergy: 18 * 3.6e6, sessionEnergySD: sd,
            startProfile: BuiltinProfiles.named("evening"), startProfileName: "evening")
        return scenario([Fleet(name: "ev", count: YearMap(count), model: charger)])
    }

    /// 200 chargers × Poisson(2) sessions a day × 18 kWh × 365 days charge C = 2,628,000 kWh, and stand
    /// by at 5 W for the rest of their 1,752,000 charger-hours: 5 W × (1,752,000 h − C / 11 kW) =
    /// 7,565.5 kWh, 2,635,565.5 kWh in all. The session count is Poisson with mean 146,000: its
    /// relative standard deviation is 1 / √146,000 = 0.26 %, so three of them bound the figure.
    @Test func annualEnergyIsChargersTimesSessionsTimesEnergyTimesDays() {
        let r = Engine(scenario: chargers()).record()
        let charging = 200.0 * 2 * 18 * 365
        let expected = charging + 0.005 * (200 * 8760 - charging / 11)
        #expect(abs(r.kWh() - expected) / expected < 3 / 146_000.0.squareRoot(), "\(r.kWh()) kWh")
    }

    @Test func sessionsNeverOverlapAndStandbyIsCounted() {
        // One charger: at no step can it charge more than the step's length.
        let r = Engine(scenario: chargers(count: 1, sd: 6 * 3.6e6)).record()
        let perStepMax = 11_000.0 * 900
        #expect(r.fleets[0].energy.allSatisfy { $0 <= perStepMax + 1e-6 })
        // A charger that never charges draws its standby power.
        let idle = EVCharger(power: 11_000, standby: 5, sessionsPerDay: 0, sessionEnergy: 1)
        let i = Engine(scenario: scenario([Fleet(name: "ev", count: YearMap(10), model: idle)])).record()
        #expect(close(i.kWh(), 10 * 5 * 8.76))
    }

    @Test func smartChargersMoveSessionsToCleanerHoursWithoutOverlap() {
        // Evening sessions and an evening carbon peak: deferring by up to 10 h cuts the carbon.
        var hourly = Array(repeating: 300.0, count: 24)
        for h in 16..<22 { hourly[h] = 600 }
        let grid = Grid(carbon: .hourly(Profile(weekday: hourly)))
        func run(_ smart: SmartCharging?) -> (kWh: Double, kg: Double, result: Recording) {
            let charger = EVCharger(
                power: 11_000, standby: 0, sessionsPerDay: 1, sessionEnergy: 15 * 3.6e6,
                startProfile: BuiltinProfiles.named("evening"), smart: smart)
            var s = scenario([Fleet(name: "ev", count: YearMap(20), model: charger)], to: .init(year: 2025, month: 3, day: 1))
            s.grid = grid
            let r = Engine(scenario: s).record()
            let carbon = grid.carbon!.series(on: r.clock)
            let kg = zip(r.fleets[0].energy, carbon).reduce(0) { $0 + $1.0 / 3.6e6 * $1.1 / 1000 }
            return (r.kWh(), kg, r)
        }
        let dumb = run(nil), smart = run(SmartCharging(objective: .carbon, window: 10 * 3600))
        #expect(smart.kg < 0.8 * dumb.kg)
        #expect(abs(smart.kWh - dumb.kWh) / dumb.kWh < 0.01)
        let one = run(SmartCharging(objective: .carbon, window: 10 * 3600))
        #expect(one.result.fleets[0].energy.allSatisfy { $0 <= 20 * 11_000 * 900 + 1e-6 })
    }

    /// 200 chargers with evening sessions over two months, plain and smart (8 h window) on `carbon`.
    static func smartAndPlain(_ carbon: GridSignal) -> (plain: [Double], smart: [Double]) {
        func run(_ smart: SmartCharging?) -> [Double] {
            let charger = EVCharger(
                power: 11_000, standby: 0, sessionsPerDay: 1, sessionEnergy: 15 * 3.6e6,
                startProfile: BuiltinProfiles.named("evening"), smart: smart)
            var s = scenario(
                [Fleet(name: "ev", count: YearMap(200), model: charger)],
                from: .init(year: 2025, month: 11, day: 1), to: .init(year: 2026, month: 1, day: 1))
            s.grid = Grid(carbon: carbon)
            return Engine(scenario: s).record().fleets[0].energy
        }
        return (run(nil), run(SmartCharging(objective: .carbon, window: 8 * 3600)))
    }

    /// A flat signal, and one that only trends (380 g/kWh falling to 300 over the next year: 0.07 %
    /// in 8 h), offer no real saving: no session moves, so the load and its peak are the plain ones,
    /// with no pile-up at the end of the period (New Year).
    @Test(arguments: [GridSignal.yearly(YearMap(380)), .yearly(YearMap(points: [(2025, 380), (2026, 300)]))])
    func smartChargingMovesNothingOnAFlatOrTrendingSignal(_ carbon: GridSignal) {
        let r = Self.smartAndPlain(carbon)
        #expect(r.smart == r.plain)
    }

    /// Night hours that tie (a plateau of 250 g/kWh from 0:00 to 6:00) share the deferred sessions:
    /// the smart peak stays below what piling them onto midnight would give, and the carbon falls.
    @Test func tiedHoursShareTheDeferredSessions() {
        var hourly = Array(repeating: 400.0, count: 24)
        for h in 0..<6 { hourly[h] = 250 }
        for h in 17..<22 { hourly[h] = 600 }
        let r = Self.smartAndPlain(.hourly(Profile(weekday: hourly)))
        let peak = { (e: [Double]) in e.max()! / 900 / 1000 }
        // Sessions that all took the first tied step (midnight) peaked at 2.6 × the plain peak here
        // (1,209 kW against 461 kW); spread over the plateau they stay below 1.75 × (752 kW).
        #expect(peak(r.smart) < 1.75 * peak(r.plain), "smart peak \(peak(r.smart)) kW, plain \(peak(r.plain)) kW")
        func kg(_ e: [Double]) -> Double {
            var sum = 0.0
            for (m, joules) in e.enumerated() { sum += joules / 3.6e6 * hourly[(m / 4) % 24] / 1000 }
            return sum
        }
        #expect(kg(r.smart) < 0.85 * kg(r.plain))
        let plainKWh: Double = r.plain.reduce(0, +), smartKWh: Double = r.smart.reduce(0, +)
        #expect(abs(smartKWh - plainKWh) / plainKWh < 0.01)
    }
}
