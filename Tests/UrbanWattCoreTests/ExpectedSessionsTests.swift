import Foundation
import Testing
@testable import UrbanWattCore

/// `sessions.model: expected` against figures computed by hand, and against the drawn sessions it
/// stands for: the mean of many chargers' draws, queues included.
@Suite struct ExpectedSessionsTests {
    func charger(perDay: Double = 1, kWh: Double, sd: Double = 0, profile: Profile? = nil, model: EVCharger.SessionModel = .expected) -> EVCharger {
        EVCharger(
            power: 11_000, standby: 0, sessionsPerDay: perDay, sessionEnergy: kWh * 3.6e6, sessionEnergySD: sd * 3.6e6,
            startProfile: profile, model: model)
    }

    /// Every session starts in hour 18 and lasts half an hour, so rarely (10^-4 a day) that none
    /// waits: hour 18 charges 0.5 × 0.5 h + the integral of (1 h − s) for s from 0.5 to 1 h
    /// (0.125 h) = 0.375 h a session, hour 19 the other 0.125 h. The half-hour grid of ticks gives
    /// the same: a session arriving in a tick charges 15 min of it on average and 15 of the next.
    @Test func aStartHourSpreadsOverTheHoursItsSessionsCover() {
        var hourly = Array(repeating: 0.0, count: 24)
        hourly[18] = 1
        let s = scenario(
            [Fleet(name: "ev", count: YearMap(1000), model: charger(perDay: 1e-4, kWh: 5.5, profile: Profile(weekday: hourly)))],
            to: .init(year: 2025, month: 1, day: 2), step: 3600)
        let e = Engine(scenario: s).record().fleets[0].energy
        let sessions = 1000 * 1e-4
        #expect(abs(e[18] / (sessions * 11_000 * 0.375 * 3600) - 1) < 1e-4, "\(e[18] / 11_000 / 3600 / sessions) h")
        #expect(abs(e[19] / (sessions * 11_000 * 0.125 * 3600) - 1) < 1e-3, "\(e[19] / 11_000 / 3600 / sessions) h")
        #expect(e.enumerated().allSatisfy { $0.offset == 18 || $0.offset == 19 || $0.element == 0 })
    }

