import UrbanWattCore
import Yams

/// Reads a kind's keys by their `Parameter` descriptions into a `KindInput`, reporting every value
/// that does not fit its shape at its line and column. The one place kinds' YAML is read.
struct ParameterDecoder {
    let reader: YAMLReader
    let context: FleetContext
    private var r: YAMLReader { reader }

    /// The keys of the mapping at `parent` (its `fields`, already checked against the allowed keys).
    func input(_ fields: [String: Cursor], _ parameters: [Parameter], parent: Cursor) -> KindInput {
        var values: [String: ParameterValue] = [:]
        for p in parameters {
            guard let c = fields[p.key] else {
                if p.required { r.error(Cursor(node: parent.node, path: parent.child(p.key)), "missing; expected \(what(p))") }
                continue
            }
            if let v = value(c, p.shape, what: p.what) { values[p.key] = v }
        }
        let reader = r
        return KindInput(values: values, context: context.kind) { key, message in
            reader.error(key.map { fields[$0] ?? Cursor(node: parent.node, path: parent.child($0)) } ?? parent, message)
        }
    }

    func what(_ p: Parameter) -> String { p.what ?? Self.what(p.shape) }

    static func what(_ shape: Parameter.Shape) -> String {
        switch shape {
        case .quantity(let d, _, _, _, _): "a \(d.rawValue) such as \(d.example)"
        case .fraction: "a fraction such as 50%"
        case .number: "a number"
        case .integer: "a whole number"
        case .choice(let choices): "one of \(choices.joined(separator: ", "))"
        case .schedule: "a fraction, a profile name or {profile, scale}"
        case .profile: "a profile name"
        case .district: "a district of the scenario"
        case .clockTime: "a local time such as \"23:00\""
        case .years: "a number of years or a duration"
        case .mapping: "a mapping"
        case .list: "a list"
        case .shares: "shares such as {7: 50%, 9: 50%}"
        case .anyOf(let shapes): shapes.map(what).joined(separator: " or ")
        case .yearMap(let item): "a year map of \(what(item))s such as {2025: 1.58, 2030: 1.3}"
        }
    }

    func value(_ c: Cursor, _ shape: Parameter.Shape, what: String?) -> ParameterValue? {
        let what = what ?? Self.what(shape)
        switch shape {
        case .quantity(let d, let minimum, let maximum, let positive, let whole):
            return r.quantity(c, d, minimum: minimum, maximum: maximum, positive: positive, whole: whole).map(ParameterValue.number)
        case .fraction(let maximum):
            return r.fraction(c, maximum: maximum).map(ParameterValue.number)
        case .number(let range):
            return r.number(c, what: what, range: range).map(ParameterValue.number)
        case .integer(let range):
            return r.integer(c, what: what, range: range).map { .number(Double($0)) }
        case .choice(let choices):
            return r.choice(c, choices, what: what).map(ParameterValue.text)
        case .schedule:
            return schedule(c).map(ParameterValue.schedule)
        case .profile:
            guard let name = r.string(c, what: what), let p = lookup(name, at: c) else { return nil }
            return .profile(name: name, p)
        case .district:
            guard let name = r.string(c, what: what) else { return nil }
            guard context.districts.contains(name) else {
                r.error(
                    c,
                    "unknown district `\(name)` (districts: \(context.districts.joined(separator: ", ")))" + Suggestion.didYouMean(name, in: context.districts))
                return nil
            }
            return .text(name)
        case .clockTime:
            return clockTime(c).map { .number(Double($0)) }
        case .years(let range):
            return years(c, range, what: what).map(ParameterValue.number)
        case .mapping(let parameters):
            guard let fields = r.mapping(c, allowed: parameters.map(\.key), what: what) else { return nil }
            return .fields(input(fields, parameters, parent: c))
        case .list(let item):
            guard let items = r.list(c, what: what) else { return nil }
            let values = items.compactMap { value($0, item, what: nil) }
            return values.count == items.count ? .list(values) : nil
        case .shares(let keys):
            return shares(c, keys: keys, what: what)
        case .yearMap(let item):
            return r.yearMap(c) { v in if case .number(let x)? = value(v, item, what: nil) { x } else { nil } }.map(ParameterValue.yearMap)
        case .anyOf(let shapes):
            guard let shape = alternative(shapes, for: c) else {
                r.error(c, "expected \(what), got \(c.found)")
                return nil
            }
            return value(c, shape, what: what)
        }
    }

    /// The alternative written the way `c` is: a scalar, a mapping (a distribution is a scalar's), a list.
    func alternative(_ shapes: [Parameter.Shape], for c: Cursor) -> Parameter.Shape? {
        func form(_ s: Parameter.Shape) -> Int {
            switch s {
            case .mapping, .shares, .yearMap: 1
            case .list: 2
            case .anyOf: 3
            default: 0
            }
        }
        switch c.node {
        case .mapping(let m):
            if m.count == 1, let key = m.keys.first?.scalar?.string, YAMLReader.distributionKinds[key] != nil,
                let scalar = shapes.first(where: { form($0) == 0 })
            {
                return scalar
            }
            return shapes.first { form($0) == 1 }
        case .sequence: return shapes.first { form($0) == 2 }
        default: return shapes.first { form($0) == 0 }
        }
    }

