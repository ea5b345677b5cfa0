import Foundation
import Testing
@testable import UrbanWattCore
@testable import UrbanWattResults
import UrbanWattScenario

/// Issue 23, item 3: a fleet that moves. Ten buses on a Monday, half of them driving at any hour
/// (10 W on board while driving, 1 W asleep when parked), one report of 100 B every 30 s while
/// driving. In the morning (00–12 h) the whole fleet is in the centre; in the afternoon a quarter
/// is there and three quarters in the north. Each district's macro base station (EARTH: 6 × (130 W
/// + 4.7 × 20 W × load)) has a load of 10 % and carries 1,000 B/s at full load, so the buses'
/// traffic adds to it.
///
/// By hand: a bus draws 0.5 × 10 + 0.5 × 1 = 5.5 W, the fleet 55 W, 1,320 Wh a day: the centre
/// 12 h × 55 W + 12 h × 13.75 W = 825 Wh, the north 12 h × 41.25 W = 495 Wh. A bus reports 0.5 / 30 s,
/// 60 an hour; the fleet 600 an hour, 14,400 a day: 9,000 through the centre (12 × 600 + 12 ×
/// 150) and 5,400 through the north (12 × 450). The centre's station carries 60,000 B an hour in
/// the morning (load 0.1 + 16.67 / 1,000) and 15,000 B in the afternoon: 12 × (780 + 564 ×
/// 0.116667) + 12 × (780 + 564 × 0.104167) = 20,214.6 Wh; the north's none in the morning and
/// 45,000 B an hour after: 12 × (780 + 56.4) + 12 × (780 + 564 × 0.1125) = 20,158.2 Wh.
struct VehicleTests {
    static func scenario(
        vehicle: String = "", period: String = "{start: 2025-01-06, end: 2025-01-07, step: 1 h}",
        presence: String = "{centre: morning-centre, north: afternoon-north}",
        via: String = "{centre: bs-centre, north: bs-north}"
    ) -> String {
        """
        urbanwatt: 1
        name: buses
        period: \(period)
        location: {latitude: 52.5, longitude: 13.4, timezone: UTC}
        grid: {carbon_intensity: 300 g/kWh}
        profiles:
          morning-centre: {weekday: [1,1,1,1,1,1,1,1,1,1,1,1, 0.25,0.25,0.25,0.25,0.25,0.25,0.25,0.25,0.25,0.25,0.25,0.25], weekend: [0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5, 0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5]}
          afternoon-north: {weekday: [0,0,0,0,0,0,0,0,0,0,0,0, 0.75,0.75,0.75,0.75,0.75,0.75,0.75,0.75,0.75,0.75,0.75,0.75], weekend: [0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5, 0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5]}
          weekdays-only: {weekday: [0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5, 0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5], weekend: [0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0]}
        districts: [centre, north]
        fleets:
          - {name: bs-centre, kind: base-station, district: centre, load: 10%, capacity: 8 kbit/s}
          - {name: bs-north, kind: base-station, district: north, load: 10%, capacity: 8 kbit/s}
          - name: buses
            kind: vehicle
            count: 10
            drive: 50%
            power: 10 W
            sleep: 1 W
            uplink: {interval: 30 s, payload: 72 B, overhead: 28 B}
            presence: \(presence)
            via: \(via)
        \(vehicle)
        """
    }

    @Test func aBusFleetBetweenTwoDistrictsByHand() throws {
        let s = try summary(ofYAML: Self.scenario())
        func fleet(_ name: String) -> RunSummary.Fleet? { s.byFleet.first { $0.name == name } }
        expectClose(fleet("buses")?.figures.energyKWh, 1.32, "the buses")
        #expect(fleet("buses")?.district == "centre+north" && fleet("buses")?.uplinks == 14_400)
        #expect(fleet("bs-centre")?.uplinks == 9_000 && fleet("bs-north")?.uplinks == 5_400)
        #expect(fleet("bs-centre")?.bytes == 900_000 && fleet("bs-north")?.bytes == 540_000)
        expectClose(
            fleet("bs-centre")?.figures.energyKWh,
            12 * (780 + 564 * (0.1 + 60_000 / 3600 / 1000)) / 1000 + 12 * (780 + 564 * (0.1 + 15_000 / 3600 / 1000)) / 1000, "the centre's station")
        expectClose(
            fleet("bs-north")?.figures.energyKWh, 12 * (780 + 564 * 0.1) / 1000 + 12 * (780 + 564 * (0.1 + 45_000 / 3600 / 1000)) / 1000, "the north's station")
        let centre = try #require(s.byDistrict.first { $0.name == "centre" }?.value)
        let north = try #require(s.byDistrict.first { $0.name == "north" }?.value)
        expectClose(centre.energyKWh, 0.825 + (fleet("bs-centre")?.figures.energyKWh ?? 0), "the centre")
        expectClose(north.energyKWh, 0.495 + (fleet("bs-north")?.figures.energyKWh ?? 0), "the north")
        expectClose(centre.co2Kg, centre.energyKWh * 0.3, "the centre's CO2")
        // The ICT overhead and the balance by district split the buses the same way.
        expectClose(s.ict.byDistrict.first { $0.name == "centre" }?.value.energyKWh, centre.energyKWh, "ICT in the centre")
        expectClose(s.balance(district: "north")?.kWh.ictOverhead, north.energyKWh, "overhead in the north")
        expectClose(s.balance(district: "north")?.co2Kg?.ictOverhead, north.energyKWh * 0.3, "overhead CO2 in the north")
    }

