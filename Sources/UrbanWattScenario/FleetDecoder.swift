import Foundation
import UrbanWattCore
import Yams

/// What a fleet may refer to: named profiles and districts, and whether the scenario has a location.
struct FleetContext {
    var profiles: [String: Profile]
    var districts: [String]
    var hasLocation: Bool
    var hasCarbon = false
    var hasPrice = false
    /// The grid price's currency: a fleet's `capex` is in it.
    var currency: String?
    var years: ClosedRange<Int>?

    func profile(named name: String) -> Profile? { profiles[name] ?? BuiltinProfiles.named(name) }

    var profileNames: [String] { Array(profiles.keys) + BuiltinProfiles.all.map(\.name) }

    var kind: KindContext { KindContext(hasLocation: hasLocation, hasCarbon: hasCarbon, hasPrice: hasPrice, years: years) }
}

/// Reads one entry of `fleets:`.
enum FleetDecoder {
    static let commonKeys = [
        "name", "kind", "district", "presence", "count", "efficiency", "jitter", "layer", "via", "replaces", "reference", "rebound",
        "embodied", "installed", "capex", "functional_unit", "description",
    ]

    /// The common keys a fleet of `kind` takes: no `count` for a fleet of one, no `replaces` for a
    /// kind that is not replaced, no `reference` for a kind with no ICT function to turn off.
    static func commonKeys(for kind: FleetKind) -> [String] {
        commonKeys.filter {
            !(kind.type.isSingleNode && $0 == "count") && !($0 == "replaces" && !kind.type.replaceable)
                && !($0 == "reference" && kind.type.ictFunctions.isEmpty)
        }
    }

    /// Keys of each kind's model; `replaces:` and `reference:` may override any of them.
    static func modelKeys(_ kind: FleetKind) -> [String] { kind.type.parameters.map(\.key) }

