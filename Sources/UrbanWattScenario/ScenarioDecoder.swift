public import Foundation
public import UrbanWattCore
import Yams

/// Reads a scenario file into a validated `Scenario`, reporting every problem with its
/// file, line, column and field path.
public enum ScenarioDecoder {
    /// The most fleets and districts a scenario may have (docs/scenario-limits.md).
    public static let maximumFleets = 100_000
    public static let maximumDistricts = 100_000

    static let topKeys = [
        "urbanwatt", "name", "description", "seed", "location", "period", "grid", "profiles",
        "districts", "fleets", "boundary", "carriers", "effects", "check", "extends", "remove", "sources",
    ]

    /// Decodes `text`; `file` is used in diagnostics. `sampler` turns uncertain parameters into numbers.
    public static func decode(_ text: String, file: String, sampler: ParameterSampler = .central) throws(ScenarioErrors) -> Scenario {
        let reader = YAMLReader(file: file, sampler: sampler)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ScenarioErrors([yamlDiagnostic(error, file: file)])
        } catch {
            throw ScenarioErrors([Diagnostic(file: file, line: 1, column: 1, path: "", message: "\(error)")])
        }
        guard let root else {
            throw ScenarioErrors([
                Diagnostic(
                    file: file, line: 1, column: 1, path: "",
                    message: "the file is empty; expected a scenario with `urbanwatt: 1`, `name`, `period` and `fleets`")
            ])
        }
        var composition = Composition(reader: reader, text: text)
        let (composed, origins) = composition.resolve(root)
        reader.files = composition.files
        reader.origins = origins
        // Before the scenario: a mistake in `sources:` is reported with the others.
        let cited = citations(composed, composition: composition, origins: origins, reader: reader)
        var scenario = decodeScenario(Cursor(node: composed, path: ""), reader: reader)
        scenario?.citations = cited
        scenario?.uncertainParameters = reader.uncertain
        scenario?.uncertainValues = reader.uncertainValues
        scenario?.redrawsByParameter = reader.redraws
        if let scenario, reader.diagnostics.isEmpty { return scenario }
        let order = { (d: Diagnostic) in (reader.files.firstIndex(of: d.file) ?? 0, d.line, d.column) }
        throw ScenarioErrors(reader.diagnostics.sorted { order($0) < order($1) })
    }

    /// `text` as one self-contained scenario: itself, or with `extends` resolved into one document
    /// (written with the results, so a shard's scenario.yaml needs no other file).
    public static func selfContained(_ text: String, file: String) -> String {
        guard let root = try? Yams.compose(yaml: text), case .mapping(let m) = root, m["extends"] != nil else { return text }
        let reader = YAMLReader(file: file)
        var composition = Composition(reader: reader, text: text)
        let (composed, origins) = composition.resolve(root)
        // The comments of every file are lost in one document: their citations go in `sources:`.
        let cited = Citations.writing(citations(composed, composition: composition, origins: origins, reader: reader), into: composed)
        return (try? Yams.serialize(node: cited, allowUnicode: true, sortKeys: false)) ?? text
    }

    /// The sources the comments beside the figures cite, and those `sources:` declares over them.
    /// `sources:` inherited from the scenario this one extends (a shard's self-contained text
    /// extended in turn) names the parent's figures: one this file removed is passed over, and one
    /// this file writes again keeps this file's comment.
    static func citations(_ composed: Node, composition: Composition, origins: Composition.Origins?, reader: YAMLReader) -> [String: String] {
        var found = Citations.collect(composed, texts: composition.texts, origins: origins)
        if case .mapping(let m) = composed, let s = m["sources"] {
            let inherited = (origins?.file(of: "sources") ?? 0) != 0
            let declared = Citations.declared(Cursor(node: s, path: "sources"), root: composed, reader: reader, inherited: inherited)
            for (path, marks) in declared where !(inherited && found[path] != nil && origins?.file(of: path) == 0) { found[path] = marks }
        }
        return found
    }

    /// Reads and decodes a file; a missing or unreadable file is reported as `ScenarioFileError`.
    public static func load(path: String) throws -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else { throw ScenarioFileError.unreadable(path) }
        return try decode(try text(of: data, file: path), file: path)
    }

    /// The text of a scenario file: UTF-8, with a byte-order mark allowed and dropped. Bytes that are
    /// not UTF-8 and control characters (other than tab, line feed and carriage return) are reported
    /// at their line and column, before the YAML parser would report them at 1:1.
    /// `checkStart`: refuse a file whose first line is not a mapping (`firstLineNotAMapping`); a
    /// parent named by `extends` is checked by `Composition`, which locates the problem there.
    public static func text(of data: Data, file: String, checkStart: Bool = true) throws(ScenarioErrors) -> String {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var line = 1, column = 1
        var diagnostics: [Diagnostic] = []
        var i = 0
        while i < bytes.count && diagnostics.count < 10 {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            let sequence = length > 0 && i + length <= bytes.count ? Array(bytes[i..<i + length]) : []
            if sequence.isEmpty || String(validating: sequence, as: UTF8.self) == nil {
                diagnostics.append(
                    Diagnostic(
                        file: file, line: line, column: column, path: "",
                        message: "the byte 0x\(String(b, radix: 16, uppercase: true)) is not UTF-8 text; save the file as UTF-8"))
                i += 1
                column += 1
                continue
            }
            if b == 0x0A {
                line += 1
                column = 1
            } else {
                if b < 0x20 && b != 0x09 && b != 0x0D || b == 0x7F {
                    diagnostics.append(
                        Diagnostic(
                            file: file, line: line, column: column, path: "",
                            message: "a control character (U+\(String(format: "%04X", b))) is not allowed in a scenario"))
                }
                column += 1
            }
            i += length
        }
        if !diagnostics.isEmpty { throw ScenarioErrors(diagnostics) }
        let text = String(decoding: bytes, as: UTF8.self)
        if checkStart, let line = firstLineNotAMapping(text) {
            throw ScenarioErrors([
                Diagnostic(
                    file: file, line: line, column: 1, path: "",
                    message: "not an UrbanWatt scenario: it does not begin with a `key: value` mapping such as `urbanwatt: 1` (its content is not shown)")
            ])
        }
        return text
    }

    /// The line number of the first line that is neither blank, a comment, a document marker nor a
    /// top-level `key:`, when that line shows the file is not a scenario; nil for one that may be.
    /// A file given by mistake (`extends: /etc/shadow`) is refused here, before YAML could quote it.
    static func firstLineNotAMapping(_ text: String) -> Int? {
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let trimmed = line.drop { $0 == " " || $0 == "\t" || $0 == "\r" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if line.hasPrefix("---") || line.hasPrefix("%") || line.hasPrefix("{") { return nil }
            var key = trimmed.drop { $0 == "\"" || $0 == "'" }
            guard let first = key.first, first.isLetter || first == "_" else { return number }
            key = key.drop { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            key = key.drop { $0 == "\"" || $0 == "'" || $0 == " " }
            guard key.hasPrefix(":") else { return number }
            let after = key.dropFirst().first
            return after == nil || after == " " || after == "\t" || after == "\r" ? nil : number
        }
        return nil
    }

    static func yamlDiagnostic(_ error: YamlError, file: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let where_ = context.map { " \($0.text)" } ?? ""
            return Diagnostic(file: file, line: mark.line, column: mark.column, path: "", message: "malformed YAML: \(problem)\(where_)")
        case .reader(let problem, let offset, _, let yaml):
            let (line, column) = position(of: offset ?? 0, in: yaml)
            return Diagnostic(file: file, line: line, column: column, path: "", message: "unreadable YAML: \(problem)")
        case .duplicatedKeysInMapping(let keys, let context):
            let names = keys.map { "`\($0)`" }.joined(separator: ", ")
            return Diagnostic(
                file: file, line: context.mark.line, column: context.mark.column, path: "",
                message: "duplicate key \(names) in this mapping (each key may appear once)")
        default:
            return Diagnostic(file: file, line: 1, column: 1, path: "", message: "malformed YAML: \(error)")
        }
    }

    /// Line and column (from 1) of a character offset.
    static func position(of offset: Int, in text: String) -> (Int, Int) {
        var line = 1, column = 1
        for (k, ch) in text.enumerated() {
            if k >= offset { break }
            if ch == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    static func decodeScenario(_ root: Cursor, reader r: YAMLReader) -> Scenario? {
        guard let top = r.mapping(root, allowed: topKeys, what: "a scenario mapping with `urbanwatt: 1`, `name`, `period` and `fleets`")
        else { return nil }
        if let v = r.required(top, "urbanwatt", in: root, what: "the format version, 1") {
            if r.integer(v, what: "format version 1", range: 1...1) == nil {}
        }
        var name = "scenario"
        if let c = r.required(top, "name", in: root, what: "a scenario name such as mittelstadt"),
            let s = r.string(c)
        {
            if !Name.isValid(s) { r.error(c, Name.problem(s, what: "a scenario name")) }
            name = s
        }
        let description = top["description"].flatMap { r.string($0) } ?? ""
        var seed: UInt64 = 0
        if let c = top["seed"] {
            if let s = c.scalar, let v = UInt64(s) { seed = v } else { r.error(c, "expected a whole number ≥ 0, got \(c.found)") }
        }
        let (location, zone) = decodeLocation(top["location"], reader: r)
        let period = decodePeriod(top["period"], root: root, reader: r)
        let grid = gridCursor(top, reader: r).map { decodeGrid($0, reader: r) } ?? Grid()
        let profiles = top["profiles"].map { decodeProfiles($0, reader: r) } ?? [:]
        var districts = ["city"]
        if let c = top["districts"], let items = r.list(c, what: "a list of district names") {
            var seen = Set<String>()
            districts = items.compactMap { item in
                guard let s = r.string(item, what: "a district name") else { return nil }
                if !Name.isValid(s) { r.error(item, Name.problem(s, what: "a district name")) }
                if !seen.insert(s).inserted { r.error(item, "duplicate district `\(s)`") }
                return s
            }
            if districts.isEmpty { r.error(c, "expected at least one district"); districts = ["city"] }
            if districts.count > maximumDistricts {
                r.error(c, "expected at most \(maximumDistricts) districts, got \(districts.count)")
                districts = Array(districts.prefix(maximumDistricts))
            }
        }
        var checkTolerance: Double?
        if let c = top["check"], let f = r.mapping(c, allowed: ["tolerance"], what: "a mapping such as {tolerance: 0.1%}"),
            let t = f["tolerance"]
        {
            checkTolerance = r.fraction(t)
        }
        let context = FleetContext(
            profiles: profiles, districts: districts, hasLocation: location != nil, hasCarbon: grid.carbon != nil, hasPrice: grid.price != nil,
            currency: grid.currency,
            years: period.flatMap { $0.start < $0.end ? $0.start.year...$0.end.year : nil })
        var fleets: [Fleet] = []
        var fleetCursors: [Cursor] = []
        var declared = Set<String>()
        var declaredKinds = Set<String>()
        var undecoded: [Cursor] = []
        if let c = r.required(top, "fleets", in: root, what: "a list of fleets"), let items = r.list(c, what: "a list of fleets") {
            if items.isEmpty { r.error(c, "expected at least one fleet") }
            // Fleets are cohorts: a city needs tens, a country hundreds. Each costs about 11 KiB and
            // 70 µs to read; 1.5 million took 144 s and 3.2 GB to validate.
            if items.count > maximumFleets {
                r.error(c, "expected at most \(maximumFleets) fleets, got \(items.count); a fleet is a cohort of identical nodes (`count`)")
                return nil
            }
            // Fleets are named in messages by their name (`fleets[parking].power`), by their index
            // when the name is missing, invalid or given twice.
            var names: [String: Int] = [:]
            for item in items {
                if case .mapping(let m) = item.node, let n = m["name"]?.scalar?.string, Name.isValid(n) { names[n, default: 0] += 1 }
            }
            for listed in items {
                var item = listed
                if case .mapping(let m) = item.node, let k = m["kind"]?.scalar?.string { declaredKinds.insert(k) }
                if case .mapping(let m) = item.node, let n = m["name"]?.scalar?.string {
                    declared.insert(n)
                    if names[n] == 1 { item = Cursor(node: item.node, path: "\(c.path)[\(n)]") }
                }
                if let fleet = FleetDecoder.decode(item, context: context, reader: r) {
                    fleets.append(fleet)
                    fleetCursors.append(item)
                } else {
                    undecoded.append(item)
                }
            }
        }
        RoutingCheck.check(fleets, cursors: fleetCursors, declared: declared, undecoded: undecoded, reader: r)
        let boundary = top["boundary"].map { decodeBoundary($0, kinds: declaredKinds, declared: declared, reader: r) } ?? Boundary()
        let carriers = top["carriers"].map { CarrierDecoder.carriers($0, grid: grid, reader: r) } ?? []
        var effects = top["effects"].map { CarrierDecoder.effects($0, fleets: fleets, declared: declared, carriers: carriers, reader: r) } ?? []
        // What a building's BACS upgrade saves in heat is an effect of the fleet on the heat carrier.
        for (i, fleet) in fleets.enumerated() {
            guard let b = fleet.model as? Building, b.heat > 0, b.upgrade != nil else { continue }
            guard carriers.contains(where: { $0.name == "heat" }) else {
                let at = Cursor(node: fleetCursors[i].node, path: fleetCursors[i].child("heat"))
                r.error(at, "the heat a BACS upgrade saves needs the heat carrier: `carriers: {heat: {carbon_intensity: …, price: …}}`")
                continue
            }
            if effects.contains(where: { $0.name == "\(fleet.name).heat" }) {
                r.error(
                    Cursor(node: fleetCursors[i].node, path: fleetCursors[i].child("heat")),
                    "the effect `\(fleet.name).heat` is this building's heat saving; rename the effect of that name")
                continue
            }
            effects.append(
                Effect(
                    name: "\(fleet.name).heat", enabledBy: fleet.name, rate: b.heatSavedPerYear, carrier: "heat",
                    source: "[EN15232] overall thermal factors on the scenario's heat demand", rebound: fleet.rebound))
        }
        guard let period else { return nil }
        var scenario = Scenario(
            name: name, description: description, seed: seed, location: location, zone: zone, start: period.start,
            end: period.end, step: period.step, grid: grid, profiles: profiles, districts: districts, fleets: fleets,
            checkTolerance: checkTolerance)
        scenario.boundary = boundary
        scenario.carriers = carriers
        scenario.effects = effects
        if let excess = TrafficLimit.excess(scenario) {
            r.error(
                Cursor(node: fleetCursors[excess.fleet].node, path: fleetCursors[excess.fleet].path),
                TrafficLimit.problem(scenario, fleet: excess.fleet, total: excess.total))
        }
        return scenario
    }

    static func decodeLocation(_ c: Cursor?, reader r: YAMLReader) -> (Location?, Zone) {
        guard let c, let f = r.mapping(c, allowed: ["latitude", "longitude", "timezone"], what: "a mapping {latitude, longitude, timezone}")
        else { return (nil, .utc) }
        var zone = Zone.utc
        if let t = f["timezone"], let s = r.string(t, what: "an IANA time zone such as Europe/Berlin") {
            if let z = Zone(identifier: s) {
                zone = z
            } else {
                r.error(
                    t,
                    "expected an IANA time zone such as \"Europe/Berlin\", got \(t.found)"
                        + Suggestion.didYouMean(s, in: TimeZone.knownTimeZoneIdentifiers))
            }
        }
        var lat: Double?, lon: Double?
        if let c = f["latitude"], let v = r.number(c, what: "a latitude in degrees") {
            if abs(v) > 90 { r.error(c, "expected a latitude from -90 to 90 degrees, got \(c.found)") } else { lat = v }
        }
        if let c = f["longitude"], let v = r.number(c, what: "a longitude in degrees") {
            if abs(v) > 180 { r.error(c, "expected a longitude from -180 to 180 degrees, got \(c.found)") } else { lon = v }
        }
        if (lat == nil) != (lon == nil), f["latitude"] == nil || f["longitude"] == nil {
            r.error(c, "expected both latitude and longitude")
        }
        if let lat, let lon { return (Location(latitude: lat, longitude: lon), zone) }
        return (nil, zone)
    }

    static func decodePeriod(_ c: Cursor?, root: Cursor, reader r: YAMLReader) -> (start: CivilDate, end: CivilDate, step: Int64)? {
        guard let c else {
            r.error(Cursor(node: root.node, path: "period"), "missing; expected {start: 2025-01-01, end: 2026-01-01, step: 15 min}")
            return nil
        }
        guard let f = r.mapping(c, allowed: ["start", "end", "step"], what: "a mapping {start, end, step}") else { return nil }
        func date(_ key: String) -> CivilDate? {
            guard let d = r.required(f, key, in: c, what: "a date such as 2025-01-01") else { return nil }
            guard let s = d.scalar, let v = CivilDate(iso: s) else {
                r.error(d, "expected a date such as 2025-01-01, got \(d.found)")
                return nil
            }
            return v
        }
        let start = date("start"), end = date("end")
        var step: Int64 = 900
        if let s = f["step"], let v = r.quantity(s, .duration, positive: true) {
            if !StepClock.isValidStep(v) {
                r.error(s, "expected a step that divides a day (such as 15 min, 1 h), got \(s.found)")
            } else {
                step = Int64(v)
            }
        }
        guard let start, let end else { return nil }
        if end <= start {
            // `end` was read from `f["end"]`, so the key is there.
            r.error(f["end"]!, "expected an end after the start (\(start)), got \(end)")
            return nil
        }
        return (start, end, step)
    }

    /// `boundary: {exclude: {NAME: REASON}}`: fleets or kinds left out of the ICT overhead, each
    /// with the reason it is booked elsewhere.
    /// `declared` and `kinds` are every fleet entry's name and kind, also of entries with problems
    /// of their own (reported once, there).
    static func decodeBoundary(_ c: Cursor, kinds: Set<String>, declared: Set<String>, reader r: YAMLReader) -> Boundary {
        let example = "{exclude: {smart-meter-gateways: booked as grid losses by the meter operator}}"
        guard let f = r.mapping(c, allowed: ["exclude"], what: example),
            let e = r.required(f, "exclude", in: c, what: "a mapping of fleet or kind names to the reason each is left out"),
            let pairs = r.pairs(e, what: "a mapping of fleet or kind names to the reason each is left out, such as \(example)")
        else { return Boundary() }
        var exclusions: [Boundary.Exclusion] = []
        for p in pairs {
            guard declared.contains(p.key) || kinds.contains(p.key) else {
                let names = declared.sorted() + kinds.sorted()
                r.error(p.keyCursor, "`\(p.key)` is neither a fleet nor a kind of this scenario" + Suggestion.didYouMean(p.key, in: names))
                continue
            }
            guard let reason = r.string(p.value, what: "the reason it is left out of the ICT overhead") else { continue }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                r.error(p.value, "expected the reason it is left out of the ICT overhead, got an empty text")
                continue
            }
            exclusions.append(Boundary.Exclusion(name: p.key, reason: reason))
        }
        return Boundary(exclusions: exclusions)
    }
}

/// A scenario file that cannot be read at all (exit 66).
public enum ScenarioFileError: Error, CustomStringConvertible {
    case unreadable(String)

    public var description: String {
        switch self {
        case .unreadable(let path): "\(path): cannot read the scenario file (no such file, or no permission)"
        }
    }
}
