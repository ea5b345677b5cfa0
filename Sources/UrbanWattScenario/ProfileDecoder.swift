import UrbanWattCore

/// Reads `profiles:`, the named daily shapes fleets follow: 24 hourly values for weekdays and,
/// optionally, for weekends.
extension ScenarioDecoder {
    static func decodeProfiles(_ c: Cursor, reader r: YAMLReader) -> [String: Profile] {
        guard let pairs = r.pairs(c, what: "a mapping of profile names to {weekday: [24 values], weekend: [...]}") else { return [:] }
        var result: [String: Profile] = [:]
        for p in pairs {
            if let profile = decodeProfile(p.value, reader: r) { result[p.key] = profile }
        }
        return result
    }

    /// `{weekday: [24 values], weekend: [24 values]}`, each value in [0, 1].
    static func decodeProfile(_ c: Cursor, reader r: YAMLReader) -> Profile? {
        guard let f = r.mapping(c, allowed: ["weekday", "weekend"], what: "{weekday: [24 values], weekend: [24 values]}"),
            let wd = r.required(f, "weekday", in: c, what: "24 hourly values in [0, 1]"),
            let weekday = r.hourly(wd, range: 0...1)
        else { return nil }
        let weekend = f["weekend"].flatMap { r.hourly($0, range: 0...1) }
        if f["weekend"] != nil && weekend == nil { return nil }
        return Profile(weekday: weekday, weekend: weekend)
    }
}
