import Foundation

/// A time zone, answering the UTC offset at an instant and the instant of a local midnight.
public struct Zone: Sendable {
    public let identifier: String
    private let timeZone: TimeZone

    /// nil when the IANA identifier is unknown to the system's time-zone data.
    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.timeZone = zone
    }

    // "UTC" is always a time zone Foundation knows.
    public static let utc = Zone(identifier: "UTC")!

    /// Seconds to add to UTC to get local time at `unixSeconds`.
    public func offset(at unixSeconds: Int64) -> Int64 {
        Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(unixSeconds))))
    }

    /// The first instant after `unixSeconds` at which the zone's offset may change (a daylight-saving
    /// or standard-time transition), nil when it has none ahead.
    public func nextTransition(after unixSeconds: Int64) -> Int64? {
        guard let date = timeZone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: TimeInterval(unixSeconds))) else {
            return nil
        }
        let t = Int64(date.timeIntervalSince1970.rounded(.up))
        return t > unixSeconds ? t : unixSeconds + 1
    }

    /// The instant at which `date` begins locally (00:00, or the first valid local time after a gap).
    public func startOfDay(_ date: CivilDate) -> Int64 {
        let local = Int64(date.daysSinceEpoch) * 86_400
        var guess = local - offset(at: local)
        guess = local - offset(at: guess)
        return guess
    }

    /// The local calendar year at `unixSeconds`.
    public func localYear(at unixSeconds: Int64) -> Int {
        let local = unixSeconds + offset(at: unixSeconds)
        return CivilDate(daysSinceEpoch: Int(floorDiv(local, 86_400))).year
    }
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