    /// Hour by hour: each station receives its district's share of the reports (600, then 150 and 450).
    @Test func eachStationReceivesItsDistrictsReportsEachHour() throws {
        let scenario = try ScenarioDecoder.decode(Self.scenario(), file: "x.yaml")
        let r = Engine(scenario: scenario).record()
        #expect(r.fleets[0].messages == Array(repeating: 600, count: 12) + Array(repeating: 150, count: 12))
        #expect(r.fleets[1].messages == Array(repeating: 0, count: 12) + Array(repeating: 450, count: 12))
        #expect(r.fleets[2].messages.reduce(0, +) == 14_400)
    }

    /// On a Saturday the weekend rows hold: half of the fleet in each district, and nobody driving
    /// (`weekdays-only`), so a bus draws 20 % × 5 W awake + 80 % × 1 W asleep = 1.8 W, 432 Wh for the
    /// fleet, 216 Wh a district; parked, each bus reports once an hour, 240 reports, 120 a district.
    @Test func theWeekendHasItsOwnShares() throws {
        let text = Self.scenario(period: "{start: 2025-01-11, end: 2025-01-12, step: 1 h}")
            .replacingOccurrences(of: "drive: 50%", with: "drive: weekdays-only\n    idle: 5 W\n    idle_share: 20%")
            .replacingOccurrences(of: "uplink: {interval: 30 s,", with: "uplink: {interval: 30 s, parked: 1 h,")
        let s = try summary(ofYAML: text)
        expectClose(s.byFleet.first { $0.name == "buses" }?.figures.energyKWh, 0.432, "the parked buses")
        #expect(s.byFleet.first { $0.name == "bs-centre" }?.uplinks == 120 && s.byFleet.first { $0.name == "bs-north" }?.uplinks == 120)
        let stations = try #require(s.byFleet.first { $0.name == "bs-north" }?.figures.energyKWh)
        expectClose(s.byDistrict.first { $0.name == "north" }?.value.energyKWh, 0.216 + stations, "the north")
    }

    /// With `depot: north`, the parked half of the fleet stands in the north in the afternoon (three
    /// quarters of the fleet are there), and a quarter drives in each district: the centre draws
    /// 0.25 × 10 W, the north 0.25 × 10 W + 0.5 × 1 W of the fleet's 5.5 W a bus, so the buses'
    /// 1,320 Wh are 12 × 55 + 12 × 55 × 2.5 / 5.5 = 960 Wh in the centre and 360 Wh in the north. In
    /// the morning there is no bus in the north, and all park in the centre. Only driving buses
    /// report: 600 an hour in the centre in the morning, 300 in each district after.
    @Test func theDepotHoldsTheParkedBuses() throws {
        let s = try summary(ofYAML: Self.scenario().replacingOccurrences(of: "    sleep: 1 W\n", with: "    sleep: 1 W\n    depot: north\n"))
        func fleet(_ name: String) -> RunSummary.Fleet? { s.byFleet.first { $0.name == name } }
        #expect(fleet("bs-centre")?.uplinks == 10_800 && fleet("bs-north")?.uplinks == 3_600)
        expectClose(fleet("buses")?.figures.energyKWh, 1.32, "the buses")
        // EARTH macro: 6 × (130 W + 4.7 × 20 W × load) = 780 W + 564 W × load, 12 hours at each load.
        func station(_ morning: Double, _ afternoon: Double) -> Double {
            let w: (Double) -> Double = { bytesAnHour in 780 + 564 * (0.1 + bytesAnHour / 3600 / 1000) }
            return 12 * (w(morning) + w(afternoon))
        }
        let centre = station(60_000, 30_000), north = station(0, 30_000)
        expectClose(fleet("bs-centre")?.figures.energyKWh, centre / 1000, "the centre's station")
        expectClose(fleet("bs-north")?.figures.energyKWh, north / 1000, "the north's station")
        expectClose(s.byDistrict.first { $0.name == "centre" }?.value.energyKWh, 0.96 + centre / 1000, "the centre")
        expectClose(s.byDistrict.first { $0.name == "north" }?.value.energyKWh, 0.36 + north / 1000, "the north")
    }

