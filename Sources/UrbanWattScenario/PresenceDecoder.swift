import Foundation
import UrbanWattCore
import Yams

/// Reads where a fleet that moves is (`presence:`) and its receiver in each district (`via:` as a
/// mapping): `presence: {centre: buses-centre, north: {weekday: [...], weekend: [...]}}`, each a
/// profile name or a profile, their shares adding up to 100% at every hour; `via: {centre:
/// bs-centre, north: bs-north}`, a receiver for every district of `presence`. A fleet's `presence`
/// takes the place of its `district`, so that a scenario that `extends` another may set a fleet
/// of the parent's moving.
enum PresenceDecoder {
    static let example = "{centre: PROFILE, north: PROFILE}, the share of the fleet in each district at each hour"

    static func decode(_ fields: [String: Cursor], in fleet: Cursor, context: FleetContext, reader r: YAMLReader) -> Presence? {
        guard let c = fields["presence"] else {
            if let v = fields["via"], case .mapping = v.node {
                r.error(
                    v,
                    "a `via` for each district needs `presence:`, the share of the fleet in each district at each hour; give one fleet name for a fleet that stays put"
                )
            }
            return nil
        }
        guard let pairs = r.pairs(c, what: example) else { return nil }
        if pairs.isEmpty {
            r.error(c, "expected at least one district, got an empty mapping")
            return nil
        }
        let parameters = ParameterDecoder(reader: r, context: context)
        var districts: [String] = [], shares: [Profile] = []
        for p in pairs {
            if !context.districts.contains(p.key) {
                r.error(
                    p.keyCursor,
                    "unknown district `\(p.key)` (districts: \(context.districts.joined(separator: ", ")))"
                        + Suggestion.didYouMean(p.key, in: context.districts))
            }
            let profile: Profile?
            if case .mapping = p.value.node {
                profile = ScenarioDecoder.decodeProfile(p.value, reader: r)
            } else if let name = r.string(p.value, what: "a profile name or {weekday: [24 values], weekend: [24 values]}") {
                profile = parameters.lookup(name, at: p.value)
            } else {
                profile = nil
            }
            guard let profile else { continue }
            districts.append(p.key)
            shares.append(profile)
        }
        guard districts.count == pairs.count, districts.allSatisfy(context.districts.contains) else { return nil }
        var presence = Presence(districts: districts, shares: shares)
        if let (weekend, hour, sum) = presence.unbalancedHours.first {
            let when = "\(hour < 10 ? "0" : "")\(hour):00 on \(weekend ? "weekend days" : "weekdays")"
            r.error(c, "the shares of the districts add up to \(percent(sum)) at \(when); expected 100% at every hour, the whole fleet being somewhere")
            return nil
        }
        if let v = fields["via"], case .mapping = v.node {
            guard let routes = r.pairs(v, what: "a receiving fleet for each district, such as {centre: bs-centre}") else { return nil }
            var via: [String?] = Array(repeating: nil, count: districts.count)
            for route in routes {
                guard let target = r.string(route.value, what: "the name of a fleet that receives traffic") else { continue }
                if let d = districts.firstIndex(of: route.key) {
                    via[d] = target
                } else {
                    r.error(
                        route.keyCursor,
                        "`\(route.key)` is not a district of this fleet's `presence` (\(districts.joined(separator: ", ")))"
                            + Suggestion.didYouMean(route.key, in: districts))
                }
            }
            let routed = Set(routes.map(\.key))
            let missing = districts.filter { !routed.contains($0) }
            if !missing.isEmpty {
                r.error(v, "missing a receiver for \(missing.map { "`\($0)`" }.joined(separator: ", ")); the fleet sends from every district of its `presence`")
            }
            guard via.allSatisfy({ $0 != nil }) else { return nil }
            presence.via = via.compactMap { $0 }
        }
        return presence
    }

    static func percent(_ x: Double) -> String {
        let p = x * 100
        return (p == p.rounded() ? String(Int(p)) : String(format: "%.6g", p)) + "%"
    }
}
