import Foundation
import Testing
@testable import UrbanWattCore

/// `sessions.model: expected` against figures computed by hand, and against the drawn sessions it
/// stands for: the mean of many chargers' draws.
@Suite struct ExpectedSessionsTests {
    func charger(perDay: Double = 1, kWh: Double, sd: Double = 0, profile: Profile? = nil, smart: SmartCharging? = nil,
                 model: EVCharger.SessionModel = .expected) -> EVCharger {
        EVCharger(power: 11_000, standby: 0, sessionsPerDay: perDay, sessionEnergy: kWh * 3.6e6, sessionEnergySD: sd * 3.6e6,
                  startProfile: profile, smart: smart, model: model)
    }

    /// One 1-hour session a day starting uniformly over the day, hourly steps, three days: each hour
    /// charges 3600 s × (3600 s / 2) × 2 / 86,400 s = 150 s, except the very first (75 s: nothing
    /// from the day before), and the last day's sessions are cut at the period's end.
    @Test func uniformStartsChargeEachHourAFair24th() {
        let s = scenario([Fleet(name: "ev", count: YearMap(1), model: charger(kWh: 11))], to: .init(year: 2025, month: 1, day: 4), step: 3600)
        let e = Engine(scenario: s).record().fleets[0].energy
        #expect(e.count == 72)
        #expect(close(e[0], 11_000 * 75))
        for m in 1..<72 { #expect(close(e[m], 11_000 * 150), "step \(m): \(e[m] / 11_000) s") }
    }

    /// Every session starts in hour 18 and lasts half an hour: hour 18 charges 0.5 × 0.5 h + the
    /// integral of (1 h − s) for s from 0.5 to 1 h (0.125 h) = 0.375 h, hour 19 the other 0.125 h.
    @Test func aStartHourSpreadsOverTheHoursItsSessionsCover() {
        var hourly = Array(repeating: 0.0, count: 24)
        hourly[18] = 1
        let s = scenario([Fleet(name: "ev", count: YearMap(3), model: charger(perDay: 2, kWh: 5.5, profile: Profile(weekday: hourly)))],
                         to: .init(year: 2025, month: 1, day: 2), step: 3600)
        let e = Engine(scenario: s).record().fleets[0].energy
        let sessions = 3.0 * 2
        #expect(close(e[18], sessions * 11_000 * 0.375 * 3600))
        #expect(close(e[19], sessions * 11_000 * 0.125 * 3600))
        #expect(e.enumerated().allSatisfy { $0.offset == 18 || $0.offset == 19 || $0.element == 0 })
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

    /// The drawn model's sessions of 20,000 chargers over two months average to the expected model:
    /// the energy within three standard deviations of the session count (1 / √590,000 = 0.13 %),
    /// plain and smart (carbon peak in the evening, cheapest at night, 8 h window). Without smart
    /// charging, where chargers rarely queue (half a session a day of 0.7 h), each hour of the
    /// typical day is within 4 % wherever it carries a tenth of the peak (3 standard deviations of
    /// its sessions).
    ///
    /// Queues part the two in shape, not in energy. With smart charging a charger's deferred
    /// sessions all pick the same cheap instant and queue there in the drawn model: it moves up to
    /// 14 % of a night hour's load into the next; with 1.4 h of plain charging a day, up to 10 % of
    /// the late-evening load.
    @Test(arguments: [false, true])
    func drawnSessionsAverageToTheExpectedOnes(smart: Bool) {
        var hourly = Array(repeating: 300.0, count: 24)
        for h in 17..<22 { hourly[h] = 600 }
        for h in 0..<5 { hourly[h] = 200 }
        func run(_ model: EVCharger.SessionModel) -> [Double] {
            let c = charger(perDay: 0.5, kWh: 8, sd: 3, profile: BuiltinProfiles.named("evening"),
                            smart: smart ? SmartCharging(objective: .carbon, window: 8 * 3600) : nil, model: model)
            var s = scenario([Fleet(name: "ev", count: YearMap(20_000), model: c)], to: .init(year: 2025, month: 3, day: 2))
            s.grid = Grid(carbon: .hourly(Profile(weekday: hourly)))
            let e = Engine(scenario: s).record().fleets[0].energy
            var day = Array(repeating: 0.0, count: 24)
            for (m, joules) in e.enumerated() { day[(m / 4) % 24] += joules }
            return day
        }
        let drawn = run(.drawn), expected = run(.expected)
        let total = (drawn: drawn.reduce(0, +), expected: expected.reduce(0, +))
        #expect(abs(total.drawn - total.expected) / total.expected < 3 / 590_000.0.squareRoot(), "\(total)")
        let peak = expected.max()!
        for h in 0..<24 where !smart && expected[h] > 0.1 * peak {
            #expect(abs(drawn[h] - expected[h]) / expected[h] < 0.04, "hour \(h): drawn \(drawn[h] / 3.6e6) kWh, expected \(expected[h] / 3.6e6) kWh")
        }
    }

    /// Sessions arriving in hour 18 (1 h each, 8 h window) on a signal of 600 g/kWh from 17:00 to
    /// 22:00, 200 from 22:00 to midnight and 300 otherwise: hours 22 and 23 tie as the cheapest
    /// start, so half of the sessions charge in each. With a 3.5 h window only arrivals after 18:30
    /// reach 22:00: half the sessions move there, and the other half charge at once, 0.375 h of each
    /// in hour 18 and 0.125 h in hour 19 (the integrals of 1 − u and u over u in [0, 0.5)).
    @Test(arguments: [(8.0, [22: 0.5, 23: 0.5]), (3.5, [18: 0.375, 19: 0.125, 22: 0.5])])
    func smartChargersDeferExactlyTheSessionsThatGain(windowHours: Double, hours: [Int: Double]) {
        var start = Array(repeating: 0.0, count: 24)
        start[18] = 1
        var carbon = Array(repeating: 300.0, count: 24)
        for h in 17..<22 { carbon[h] = 600 }
        for h in 22..<24 { carbon[h] = 200 }
        let c = charger(perDay: 1, kWh: 11, profile: Profile(weekday: start), smart: SmartCharging(objective: .carbon, window: windowHours * 3600))
        var s = scenario([Fleet(name: "ev", count: YearMap(10), model: c)], to: .init(year: 2025, month: 1, day: 3), step: 3600)
        s.grid = Grid(carbon: .hourly(Profile(weekday: carbon)))
        let e = Engine(scenario: s).record().fleets[0].energy
        // The first day; the second one's window reaches past the period's end, so it stays at once.
        for h in 0..<24 { #expect(close(e[h], 10 * 11_000 * 3600 * (hours[h] ?? 0)), "hour \(h): \(e[h] / 3.6e6) kWh") }
    }

    /// Chargers busy more than half the day queue sessions, which the expected model leaves out: it
    /// refuses them, and says so where the model is chosen.
    @Test func busyChargersAreRefused() {
        #expect(charger(perDay: 2, kWh: 18).utilisation < EVCharger.maximumExpectedUtilisation)
        #expect(charger(perDay: 12, kWh: 11).utilisation == 0.5)
        #expect(charger(perDay: 13, kWh: 11).utilisation > EVCharger.maximumExpectedUtilisation)
    }
}
