import Testing
@testable import UrbanWattCore

/// Battery life by node, against hand-computed figures: the shortest and the 5th percentile are
/// what a planner needs (which batteries to change first), not only the mean.
@Suite struct BatteryLifeTests {
    /// 0.5 J per uplink every 900 s plus 10 µW sleep: p = 1e-5 + 0.5 / 900 = 5.655556e-4 W; a 19 Wh
    /// (68,400 J) battery lasts L0 = 68,400 / p = 1.209430e8 s.
    static let l0 = 68_400 / (1e-5 + 0.5 / 900)

    static func lives(jitter: Double, count: Int) -> BatteryLives {
        let sensor = Sensor(
            radio: Radio(type: .nbiot, uplinkEnergy: [.init(share: 1, joules: 0.5)]), sleep: 1e-5, interval: 900,
            payload: 20, overhead: 0, battery: 68_400)
        let s = scenario(
            [Fleet(name: "meters", count: YearMap(Double(count)), jitter: jitter, model: sensor)],
            to: .init(year: 2025, month: 1, day: 2))
        return Engine(scenario: s).record().result.batteryLives[0]
    }

    @Test func identicalNodesHaveOneLife() throws {
        let b = Self.lives(jitter: 0, count: 1000)
        #expect(b.count == 1000)
        #expect(close(try #require(b.mean), Self.l0) && close(b.minimum, Self.l0))
        // The percentile is interpolated inside the bin that holds L0, and never below the minimum.
        #expect(abs(try #require(b.percentile(5)) - Self.l0) / Self.l0 < 0.024)
    }

    /// With jitter 20 % every node's power is p × w, w uniform in [0.8, 1.2], so its life is L0 / w:
    /// shortest L0 / 1.2, 5th percentile L0 / 1.18, mean L0 × ln(1.2 / 0.8) / 0.4 = 1.013663 L0.
    @Test func jitteredNodesDieAtDifferentTimes() throws {
        let b = Self.lives(jitter: 0.2, count: 100_000)
        #expect(abs(b.minimum - Self.l0 / 1.2) / (Self.l0 / 1.2) < 1e-4)
        #expect(abs(try #require(b.percentile(5)) - Self.l0 / 1.18) / (Self.l0 / 1.18) < 0.003)
        #expect(abs(try #require(b.mean) - 1.013663 * Self.l0) / Self.l0 < 1e-3)
    }

    @Test func shardsMergeToTheWhole() {
        var a = BatteryLives(), b = BatteryLives(), whole = BatteryLives()
        for (k, life) in [3e7, 5e7, 8e7, 1.2e8, 2e8].enumerated() {
            whole.add(life)
            if k % 2 == 0 { a.add(life) } else { b.add(life) }
        }
        a.merge(b)
        #expect(a == whole)
        #expect(a.minimum == 3e7 && a.count == 5)
    }
}
