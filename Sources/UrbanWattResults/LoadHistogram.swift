/// How many steps the total power spent in each band of a histogram, for the load-duration curve
/// without keeping every step: the bands widen (pairs merge) whenever a power exceeds the top, so
/// the curve is drawn to within 1/`bands` of the peak whatever the run's length.
package struct LoadHistogram: Sendable {
    package static let bands = 2048
    /// Band width, kW; 0 until the first power above zero.
    private(set) var width = 0.0
    private(set) var counts = [Int](repeating: 0, count: LoadHistogram.bands)
    /// The highest power added, kW.
    package private(set) var maximum = 0.0
    package private(set) var steps = 0

    package init() {}

    /// Adds one step's power; one that is not finite (validation keeps them out) is passed over:
    /// a band cannot hold it, and doubling the width toward it would never end.
    package mutating func add(_ kW: Double) {
        guard kW.isFinite else { return }
        steps += 1
        maximum = max(maximum, kW)
        guard kW > 0 else { counts[0] += 1; return }
        if width == 0 { width = max(kW * 2 / Double(LoadHistogram.bands), .leastNormalMagnitude) }
        while kW >= width * Double(LoadHistogram.bands) {
            for k in 0..<(LoadHistogram.bands / 2) { counts[k] = counts[2 * k] + counts[2 * k + 1] }
            for k in (LoadHistogram.bands / 2)..<LoadHistogram.bands { counts[k] = 0 }
            width *= 2
        }
        counts[min(LoadHistogram.bands - 1, Int(kW / width))] += 1
    }

    /// (hours at or above, kW) from the peak down, one point per band that holds steps, for steps of
    /// `dt` seconds: a band's steps are drawn at its upper edge (the peak for the top one).
    package func curve(dt: Double) -> [(hours: Double, kW: Double)] {
        guard steps > 0 else { return [] }
        var out: [(Double, Double)] = [(0, maximum)]
        var above = 0
        for k in stride(from: LoadHistogram.bands - 1, through: 0, by: -1) where counts[k] > 0 {
            above += counts[k]
            out.append((Double(above) * dt / 3600, min(maximum, Double(k + 1) * width)))
        }
        return out
    }
}
