import Foundation

/// Sun position after the NOAA solar calculator's equations (Meeus, "Astronomical Algorithms"),
/// and the daylight interval of each day for a threshold elevation.
public struct Solar: Sendable, Equatable {
    public var latitude: Double
    public var longitude: Double
    /// Elevation of the sun's centre below which it counts as down, degrees.
    public var threshold: Double

    public init(latitude: Double, longitude: Double, threshold: Double = -0.833) {
        self.latitude = latitude
        self.longitude = longitude
        self.threshold = threshold
    }

    /// What the sun does on one UTC day.
    public enum Daylight: Equatable, Sendable {
        /// Up from `rise` to `set` (Unix seconds).
        case interval(rise: Double, set: Double)
        case polarDay
        case polarNight
    }

    /// Declination (radians) and equation of time (minutes) at a Unix time.
    public static func declinationAndEquationOfTime(at unixSeconds: Double) -> (declination: Double, eqTime: Double) {
        let jd = unixSeconds / 86_400 + 2_440_587.5
        let t = (jd - 2_451_545) / 36_525
        let l0 = (280.46646 + t * (36_000.76983 + t * 0.0003032)).truncatingRemainder(dividingBy: 360)
        let m = 357.52911 + t * (35_999.05029 - 0.0001537 * t)
        let e = 0.016708634 - t * (0.000042037 + 0.0000001267 * t)
        let mr = m * .pi / 180
        let c =
            sin(mr) * (1.914602 - t * (0.004817 + 0.000014 * t)) + sin(2 * mr) * (0.019993 - 0.000101 * t)
            + sin(3 * mr) * 0.000289
        let trueLong = l0 + c
        let omega = (125.04 - 1934.136 * t) * .pi / 180
        let lambda = (trueLong - 0.00569 - 0.00478 * sin(omega)) * .pi / 180
        let eps0 = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60
        let eps = (eps0 + 0.00256 * cos(omega)) * .pi / 180
        let declination = asin(sin(eps) * sin(lambda))
        let y = pow(tan(eps / 2), 2)
        let l0r = l0 * .pi / 180
        let eq =
            y * sin(2 * l0r) - 2 * e * sin(mr) + 4 * e * y * sin(mr) * cos(2 * l0r)
            - 0.5 * y * y * sin(4 * l0r) - 1.25 * e * e * sin(2 * mr)
        return (declination, 4 * eq * 180 / .pi)
    }

    /// Solar elevation in degrees at a Unix time (without refraction).
    public func elevation(at unixSeconds: Double) -> Double {
        let (decl, eqTime) = Solar.declinationAndEquationOfTime(at: unixSeconds)
        let minutesUTC = (unixSeconds / 60).truncatingRemainder(dividingBy: 1440)
        let trueSolarTime = minutesUTC + eqTime + 4 * longitude
        let hourAngle = (trueSolarTime / 4 - 180) * .pi / 180
        let lat = latitude * .pi / 180
        let cosZenith = sin(lat) * sin(decl) + cos(lat) * cos(decl) * cos(hourAngle)
        return 90 - acos(min(1, max(-1, cosZenith))) * 180 / .pi
    }

    /// Sunrise and sunset around solar noon of the UTC day `day` (days since 1970-01-01).
    /// Each event is refined by evaluating the sun at its own time (two iterations).
    public func daylight(onDay day: Int) -> Daylight {
        let midnight = Double(day) * 86_400
        func noon(near t: Double) -> Double {
            let eq = Solar.declinationAndEquationOfTime(at: t).eqTime
            return midnight + (720 - 4 * longitude - eq) * 60
        }
        let solarNoon = noon(near: noon(near: midnight + 43_200))
        func hourAngle(at t: Double) -> Double? {
            let decl = Solar.declinationAndEquationOfTime(at: t).declination
            let lat = latitude * .pi / 180
            let h0 = threshold * .pi / 180
            let cosH = (sin(h0) - sin(lat) * sin(decl)) / (cos(lat) * cos(decl))
            if cosH > 1 { return nil } // never reaches the threshold: night all day
            if cosH < -1 { return .infinity } // never sinks below it: day all day
            return acos(cosH) * 180 / .pi
        }
        guard let h = hourAngle(at: solarNoon) else { return .polarNight }
        if h == .infinity { return .polarDay }
        func refine(_ sign: Double) -> Double? {
            var event = solarNoon + sign * h * 240
            for _ in 0..<2 {
                guard let hh = hourAngle(at: event), hh != .infinity else { return nil }
                event = noon(near: event) + sign * hh * 240
            }
            return event
        }
        let rise = refine(-1) ?? (solarNoon - h * 240)
        let set = refine(1) ?? (solarNoon + h * 240)
        return .interval(rise: rise, set: set)
    }
}
