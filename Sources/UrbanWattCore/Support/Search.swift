/// The first index of the sorted `a` whose element is not less than `x` (`a.count` when none is):
/// the one binary search of the engine and of telemetry.
@inline(__always)
package func lowerBound(_ a: [Double], _ x: Double) -> Int {
    var lo = 0, hi = a.count
    while lo < hi {
        let mid = (lo + hi) >> 1
        if a[mid] < x { lo = mid + 1 } else { hi = mid }
    }
    return lo
}
