/// The dimmed lighting level integrated over the dark part of each step: for a street light,
/// `Σ over dark seconds of level(t) / step`, computed exactly from sunrise and sunset instants and
/// the dimming windows (no sampling at one instant).
package enum DarkHours {
    /// Mean of `dark(t) × level(t)` over each step of `clock`, in [0, 1].
    package static func series(solar: Solar, dimming: Dimming, clock: StepClock) -> [Double] {
        guard clock.count > 0 else { return [] }
        let firstDay = Int(floorDiv(clock.start, 86_400)) - 1
        let lastDay = Int(floorDiv(clock.end, 86_400)) + 1
        // Daylight intervals by UTC day, in order; polar day is a whole-day interval.
        var light: [(Double, Double)] = []
        for day in firstDay...lastDay {
            switch solar.daylight(onDay: day) {
            case .interval(let rise, let set): light.append((rise, set))
            case .polarDay: light.append((Double(day) * 86_400, Double(day + 1) * 86_400))
            case .polarNight: break
            }
        }
        var result = [Double](repeating: 0, count: clock.count)
        var k = 0
        let dt = Double(clock.step)
        for m in 0..<clock.count {
            let s = Double(clock.time(m)), e = s + dt
            while k < light.count && light[k].1 <= s { k += 1 }
            // Walk the dark gaps of [s, e) between daylight intervals.
            var cursor = s
            var sum = 0.0
            var j = k
            while cursor < e {
                let nextLight = j < light.count ? max(light[j].0, cursor) : e
                let darkEnd = min(nextLight, e)
                if darkEnd > cursor {
                    sum += levelIntegral(dimming, from: cursor, to: darkEnd, clock: clock, step: m)
                }
                if j >= light.count || light[j].0 >= e { break }
                cursor = max(cursor, light[j].1)
                j += 1
            }
            result[m] = sum / dt
        }
        return result
    }

    /// ∫ level dt over [a, b) within step `m` (local time from the step's start).
    static func levelIntegral(_ dimming: Dimming, from a: Double, to b: Double, clock: StepClock, step m: Int) -> Double {
        if case .none = dimming { return b - a }
        let stepStart = Double(clock.time(m))
        let dayStartLocal = Double(clock.localSecondOfDay(m))
        var t = a
        var sum = 0.0
        while t < b {
            var local = dayStartLocal + (t - stepStart)
            var weekend = clock.weekend(m)
            if local >= 86_400 { // a step that crosses local midnight: the rest is in the next day
                local -= 86_400
                weekend = StepClock.isWeekend(localDay: clock.localDay(m) + 1)
            }
            let (level, until) = dimming.level(at: Int(local), weekend: weekend)
            let span = min(b - t, max(1, Double(until) - local))
            sum += level * span
            t += span
        }
        return sum
    }
}