    /// A step of a day sums its hours: the depot holds the parked buses hour by hour, so the
    /// stations receive what they do at hourly steps, 10,800 and 3,600 reports.
    @Test func theDepotWorksHourByHourInALongStep() throws {
        let text = Self.scenario(period: "{start: 2025-01-06, end: 2025-01-07, step: 1 d}")
            .replacingOccurrences(of: "    sleep: 1 W\n", with: "    sleep: 1 W\n    depot: north\n")
        let s = try summary(ofYAML: text)
        #expect(s.byFleet.first { $0.name == "bs-centre" }?.uplinks == 10_800 && s.byFleet.first { $0.name == "bs-north" }?.uplinks == 3_600)
        expectClose(s.byFleet.first { $0.name == "buses" }?.figures.energyKWh, 1.32, "the buses")
    }

    /// With one `via`, every district's traffic goes to that receiver; the energy still splits.
    @Test func oneReceiverForEveryDistrict() throws {
        let s = try summary(ofYAML: Self.scenario(via: "bs-centre"))
        #expect(s.byFleet.first { $0.name == "bs-centre" }?.uplinks == 14_400 && s.byFleet.first { $0.name == "bs-north" }?.uplinks == 0)
        let bs = try #require(s.byFleet.first { $0.name == "bs-north" }?.figures.energyKWh)
        expectClose(s.byDistrict.first { $0.name == "north" }?.value.energyKWh, 0.495 + bs, "the north")
    }

    /// `presence` takes the place of `district` (a fleet of a parent scenario may be set moving).
    @Test func presenceTakesThePlaceOfDistrict() throws {
        let s = try summary(ofYAML: Self.scenario().replacingOccurrences(of: "    presence:", with: "    district: north\n    presence:"))
        #expect(s.byFleet.first { $0.name == "buses" }?.district == "centre+north")
        let bs = try #require(s.byFleet.first { $0.name == "bs-centre" }?.figures.energyKWh)
        expectClose(s.byDistrict.first { $0.name == "centre" }?.value.energyKWh, 0.825 + bs, "the centre")
    }

    /// Shares that miss 100 % by less than the tolerance are scaled to it at each step: thirds
    /// written as 0.3333333 split 10,000 reports a step without piling up a remainder.
    @Test func sharesWithinTheToleranceSplitWhole() throws {
        let third = "{weekday: [" + Array(repeating: "0.3333333", count: 24).joined(separator: ", ") + "]}"
        let text = Self.scenario(presence: "{centre: \(third), north: \(third), south: \(third)}", via: "bs-centre")
            .replacingOccurrences(of: "districts: [centre, north]", with: "districts: [centre, north, south]")
            .replacingOccurrences(of: "count: 10\n", with: "count: 10000\n")
        let s = try summary(ofYAML: text)
        #expect(s.byFleet.first { $0.name == "bs-centre" }?.uplinks == 14_400_000)
        expectClose(s.byDistrict.first { $0.name == "south" }?.value.energyKWh, 1320 / 3, "a third of the buses' energy")
    }

    /// A fleet that used nothing still has its nodes' life cycle where they were.
    @Test func aFleetThatUsedNothingKeepsItsLifeCycleByDistrict() throws {
        let text = Self.scenario().replacingOccurrences(
            of: "    power: 10 W\n    sleep: 1 W\n", with: "    power: 0 W\n    idle: 0 W\n    sleep: 0 W\n    embodied: {co2e: 10 kg, lifetime: 5 years}\n")
        let s = try summary(ofYAML: text)
        let life = try #require(s.lifecycle)
        // The centre has all of the fleet for 12 hours and a quarter for 12: 62.5 %.
        expectClose(life.byDistrict.first { $0.name == "centre" }?.value.amortisedCO2eKg, life.total.amortisedCO2eKg * 0.625, "the centre's share")
    }