    static func decode(_ c: Cursor, context: FleetContext, reader r: YAMLReader) -> Fleet? {
        // The kind decides which keys are allowed, so read it first.
        var kind: FleetKind?
        if case .mapping(let m) = c.node, let k = m["kind"] {
            kind = r.choice(Cursor(node: k, path: c.child("kind")), FleetKind.allCases.map(\.rawValue), what: "a fleet kind")
                .flatMap(FleetKind.init(rawValue:))
        }
        let allowed = commonKeys + (kind.map(modelKeys) ?? FleetKind.allCases.flatMap(modelKeys))
        guard let f = r.mapping(c, allowed: allowed, what: "a fleet mapping with `name` and `kind`") else { return nil }
        if f["kind"] == nil {
            r.error(
                Cursor(node: c.node, path: c.child("kind")), "missing; expected a fleet kind (\(FleetKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var name: String?
        if let n = r.required(f, "name", in: c, what: "a fleet name"), let s = r.string(n, what: "a fleet name") {
            if Name.isValid(s) { name = s } else { r.error(n, Name.problem(s, what: "a fleet name")) }
        }
        var district = context.districts[0]
        if let d = f["district"], let s = r.string(d, what: "a district name") {
            if context.districts.contains(s) {
                district = s
            } else {
                r.error(
                    d, "unknown district `\(s)` (districts: \(context.districts.joined(separator: ", ")))" + Suggestion.didYouMean(s, in: context.districts))
            }
        }
        var count = YearMap(1)
        if let cc = f["count"] {
            if let kind, kind.type.isSingleNode {
                r.error(cc, "a \(kind) is a fleet of one; remove `count`")
            } else if let m = r.yearMap(cc, .count, maximum: Fleet.maximumCount, whole: true) {
                count = m
            }
        }
        var efficiency: Efficiency?
        if let e = f["efficiency"], let ef = r.mapping(e, allowed: ["per_year", "from"], what: "{per_year: 3%, from: 2025}") {
            let perYear = r.required(ef, "per_year", in: e, what: "a fraction such as 3%").flatMap { r.fraction($0) }
            let from = r.required(ef, "from", in: e, what: "a year such as 2025").flatMap { r.integer($0, what: "a year", range: 1900...2200) }
            if let perYear, let from { efficiency = Efficiency(perYear: perYear, from: from) }
        }
        let jitter = f["jitter"].flatMap { r.fraction($0) } ?? 0
        let layer = f["layer"].flatMap { r.choice($0, Layer.allCases.map(\.rawValue), what: "a layer") }.flatMap(Layer.init(rawValue:))
        // `via` is one fleet, or with `presence` a mapping of one fleet per district.
        var via: String?
        if let v = f["via"] {
            if case .mapping = v.node {} else { via = r.string(v, what: "the name of a fleet that receives traffic") }
        }
        let presence = PresenceDecoder.decode(f, in: c, context: context, reader: r)
        guard let kind else { return nil }
        let decoder = ParameterDecoder(reader: r, context: context)
        let model = kind.type.make(decoder.input(f, kind.type.parameters, parent: c))
        // The replaced equipment and the reference have the fleet's keys without its ICT functions
        // (each off by default), and what `replaces:` or `reference:` gives on top.
        let withoutICT = f.filter { !kind.type.ictFunctions.contains($0.key) }
        func variant(_ key: String, purchases: [String] = []) -> (any NodeKind)? {
            guard let given = f[key],
                let overrides = r.mapping(given, allowed: modelKeys(kind) + purchases, what: "a mapping of \(kind) parameters such as {power: 150 W}")
            else { return nil }
            // The fleet is the parent: a problem of a key the case shares is the fleet's, reported once.
            let own = overrides.filter { !purchases.contains($0.key) }
            return kind.type.make(decoder.input(withoutICT.merging(own) { _, new in new }, kind.type.parameters, parent: c))
        }
        if let given = f["reference"], kind.type.ictFunctions.isEmpty {
            r.error(
                given,
                "a \(kind) has no ICT function to turn off, so no reference: it is ICT as a whole (in the overhead); to weigh it against older equipment, use `replaces:`"
            )
        }
        var replaces: (any NodeKind)?
        if let rep = f["replaces"], !kind.type.replaceable {
            r.error(rep, "`replaces` is not supported for a \(kind) fleet")
        } else {
            replaces = variant("replaces", purchases: replacedPurchaseKeys)
        }
        let reference =
            f["reference"] != nil
            ? (kind.type.ictFunctions.isEmpty ? nil : variant("reference"))
            : kind.type.ictFunctions.contains(where: { f[$0] != nil }) ? kind.type.make(decoder.input(withoutICT, kind.type.parameters, parent: c)) : nil
        guard let name, let model else { return nil }
        var fleet = Fleet(
            name: name, layer: layer, district: district, count: count, efficiency: efficiency, jitter: jitter,
            via: via, model: model, replaces: replaces)
        if let presence {
            fleet.presence = presence
            fleet.district = presence.districts[0]
        }
        // A kind's district (a vehicle's depot) is one the fleet is in.
        for p in kind.type.parameters where p.isDistrict && (f["presence"] == nil || presence != nil) {
            if let at = f[p.key], let name = at.scalar, context.districts.contains(name), !fleet.districts.contains(name) {
                r.error(at, "`\(name)` is not a district this fleet is in (\(fleet.districts.joined(separator: ", ")))")
            }
        }
        // A reference that is the fleet itself (no ICT function on) needs no case of its own.
        fleet.reference = reference.flatMap { $0.isEqual(to: model) ? nil : $0 }
        if let c = f["rebound"], let share = r.fraction(c) {
            if fleet.replaces == nil && fleet.reference == nil {
                r.error(c, "a rebound takes back part of a measure's savings; this fleet has none (no `replaces:` and no ICT function on)")
            }
            fleet.rebound = share
        }
        fleet.capex = f["capex"].flatMap { capex($0, context: context, reader: r) }
        if let c = f["functional_unit"], let m = r.mapping(c, allowed: ["name", "per"], what: "{name: light-point-hour, per: node-hour | message}"),
            let n = r.required(m, "name", in: c, what: "the unit's name, such as light-point-hour").flatMap({ r.string($0) }),
            let p = r.required(m, "per", in: c, what: "node-hour or message").flatMap({
                r.choice($0, FunctionalUnit.Per.allCases.map(\.rawValue), what: "what one unit is")
            })
        {
            // `!` below cannot fail: `m["name"]` was required above (it holds `n`), and `p` is one of `FunctionalUnit.Per`'s raw values (`r.choice`).
            if n.trimmingCharacters(in: .whitespaces).isEmpty {
                r.error(m["name"]!, "expected the unit's name, such as light-point-hour, got an empty text")
            } else {
                fleet.functionalUnit = FunctionalUnit(name: n, per: FunctionalUnit.Per(rawValue: p)!)
            }
        }
        fleet.embodied = f["embodied"].flatMap { embodied($0, installed: f["installed"], hasBattery: f["battery"] != nil, kind: kind, reader: r) }
        if fleet.embodied == nil, f["embodied"] == nil, let i = f["installed"] {
            r.error(i, "`installed` says when the nodes' embodied CO2e is incurred; give `embodied:` too")
        }
        if f["embodied"] == nil, let c = f["capex"] {
            r.error(c, "a capex is paid for each node installed or replaced, which `embodied:` (its lifetime) decides; give `embodied:` too")
        }
        if let rep = f["replaces"], kind.type.replaceable, case .mapping = rep.node {
            (fleet.replacedEmbodied, fleet.replacedCapex) = replacedPurchases(rep, kind: kind, context: context, reader: r)
        }
        fleet.given = givenKeys(f)
        return fleet
    }

    /// What `replaces:` may say of the old equipment's purchases, beside its kind's keys.
    static let replacedPurchaseKeys = ["embodied", "installed", "capex"]

    /// `replaces: {embodied: …, installed: {age: …}, capex: …}`: the replaced equipment, had it
    /// stayed, renewed at the end of its life and bought as the fleet grows; it is the stock there
    /// at the start, so `installed` may give its ages but not `new`.
    static func replacedPurchases(_ c: Cursor, kind: FleetKind, context: FleetContext, reader r: YAMLReader) -> (Embodied?, Double?) {
        guard let m = r.mapping(c, allowed: modelKeys(kind) + replacedPurchaseKeys, what: "a mapping of \(kind) parameters such as {power: 150 W}") else {
            return (nil, nil)
        }
        if let i = m["installed"], i.scalar == "new" {
            r.error(
                i,
                "the equipment a measure replaces is the stock there at the start, not new; give its ages as {age: [2 years, 6 years]} or leave `installed` out"
            )
            return (nil, nil)
        }
        let life = m["embodied"].flatMap { embodied($0, installed: m["installed"], hasBattery: false, kind: kind, reader: r) }
        if m["embodied"] == nil, let i = m["installed"] {
            r.error(i, "`installed` says how old the replaced stock is, which matters only with its `embodied:`; give `embodied:` too")
        }
        if m["embodied"] == nil, let k = m["capex"] {
            r.error(k, "a capex is paid for each replaced node renewed, which its `embodied:` (its lifetime) decides; give `embodied:` too")
        }
        return (life, m["capex"].flatMap { capex($0, context: context, reader: r) })
    }

    /// `capex: 400 EUR` (or a plain number, in the grid price's currency): what a node costs to buy
    /// and install, for the payback in money.
    static func capex(_ c: Cursor, context: FleetContext, reader r: YAMLReader) -> Double? {
        guard let currency = context.currency else {
            r.error(c, "a capex is a price, so it needs the grid's `price` (the payback in money is in its currency)")
            return nil
        }
        var text = c.scalar ?? ""
        if text.hasSuffix(" \(currency)") { text.removeLast(currency.count + 1) }
        guard c.scalar != nil, let v = Double(text.replacingOccurrences(of: "_", with: "")), v.isFinite, v >= 0, v <= 1e9 else {
            r.error(c, "expected what a node costs to buy and install, such as 400 \(currency) (0 to 1e9, in the grid price's currency), got \(c.found)")
            return nil
        }
        return v
    }

    /// `embodied: {co2e: 2 kg, lifetime: 8 years, mass: 0.1 kg}`, or the CO2e split as
    /// `manufacturing`, `transport` and `end_of_life`; with `installed: new | existing` beside it.
    static func embodied(_ c: Cursor, installed: Cursor?, hasBattery: Bool, kind: FleetKind, reader r: YAMLReader) -> Embodied? {
        let example = "{co2e: 2 kg, lifetime: 8 years, mass: 0.1 kg}"
        // `installed: new | existing | {age: [2 years, 6 years]}` (existing stock of those ages).
        var isNew: Bool?, stockAge: ClosedRange<Double>?
        if let i = installed {
            if case .mapping = i.node {
                if let m = r.mapping(i, allowed: ["age"], what: "new, existing, or {age: [2 years, 6 years]}"),
                    let a = r.required(m, "age", in: i, what: "the youngest and oldest age of the stock at the start, such as [2 years, 6 years]"),
                    let items = r.list(a, what: "two ages, the youngest and the oldest, such as [2 years, 6 years]")
                {
                    let ages = items.compactMap { r.quantity($0, .duration) }
                    if items.count != 2 {
                        r.error(a, "expected two ages, the youngest and the oldest, got \(items.count)")
                    } else if ages.count == 2 {
                        if ages[0] > ages[1] {
                            r.error(a, "expected the youngest age first, got \(a.found)")
                        } else {
                            (isNew, stockAge) = (false, ages[0]...ages[1])
                        }
                    }
                }
            } else {
                isNew = r.choice(i, ["new", "existing"], what: "when the nodes present at the start were installed").map { $0 == "new" }
            }
        }
        // `embodied: default`: the kind's cited figures (`urbanwatt list`).
        if c.scalar == "default" {
            guard var e = kind.embodied.value else {
                if case .none(let why) = kind.embodied { r.error(c, "a \(kind.rawValue) has no embodied default (\(why)); give one such as \(example)") }
                return nil
            }
            e.installedNew = isNew ?? false
            e.stockAge = stockAge
            if !hasBattery { e.battery = nil }
            return installed == nil || isNew != nil ? e : nil
        }
        guard
            let f = r.mapping(
                c, allowed: ["co2e", "manufacturing", "transport", "end_of_life", "lifetime", "mass", "battery", "abiotic_depletion", "primary_energy"],
                what: "`default` or a mapping such as \(example)")
        else { return nil }
        func mass(_ key: String) -> Double? { f[key].flatMap { r.quantity($0, .mass) } }
        let parts = ["manufacturing", "transport", "end_of_life"].filter { f[$0] != nil }
        var ok = true
        if let co2e = f["co2e"], !parts.isEmpty {
            r.error(co2e, "give the CO2e whole (`co2e`) or split (`\(parts.joined(separator: "`, `"))`), not both"); ok = false
        } else if f["co2e"] == nil && parts.isEmpty {
            r.error(c, "missing the CO2e of a node: `co2e` (cradle to grave), or `manufacturing` with `transport` and `end_of_life`; such as \(example)");
            ok = false
        }
        let lifetime = r.required(f, "lifetime", in: c, what: "the years a node serves, such as 8 years").flatMap { r.quantity($0, .duration, positive: true) }
        // Shorter than a day, a lifetime would replace a fleet thousands of times a year.
        if let l = lifetime, l < 86_400, let at = f["lifetime"] { r.error(at, "expected a lifetime of at least 1 day, got \(at.found)"); ok = false }
        let co2e = mass("co2e"), manufacturing = mass("manufacturing"), transport = mass("transport"), endOfLife = mass("end_of_life")
        let weight = mass("mass"), adp = mass("abiotic_depletion")
        let primary = f["primary_energy"].flatMap { r.quantity($0, .energy) }
        var battery: Embodied.Battery?
        if let b = f["battery"] {
            if !hasBattery { r.error(b, "this fleet's nodes have no battery (`battery:`) to replace") }
            if let m = r.mapping(b, allowed: ["co2e", "mass"], what: "{co2e: 0.1 kg, mass: 0.05 kg}, each replacement battery's"),
                let co2e = r.required(m, "co2e", in: b, what: "kg CO2e of a replacement battery such as 0.1 kg").flatMap({ r.quantity($0, .mass) })
            {
                battery = Embodied.Battery(co2e: co2e, mass: m["mass"].flatMap { r.quantity($0, .mass) })
                if m["mass"] != nil && battery?.mass == nil { ok = false }
            } else {
                ok = false
            }
            if !hasBattery { ok = false }
        }
        guard ok, let lifetime, lifetime >= 86_400, f["co2e"] == nil || co2e != nil, parts.allSatisfy({ mass($0) != nil }),
            f["mass"] == nil || weight != nil, installed == nil || isNew != nil,
            f["abiotic_depletion"] == nil || adp != nil, f["primary_energy"] == nil || primary != nil
        else { return nil }
        var out = Embodied(
            manufacturing: co2e ?? manufacturing ?? 0, transport: transport ?? 0, endOfLife: endOfLife ?? 0, lifetime: lifetime,
            mass: weight, installedNew: isNew ?? false, battery: battery, abioticDepletion: adp, primaryEnergy: primary)
        out.stockAge = stockAge
        return out
    }
}

extension FleetDecoder {
    /// The keys a fleet entry wrote, and one level below (`radio.tx_current`).
    static func givenKeys(_ fields: [String: Cursor]) -> Set<String> {
        var keys = Set(fields.keys)
        for (key, c) in fields {
            if case .mapping(let m) = c.node { for k in m.keys { if let s = k.scalar?.string { keys.insert("\(key).\(s)") } } }
        }
        return keys
    }
}

/// Checks `via:` routes: targets exist, receive traffic, and form no cycle.
enum RoutingCheck {
    /// `declared` holds the names of every fleet entry, including those that failed to decode, so that
    /// one broken fleet does not also make every route to it an error. The entries that failed
    /// (`undecoded`) still have their `via` checked against those names: a misspelt target is one
    /// more problem to report at once, not one found after the others are fixed.
    static func check(_ fleets: [Fleet], cursors: [Cursor], declared: Set<String>, undecoded: [Cursor] = [], reader r: YAMLReader) {
        for c in undecoded {
            let at = viaCursor(c)
            guard at.path != c.path, let via = at.scalar, !declared.contains(via) else { continue }
            r.error(at, "unknown fleet `\(via)`" + Suggestion.didYouMean(via, in: declared.sorted()))
        }
        let byName = Dictionary(fleets.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<String>()
        for (i, f) in fleets.enumerated() where !seen.insert(f.name).inserted {
            r.error(Cursor(node: cursors[i].node, path: cursors[i].child("name")), "duplicate fleet name `\(f.name)`")
        }
        for (i, f) in fleets.enumerated() {
            for (via, at) in routes(f, cursors[i]) {
                guard f.model.role.routes else {
                    r.error(at, "this \(f.kind) fleet sends no traffic; `via` applies to fleets that send or forward it")
                    break
                }
                guard let t = byName[via] else {
                    if declared.contains(via) { continue }
                    let receivers = fleets.filter { $0.model.role.receives && $0.name != f.name }.map(\.name)
                    // Named from every entry, also those with mistakes of their own (not yet decoded).
                    let note =
                        !receivers.isEmpty
                        ? " (fleets that receive traffic: \(receivers.joined(separator: ", ")))"
                        : declared.count == fleets.count ? "; no fleet here receives traffic" : ""
                    r.error(at, "unknown fleet `\(via)`" + Suggestion.didYouMean(via, in: declared.sorted()) + note)
                    continue
                }
                if !fleets[t].model.role.receives {
                    r.error(at, "`\(via)` is a \(fleets[t].kind) fleet that receives no traffic; `via` must name a fleet that forwards, carries or ingests it")
                }
                // Follow every route on; coming back to this fleet is a cycle.
                var seen = Set<String>(), next = [via]
                while let n = next.popLast() {
                    if n == f.name {
                        r.error(at, "routing cycle: `\(f.name)` reaches itself through `via`")
                        break
                    }
                    guard seen.insert(n).inserted, let k = byName[n] else { continue }
                    next += fleets[k].receivers
                }
            }
        }
    }

    /// Each receiver of `f` with where its `via` names it: the fleet's `via`, or each district's.
    static func routes(_ f: Fleet, _ fleet: Cursor) -> [(String, Cursor)] {
        let at = viaCursor(fleet)
        guard let presence = f.presence, let via = presence.via else { return f.via.map { [($0, at)] } ?? [] }
        return zip(presence.districts, via).map { district, target in
            if case .mapping(let m) = at.node, let v = m[district] { return (target, Cursor(node: v, path: at.child(district))) }
            return (target, at)
        }
    }

    static func viaCursor(_ fleet: Cursor) -> Cursor {
        if case .mapping(let m) = fleet.node, let v = m["via"] { return Cursor(node: v, path: fleet.child("via")) }
        return fleet
    }
}