    /// Queues move charging later, never away: what the fleet charged plus the work still queued
    /// at the period's end is every session's energy, 300 chargers × 3 a day × 12 kWh × 10 days =
    /// 108,000 kWh (at 11 kW), to rounding, with an energy spread, a growing fleet and a peaked profile.
    /// A shrinking fleet keeps its queued work: chargers that retire finish what they had, as a
    /// drawn session in progress does. 600 chargers for five days, then 300, then 100: charged +
    /// queued is still every session's energy (before, the retired chargers' queues were lost).
    @Test func aShrinkingFleetKeepsItsQueuedWork() {
        let c = charger(perDay: 3, kWh: 12, sd: 4, profile: BuiltinProfiles.named("evening"))
        let clock = StepClock(from: .init(year: 2025, month: 1, day: 1), to: .init(year: 2025, month: 1, day: 11), step: 900, zone: .utc)
        var sessions = ExpectedSessions(charger: c, clock: clock)
        var charged = 0.0
        // Retiring in the evening rush, when queues are longest.
        func chargers(_ m: Int) -> Double { m < 5 * 96 + 76 ? 600 : m < 8 * 96 + 80 ? 300 : 100 }
        sessions.spread(before: .infinity, weight: chargers) { _, seconds in charged += seconds }
        let days = (0..<10).reduce(0.0) { $0 + chargers($1 * 96) }
        let z = 3.0
        let mean = 12 * 0.5 * erfc(-z / 2.0.squareRoot()) + 4 * exp(-z * z / 2) / (2 * Double.pi).squareRoot()
        let expected = days * 3 * mean / 11 * 3600
        #expect(
            abs((charged + sessions.remainingWork) / expected - 1) < 1e-9, "\(charged) s charged, \(sessions.remainingWork) s queued, \(expected) s arrived")
    }

    @Test func chargedAndQueuedWorkIsEverySessionsEnergy() {
        let c = charger(perDay: 3, kWh: 12, sd: 4, profile: BuiltinProfiles.named("evening"))
        let clock = StepClock(from: .init(year: 2025, month: 1, day: 1), to: .init(year: 2025, month: 1, day: 11), step: 900, zone: .utc)
        var sessions = ExpectedSessions(charger: c, clock: clock)
        var charged = 0.0
        var days = 0.0
        sessions.spread(
            before: .infinity,
            weight: { m in
                // 300 chargers the first five days, 600 after: the day's sessions follow its chargers.
                m < 5 * 96 ? 300 : 600
            }
        ) { _, seconds in charged += seconds }
        for d in 0..<10 { days += d < 5 ? 300 : 600 }
        // Every session's energy: the truncated normal's mean, 12 kWh × Φ(3) + 4 kWh × φ(3).
        let z = 3.0
        let mean = 12 * 0.5 * erfc(-z / 2.0.squareRoot()) + 4 * exp(-z * z / 2) / (2 * Double.pi).squareRoot()
        let expected = days * 3 * mean / 11 * 3600
        #expect(
            abs((charged + sessions.remainingWork) / expected - 1) < 1e-9, "\(charged) s charged, \(sessions.remainingWork) s queued, \(expected) s arrived")
        #expect(sessions.remainingWork > 0)
    }

    /// The energy bins keep the mean of max(0, normal(μ, σ)) exactly: μ Φ(μ/σ) + σ φ(μ/σ), which is
    /// 18.0764 kWh for 18 ± 9 kWh (18 × 0.97725 + 9 × 0.053991: the cut-off at zero adds 0.08 kWh).
    @Test(arguments: [(18.0, 6.0), (18.0, 9.0), (5.0, 20.0), (40.0, 0.0)])
    func energyBinsKeepTheTruncatedNormalMean(mean: Double, sd: Double) {
        let bins = ExpectedSessions.bins(mean: mean, sd: sd, power: 1)
        let p = bins.reduce(0) { $0 + $1.p }, m = bins.reduce(0) { $0 + $1.p * $1.duration }
        let z = sd > 0 ? mean / sd : .infinity
        let phi = sd > 0 ? exp(-z * z / 2) / (2 * Double.pi).squareRoot() : 0
        let expected = mean * 0.5 * erfc(-z / 2.0.squareRoot()) + sd * phi
        #expect(abs(p - 1) < 1e-12)
        #expect(abs(m - expected) < 1e-12 * expected, "\(m) against \(expected)")
        if (mean, sd) == (18, 9) { #expect(abs(m - 18.0764) < 1e-4) }
    }

    /// 10,000 drawn chargers over two months against the expected model, at the busiest chargers it
    /// accepts (2.4 sessions of 18 kWh a day at 11 kW: 3.9 h) and at quieter ones: the energy within
    /// three standard deviations of the session count, and each hour of the typical day within 3 %
    /// where it carries a quarter of the peak and within 9 % where it carries a tenth. Without the
    /// queue (each session charging at its arrival) the busy fleet's evening peak hour came out 12 %
    /// too high and the hour after midnight 38 % too low.
    @Test(arguments: [(2.4, 18.0), (1.0, 11.0)])
    func drawnSessionsAverageToTheExpectedOnes(perDay: Double, kWh: Double) {
        func run(_ model: EVCharger.SessionModel) -> [Double] {
            let c = charger(perDay: perDay, kWh: kWh, profile: BuiltinProfiles.named("evening"), model: model)
            let s = scenario([Fleet(name: "ev", count: YearMap(10_000), model: c)], to: .init(year: 2025, month: 3, day: 2))
            let e = Engine(scenario: s).record().fleets[0].energy
            var day = Array(repeating: 0.0, count: 24)
            for (m, joules) in e.enumerated() { day[(m / 4) % 24] += joules }
            return day
        }
        let drawn = run(.drawn), expected = run(.expected)
        let sessions = 10_000 * perDay * 59
        let total = (drawn: drawn.reduce(0, +), expected: expected.reduce(0, +))
        #expect(abs(total.drawn - total.expected) / total.expected < 3 / sessions.squareRoot(), "\(total)")
        let peak = expected.max()!
        for h in 0..<24 where expected[h] > 0.1 * peak {
            let bound = expected[h] > 0.25 * peak ? 0.03 : 0.09
            #expect(abs(drawn[h] - expected[h]) / expected[h] < bound, "hour \(h): drawn \(drawn[h] / 3.6e6) kWh, expected \(expected[h] / 3.6e6) kWh")
        }
    }

    /// Chargers busy more than 4 h a day queue longer than the expected model was checked for: it
    /// refuses them (and smart charging, `MalformedScenarioTests`), where the model is chosen.
    @Test func busyChargersAreRefused() {
        #expect(charger(perDay: 2, kWh: 18).utilisation < EVCharger.maximumExpectedUtilisation)
        #expect(charger(perDay: 4, kWh: 11).utilisation == EVCharger.maximumExpectedUtilisation)
        #expect(charger(perDay: 5, kWh: 11).utilisation > EVCharger.maximumExpectedUtilisation)
    }
}