    /// A fleet that moves splits its messages in whole units; shards would round them apart.
    @Test func aFleetThatMovesRunsWhole() throws {
        let scenario = try ScenarioDecoder.decode(Self.scenario(), file: "x.yaml")
        #expect(Shard.problem(scenario)?.contains("`buses` splits its traffic over the districts") == true)
    }

    @Test(arguments: [
        (
            ["presence: {centre: morning-centre, north: afternoon-north}": "presence: {centre: morning-centre}"],
            "presence: the shares of the districts add up to 25% at 12:00 on weekdays"
        ),
        (
            ["presence: {centre: morning-centre, north: afternoon-north}": "presence: {centre: morning-centre, south: afternoon-north}"],
            "presence.south: unknown district `south`"
        ),
        (
            ["presence: {centre: morning-centre, north: afternoon-north}": "presence: {centre: morning-centre, north: afternoon-nort}"],
            "unknown profile `afternoon-nort`"
        ),
        (["via: {centre: bs-centre, north: bs-north}": "via: {centre: bs-centre}"], "via: missing a receiver for `north`"),
        (["via: {centre: bs-centre, north: bs-north}": "via: {centre: bs-centre, north: bs-nort}"], "via.north: unknown fleet `bs-nort`"),
        (
            ["via: {centre: bs-centre, north: bs-north}": "via: {centre: bs-centre, north: bs-north, east: bs-north}"],
            "via.east: `east` is not a district of this fleet's `presence`"
        ),
        (["    presence: {centre: morning-centre, north: afternoon-north}\n": ""], "via: a `via` for each district needs `presence:`"),
        (["drive: 50%": "drive: 150%"], "fleets[buses].drive"),
        (["interval: 30 s": "interval: 0.5 s"], "fleets[buses].uplink.interval"),
        (["    sleep: 1 W\n": "    sleep: 1 W\n    depot: east\n"], "fleets[buses].depot: unknown district `east`"),
        (
            ["    sleep: 1 W\n": "    sleep: 1 W\n    depot: south\n", "districts: [centre, north]": "districts: [centre, north, south]"],
            "fleets[buses].depot: `south` is not a district this fleet is in (centre, north)"
        ),
        (["via: {centre: bs-centre, north: bs-north}": "via: {centre: bs-centre, north: buses}"], "`buses` is a vehicle fleet that receives no traffic"),
    ])
    func mistakesAreLocated(_ edit: [String: String], _ expected: String) {
        var text = Self.scenario()
        for (a, b) in edit { text = text.replacingOccurrences(of: a, with: b) }
        expectLocatedError(text, expected)
    }
}

/// The split of whole messages over districts: exact per step, and within one of the exact share
/// over time, even for one message a step shared half and half.
struct DistrictSplitTests {
    @Test func oneMessageAStepAlternates() {
        var split = DistrictSplit(districts: 2)
        let shares = [Array(repeating: 0.5, count: 10), Array(repeating: 0.5, count: 10)]
        let parts = (0..<10).map { split.split(1, shares: shares, step: $0) }
        #expect(parts.allSatisfy { $0.reduce(0, +) == 1 })
        #expect(parts.map { $0[0] }.reduce(0, +) == 5)
    }

    @Test func runningTotalsStayWithinOne() {
        var split = DistrictSplit(districts: 3)
        let steps = 1000
        let first: [Double] = (0..<steps).map { 0.2 + 0.1 * Double($0 % 3) }
        let shares: [[Double]] = [first, Array(repeating: 0.1, count: steps), first.map { 0.9 - $0 }]
        var got = [0, 0, 0], exact = [0.0, 0.0, 0.0]
        for k in 0..<steps {
            let count = (k * 7919) % 13
            let parts = split.split(count, shares: shares, step: k)
            #expect(parts.reduce(0, +) == count && parts.allSatisfy { $0 >= 0 })
            for d in 0..<3 {
                got[d] += parts[d]
                exact[d] += Double(count) * shares[d][k]
                #expect(abs(Double(got[d]) - exact[d]) < 1 + 1e-9)
            }
        }
    }

    /// A district where the fleet has no share gets nothing, whatever it was owed before.
    @Test func noShareNoMessages() {
        var split = DistrictSplit(districts: 2)
        let shares = [[0.5, 0.0, 0.0], [0.5, 1.0, 1.0]]
        #expect(split.split(3, shares: shares, step: 0).reduce(0, +) == 3)
        #expect(split.split(5, shares: shares, step: 1) == [0, 5])
        #expect(split.split(5, shares: shares, step: 2) == [0, 5])
    }
}
