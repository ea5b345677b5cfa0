/// Facts of one chunk's steps that many fleets would otherwise each compute: the dark-hour series of
/// street lights (the sun's position over every step, for one place, threshold and dimming). The
/// engine makes one per chunk and hands it to every fleet's window, so 32 fleets of the same lamps
/// in 16 districts compute the sun once.
///
/// `@unchecked Sendable`: one engine's run loop uses it, on one thread, for one chunk.
public final class ChunkFacts: @unchecked Sendable {
    private struct DarkKey: Equatable {
        var solar: Solar
        var dimming: Dimming
    }

    private var dark: [(key: DarkKey, series: [Double])] = []

    public init() {}

    /// `DarkHours.series(solar:dimming:clock:)` for `clock`, the chunk's clock, computed once per key.
    func darkHours(solar: Solar, dimming: Dimming, clock: StepClock) -> [Double] {
        let key = DarkKey(solar: solar, dimming: dimming)
        if let hit = dark.first(where: { $0.key == key }) { return hit.series }
        let series = DarkHours.series(solar: solar, dimming: dimming, clock: clock)
        dark.append((key, series))
        return series
    }
}
