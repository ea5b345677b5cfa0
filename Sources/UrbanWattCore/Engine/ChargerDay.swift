/// A local day of the period as EV chargers see it: sessions are drawn (or expected) a day at a time.
struct ChargerDay: Sendable {
    /// Days since 1970-01-01.
    let day: Int
    /// Unix seconds of the day's local midnight.
    let start: Double
    let weekend: Bool
    /// The period's step the day starts in.
    let step: Int

    /// The local days `clock` touches, none when nothing charges.
    static func days(of clock: StepClock, charging: Bool) -> [ChargerDay] {
        guard clock.count > 0 && charging else { return [] }
        let start = Double(clock.start), dt = Double(clock.step)
        return (clock.localDay(0)...clock.localDay(clock.count - 1)).map { d in
            let date = CivilDate(daysSinceEpoch: d)
            let s = Double(clock.zone.startOfDay(date))
            let m = min(clock.count - 1, max(0, Int(((s - start) / dt).rounded(.down))))
            return ChargerDay(day: d, start: s, weekend: date.isoWeekday >= 6, step: m)
        }
    }
}
