import Foundation
import UrbanWattCore
import Yams

/// A YAML node with the field path that leads to it.
struct Cursor {
    let node: Node
    let path: String

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    func element(_ i: Int) -> String { "\(path)[\(i)]" }

    /// A short description of what the node is, for "got …" in messages.
    var found: String {
        switch node {
        case .scalar(let s): s.string.isEmpty ? "nothing" : "\"\(Self.shown(s.string))\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    var scalar: String? { node.scalar?.string }

    /// A found value as an error quotes it: its first line, at most 60 characters.
    static func shown(_ value: String) -> String {
        let line = value.prefix { $0 != "\n" && $0 != "\r" }
        return line.count > 60 || line.count < value.count ? line.prefix(60) + "…" : value
    }

    /// A plain scalar YAML 1.1 reads as null.
    var isNull: Bool {
        guard let s = node.scalar, s.style == .plain else { return false }
        return ["~", "null", "Null", "NULL"].contains(s.string)
    }
}

/// Reads typed values out of YAML nodes, collecting every problem instead of stopping at the first.
final class YAMLReader {
    let file: String
    let sampler: ParameterSampler
    private(set) var diagnostics: [Diagnostic] = []
    private var reported = Set<String>()
    /// Paths of the parameters given as distributions.
    private(set) var uncertain: [String] = []
    /// The value each of `uncertain` took (its draw, or its central value).
    private(set) var uncertainValues: [Double] = []
    private var uncertainSeen = Set<String>()
    /// Draws rejected because they fell outside their quantity's valid range (`--runs` only).
    /// Draws rejected as outside their valid range, by parameter path (`--runs`).
    private(set) var redraws: [String: Int] = [:]

    /// The files of an `extends` chain (the first is `file`) and where each part came from.
    var files: [String]
    var origins: Composition.Origins?

    init(file: String, sampler: ParameterSampler = .central) {
        self.file = file
        self.sampler = sampler
        files = [file]
    }

    /// The file that holds the value at `path`.
    func file(of path: String) -> String { origins.map { files[$0.file(of: path)] } ?? file }

    func error(_ cursor: Cursor, _ message: String) {
        let mark = cursor.node.mark
        report(Diagnostic(file: file(of: cursor.path), line: mark?.line ?? 1, column: mark?.column ?? 1, path: cursor.path, message: message))
    }

    func error(line: Int, column: Int, path: String, _ message: String) {
        report(Diagnostic(file: file(of: path), line: line, column: column, path: path, message: message))
    }

    /// Each problem once: a fleet's keys are read again for `replaces:` and `reference:`.
    private func report(_ d: Diagnostic) {
        if reported.insert(d.description).inserted { diagnostics.append(d) }
    }

    /// Problems found elsewhere (in a file `extends` names).
    func append(_ found: [Diagnostic]) { diagnostics += found }

    // MARK: Structure

    /// The fields of a mapping; unknown keys (not in `allowed`) and duplicates are reported.
    func mapping(_ c: Cursor, allowed: [String], what: String) -> [String: Cursor]? {
        guard case .mapping(let m) = c.node else {
            error(c, "expected \(what), got \(c.found)")
            return nil
        }
        var fields: [String: Cursor] = [:]
        for (k, v) in m {
            let key = k.scalar?.string ?? ""
            let keyCursor = Cursor(node: k, path: c.child(key))
            if !allowed.contains(key) {
                error(keyCursor, "unknown key `\(key)`" + Suggestion.didYouMean(key, in: allowed))
                continue
            }
            if fields[key] != nil {
                error(keyCursor, "duplicate key `\(key)`")
                continue
            }
            fields[key] = Cursor(node: v, path: c.child(key))
        }
        return fields
    }

    /// The pairs of a mapping whose keys are free (names, years), in file order.
    func pairs(_ c: Cursor, what: String) -> [(key: String, keyCursor: Cursor, value: Cursor)]? {
        guard case .mapping(let m) = c.node else {
            error(c, "expected \(what), got \(c.found)")
            return nil
        }
        return m.map { k, v in
            let key = k.scalar?.string ?? ""
            return (key, Cursor(node: k, path: c.child(key)), Cursor(node: v, path: c.child(key)))
        }
    }

    func list(_ c: Cursor, what: String) -> [Cursor]? {
        guard case .sequence(let s) = c.node else {
            error(c, "expected \(what), got \(c.found)")
            return nil
        }
        return s.enumerated().map { Cursor(node: $1, path: c.element($0)) }
    }

    /// Reports a missing required field at its parent mapping.
    func required(_ fields: [String: Cursor], _ key: String, in parent: Cursor, what: String) -> Cursor? {
        if let c = fields[key] { return c }
        error(Cursor(node: parent.node, path: parent.child(key)), "missing; expected \(what)")
        return nil
    }

    // MARK: Scalars

    /// A scalar as text; a plain `~` or `null` is YAML's null, not the text "null".
    func string(_ c: Cursor, what: String = "a text") -> String? {
        guard let s = c.scalar, !c.isNull else {
            error(c, "expected \(what), got \(c.isNull ? "null" : c.found)")
            return nil
        }
        return s
    }

    /// A plain number within `range` (finite, and at most `Dimension.count.limit` in magnitude).
    func number(_ c: Cursor, what: String = "a number", range: ClosedRange<Double>? = nil) -> Double? {
        let bounds = range ?? -UrbanWattCore.Dimension.count.limit...Dimension.count.limit
        if let d = distribution(c, within: bounds, { self.number($0, what: what) }) { return d.isNaN ? nil : d }
        guard let s = c.scalar, let v = Double(s.replacingOccurrences(of: "_", with: "")), v.isFinite else {
            error(c, "expected \(what), got \(c.found)")
            return nil
        }
        guard bounds.contains(v) else {
            error(c, "expected \(what) from \(bounds.lowerBound.formatted2) to \(bounds.upperBound.formatted2), got \(c.found)")
            return nil
        }
        return v
    }

    func integer(_ c: Cursor, what: String = "a whole number", range: ClosedRange<Int>? = nil) -> Int? {
        guard let s = c.scalar, let v = Int(s.replacingOccurrences(of: "_", with: "")) else {
            error(c, "expected \(what), got \(c.found)")
            return nil
        }
        if let range, !range.contains(v) {
            let bounds = range.count == 1 ? "" : " from \(range.lowerBound) to \(range.upperBound)"
            error(c, "expected \(what)\(bounds), got \(v)")
            return nil
        }
        return v
    }

    /// A quantity in canonical units, e.g. power in W, within [minimum, maximum]: `minimum` defaults to
    /// 0 (nil allows negatives), `maximum` to the dimension's `limit`; `positive` excludes zero and
    /// `whole` anything but whole numbers (counts of nodes, bytes, heads).
    func quantity(
        _ c: Cursor, _ dimension: UrbanWattCore.Dimension, minimum: Double? = 0, maximum: Double? = nil, positive: Bool = false,
        whole: Bool = false
    ) -> Double? {
        let name = dimension == .count ? (whole ? "a whole number" : "a number") : "a \(dimension.rawValue)"
        let top = min(maximum ?? dimension.limit, dimension.limit)
        let bottom = max(minimum ?? -top, -top)
        if !whole, let v = distribution(c, within: bottom...top, { self.quantity($0, dimension, minimum: nil) }) {
            if v.isNaN { return nil }
            if positive && v <= 0 { error(c, "expected \(name) greater than zero, but the distribution can give \(v)"); return nil }
            return v
        }
        guard let s = c.scalar else {
            error(c, "expected \(name) such as \(dimension.example), got \(c.found)")
            return nil
        }
        switch QuantityParser.parse(s, as: dimension) {
        case .success(let v):
            let unit = dimension.canonicalUnit.isEmpty ? "" : " \(dimension.canonicalUnit)"
            if positive && v <= 0 {
                error(c, "expected \(name) greater than zero, got \(c.found)")
                return nil
            }
            if v < bottom {
                error(c, "expected \(name) of at least \(bottom.formatted2)\(unit), got \(c.found)")
                return nil
            }
            if v > top && dimension == .fraction && top == 1 {
                error(c, "expected a fraction from 0 to 100%, got \(c.found)")
                return nil
            }
            if v > top {
                error(c, "expected \(name) of at most \(top.formatted2)\(unit), got \(c.found)")
                return nil
            }
            if whole && v.rounded() != v {
                error(c, "expected a whole number, got \(c.found)")
                return nil
            }
            return v
        case .failure(.unknownUnit(let unit, let other)):
            let hint = other.map { " (a unit of \($0.rawValue))" } ?? ""
            error(c, "expected \(name) such as \(dimension.example), got \"\(s)\"; `\(unit)` is not a unit of \(dimension.rawValue)\(hint)")
            return nil
        case .failure(.notANumber):
            error(c, "expected \(name) such as \(dimension.example), got \(c.found)")
            return nil
        }
    }

    static let distributionKinds = ["uniform": 2, "normal": 2, "triangular": 3]

    /// A parameter written as `{uniform: [a, b]}`, `{normal: [mean, sd]}` or `{triangular: [min, mode, max]}`,
    /// each bound a plain value read by `bound`; nil (and no error) when `c` is not such a mapping, NaN
    /// after reporting a malformed one. Without `--runs` the value is the central one; with it, one draw
    /// per run, redrawn until it falls in `range` (a truncated distribution; the redraws are counted).
    func distribution(_ c: Cursor, within range: ClosedRange<Double>, _ bound: (Cursor) -> Double?) -> Double? {
        guard case .mapping(let m) = c.node, m.count == 1, let key = m.keys.first?.scalar?.string,
            let arity = YAMLReader.distributionKinds[key], let value = m.values.first
        else { return nil }
        let at = Cursor(node: value, path: c.child(key))
        guard case .sequence(let items) = value, items.count == arity else {
            // `key` is one of the three: `mapping(allowed:)` refused any other above.
            let form = ["uniform": "[min, max]", "normal": "[mean, sd]", "triangular": "[min, mode, max]"][key]!
            error(at, "expected \(arity) values \(form), got \(at.found)")
            return .nan
        }
        // Bounds are plain values: a distribution of distributions (or an alias to one) would make
        // reading a file exponential in its nesting.
        for (i, item) in items.enumerated() where item.scalar == nil {
            error(Cursor(node: item, path: at.element(i)), "expected a plain value as a bound of a distribution, got \(Cursor(node: item, path: "").found)")
            return .nan
        }
        let bounds = items.enumerated().map { bound(Cursor(node: $1, path: at.element($0))) }
        // `!` here and below only after the nil check in the same guard.
        guard bounds.allSatisfy({ $0 != nil && !$0!.isNaN }) else { return .nan }
        let b = bounds.map { $0! }
        let d: Distribution
        let allowed = "from \(range.lowerBound.formatted2) to \(range.upperBound.formatted2)"
        let inRange = key == "normal" ? [b[0]] : b
        if let outside = inRange.first(where: { !range.contains($0) }) {
            error(at, "expected \(key == "normal" ? "a mean" : "bounds") \(allowed), got \(outside)")
            return .nan
        }
        switch key {
        case "uniform":
            guard b[0] <= b[1] else { error(at, "expected min ≤ max, got [\(b[0]), \(b[1])]"); return .nan }
            d = .uniform(b[0], b[1])
        case "normal":
            guard b[1] >= 0 else { error(at, "expected a standard deviation ≥ 0, got \(b[1])"); return .nan }
            d = .normal(mean: b[0], sd: b[1])
        default:
            guard b[0] <= b[1], b[1] <= b[2] else { error(at, "expected min ≤ mode ≤ max, got \(b)"); return .nan }
            d = .triangular(min: b[0], mode: b[1], max: b[2])
        }
        // A key read again for `replaces:` or `reference:` draws the same value (draws follow the
        // path); it is one uncertain input, counted once.
        let first = uncertainSeen.insert(c.path).inserted
        if first { uncertain.append(c.path) }
        guard let draw = sampler.value(of: d, at: c.path, within: range) else {
            if first { uncertainValues.append(.nan) }
            error(at, "no draw fell \(allowed) in \(ParameterSampler.maximumRedraws + 1) attempts: the distribution lies outside the valid range")
            return .nan
        }
        if first {
            redraws[c.path, default: 0] += draw.redraws
            uncertainValues.append(draw.value)
        }
        return draw.value
    }

    /// A fraction written as `50%` or `0.5`, within [0, maximum] (nil: up to the dimension's limit).
    func fraction(_ c: Cursor, maximum: Double? = 1) -> Double? {
        guard let v = quantity(c, .fraction, maximum: maximum ?? UrbanWattCore.Dimension.fraction.limit) else {
            return nil
        }
        return v
    }

    func bool(_ c: Cursor) -> Bool? {
        switch c.scalar?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(c, "expected true or false, got \(c.found)")
            return nil
        }
    }

    /// One of `choices`.
    func choice(_ c: Cursor, _ choices: [String], what: String) -> String? {
        guard let s = c.scalar, choices.contains(s) else {
            let got = c.scalar ?? ""
            error(c, "expected \(what) (\(choices.joined(separator: ", "))), got \(c.found)" + Suggestion.didYouMean(got, in: choices))
            return nil
        }
        return s
    }

    /// A value that is constant or a map of years: `500` or `{2025: 500, 2030: 4000}`.
    func yearMap(_ c: Cursor, _ dimension: UrbanWattCore.Dimension, minimum: Double? = 0, maximum: Double? = nil, whole: Bool = false) -> YearMap? {
        if case .mapping = c.node {
            return yearMap(c) { quantity($0, dimension, minimum: minimum, maximum: maximum, whole: whole) }
        }
        return quantity(c, dimension, minimum: minimum, maximum: maximum, whole: whole).map(YearMap.init)
    }

    /// The mapping `c` as a year map, each value read by `value`; every problem reported.
    func yearMap(_ c: Cursor, value: (Cursor) -> Double?) -> YearMap? {
        guard let pairs = pairs(c, what: "a year map") else { return nil }
        var points: [(Int, Double)] = []
        var ok = true
        for p in pairs {
            guard let year = Int(p.key), (1900...2200).contains(year) else {
                error(p.keyCursor, "expected a year such as 2025, got \"\(p.key)\"")
                ok = false
                continue
            }
            if points.contains(where: { $0.0 == year }) {
                error(p.keyCursor, "duplicate year \(year)")
                ok = false
                continue
            }
            guard let v = value(p.value) else { ok = false; continue }
            points.append((year, v))
        }
        if points.isEmpty && ok { error(c, "expected at least one year in the year map") }
        return ok && !points.isEmpty ? YearMap(points: points) : nil
    }

    /// 24 numbers, for an hourly shape.
    func hourly(_ c: Cursor, range: ClosedRange<Double>?, dimension: UrbanWattCore.Dimension = .fraction) -> [Double]? {
        guard let items = list(c, what: "a list of 24 hourly values") else { return nil }
        guard items.count == 24 else {
            error(c, "expected 24 hourly values (0:00 to 23:00), got \(items.count)")
            return nil
        }
        var values: [Double] = []
        for item in items {
            guard let v = quantity(item, dimension) else { return nil }
            if let range, !range.contains(v) {
                error(item, "expected a value from \(range.lowerBound) to \(range.upperBound), got \(item.found)")
                return nil
            }
            values.append(v)
        }
        return values
    }
}