    /// A fraction, a profile name, or `{profile: NAME, scale: 60%}`.
    func schedule(_ c: Cursor) -> Schedule? {
        if case .mapping(let m) = c.node, m.count == 1, let key = m.keys.first?.scalar?.string,
            YAMLReader.distributionKinds[key] != nil
        {
            return r.fraction(c).map { .constant($0) }
        }
        if case .mapping = c.node {
            guard let f = r.mapping(c, allowed: ["profile", "scale"], what: "{profile: NAME, scale: 60%}") else { return nil }
            guard let p = r.required(f, "profile", in: c, what: "a profile name"), let name = r.string(p) else { return nil }
            let scale = f["scale"].map { r.fraction($0, maximum: nil) } ?? 1
            guard let profile = lookup(name, at: p), let scale else { return nil }
            return .profile(name: name, profile, scale: scale)
        }
        guard let s = c.scalar else {
            r.error(c, "expected a fraction, a profile name or {profile, scale}, got \(c.found)")
            return nil
        }
        if case .success = QuantityParser.parse(s, as: .fraction) {
            return r.fraction(c).map { .constant($0) }
        }
        return lookup(s, at: c).map { .profile(name: s, $0, scale: 1) }
    }

    func lookup(_ name: String, at c: Cursor) -> Profile? {
        if let p = context.profile(named: name) { return p }
        r.error(
            c,
            "unknown profile `\(name)` (define it under `profiles:` or use a built-in one: "
                + BuiltinProfiles.all.map(\.name).joined(separator: ", ") + ")" + Suggestion.didYouMean(name, in: context.profileNames))
        return nil
    }

    /// "HH:MM" → seconds of the day. YAML 1.1 reads unquoted 23:00 as a sexagesimal number, so both are accepted.
    func clockTime(_ c: Cursor) -> Int? {
        guard let s = c.scalar else { r.error(c, "expected a local time such as \"23:00\", got \(c.found)"); return nil }
        let parts = s.split(separator: ":")
        if parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440 {
            return (h * 60 + m) * 60 % 86_400
        }
        r.error(c, "expected a local time such as \"23:00\", got \(c.found)")
        return nil
    }

    /// A plain number of years, or a duration with a unit; greater than zero and within `range`.
    func years(_ c: Cursor, _ range: ClosedRange<Double>, what: String) -> Double? {
        // A distribution's bounds are years too (or durations with units), not seconds.
        if case .mapping = c.node {
            guard let v = r.distribution(c, within: range, { self.years($0, range, what: what) }) else {
                r.error(c, "expected \(what): a number of years, a duration or a distribution of them, got \(c.found)")
                return nil
            }
            return v.isNaN ? nil : v
        }
        let value: Double
        if let s = c.scalar, let v = Double(s) {
            value = v
        } else if let seconds = r.quantity(c, .duration, positive: true) {
            value = seconds / Dimension.yearSeconds
        } else {
            return nil
        }
        guard value > 0, value > range.lowerBound, value <= range.upperBound else {
            r.error(c, "expected \(what) from \(range.lowerBound.formatted2) to \(range.upperBound.formatted2) years (greater than zero), got \(c.found)")
            return nil
        }
        return value
    }

    /// `{7: 50%, 9: 30%, 12: 20%}`: whole-number keys within `keys`, shares that add up to 100%.
    func shares(_ c: Cursor, keys: ClosedRange<Int>, what: String) -> ParameterValue? {
        guard let pairs = r.pairs(c, what: "a distribution such as {\(keys.lowerBound): 50%, \(keys.upperBound): 50%}") else { return nil }
        var out: [(key: Int, share: Double)] = []
        for p in pairs {
            guard let k = Int(p.key), keys.contains(k) else {
                r.error(p.keyCursor, "expected \(what) from \(keys.lowerBound) to \(keys.upperBound), got \"\(p.key)\"")
                return nil
            }
            guard let share = r.fraction(p.value) else { return nil }
            out.append((k, share))
        }
        let total = out.reduce(0) { $0 + $1.share }
        if abs(total - 1) > 1e-6 {
            r.error(c, "expected shares that add up to 100%, got \((total * 100).formatted2)%")
            return nil
        }
        return .shares(out)
    }
}

extension Double {
    /// At most two decimals, for messages.
    var formatted2: String {
        let r = (self * 100).rounded() / 100
        return r == r.rounded() && abs(r) < 1e15 ? String(Int(r)) : String(r)
    }
}
