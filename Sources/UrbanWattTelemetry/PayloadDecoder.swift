import Foundation
import UrbanWattCore

/// Reads a telemetry message in any of the five formats back into node, fleet, energy and seq, and
/// refuses anything a hostile or broken publisher could send: a payload over `maximumPayload`
/// bytes, JSON nested deeper than `JSONParser.maximumDepth`, a seq that is not a whole number in
/// 0…2^53, an energy that is not finite and ≥ 0, a node or fleet that is not a valid name.
public enum PayloadDecoder {
    public struct Decoded: Sendable, Equatable {
        public var node: String
        public var fleet: String
        public var kind: String?
        public var energy: Double
        public var seq: Int
        /// The node's mean power since its previous message, W, when the message says it.
        public var power: Double? = nil
        /// When the reading was taken, Unix seconds, when the message says it.
        public var time: Double? = nil
        /// The district the node was in when it sent, when the payload says it (FIWARE's `d`, the
        /// InfluxDB line's tag): where a topic cannot name it, a fleet that moves is placed by it.
        public var district: String? = nil
    }

    /// What a payload says, before its checks.
    typealias Fields = (
        node: String, fleet: String?, kind: String?, energy: Double?, seq: Double?, power: Double?, time: Double?, district: String?
    )

    /// Why a message was not counted.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Far above any UrbanWatt message (about 200 bytes).
    public static let maximumPayload = 16_384
    /// Sequence numbers are exact in a JSON number (a double) below 2^53; 2^53 itself is refused,
    /// as 2^53 + 1 reads back as it.
    public static let maximumSeq = 9_007_199_254_740_991.0

    /// `fleetMode`: the stream is one message per fleet (the `running` status says so), so the node
    /// id is the fleet's name even when it ends in a dash and digits. `properties` (MQTT 5): a content
    /// type picks the format instead of the payload's first bytes, and `energy_unit` / `power_unit`
    /// user properties convert to J and W.
    public static func decode(
        topic: String, payload: [UInt8], fleetMode: Bool = false,
        properties: MessageProperties = MessageProperties()
    ) -> Result<Decoded, Invalid> {
        guard payload.count <= maximumPayload else { return .failure(Invalid(reason: "payload of \(payload.count) bytes (at most \(maximumPayload))")) }
        guard let first = payload.first(where: { $0 != 0x20 }) else { return .failure(Invalid(reason: "empty payload")) }
        let text = String(decoding: payload, as: UTF8.self)
        guard let energyUnit = unit(properties.user("energy_unit"), energyUnits), let powerUnit = unit(properties.user("power_unit"), powerUnits) else {
            return .failure(
                Invalid(reason: "units \(properties.user("energy_unit") ?? "J") and \(properties.user("power_unit") ?? "W") are not an energy and a power"))
        }
        let type = properties.contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let raw: Result<Fields, Invalid>
        switch type {
        case "application/senml+json":
            raw = first == UInt8(ascii: "[") ? senml(text) : .failure(Invalid(reason: "content type \(type!) but not a SenML array"))
        case "application/json":
            raw = first == UInt8(ascii: "{") ? json(text, topic: topic) : .failure(Invalid(reason: "content type \(type!) but not a JSON object"))
        case "text/plain":
            raw = text.hasPrefix("urbanwatt,") ? influx(text) : ultraLight(text, topic: topic)
        default:
            // No content type (MQTT 3.1.1, or another publisher): the first bytes tell.
            if first == UInt8(ascii: "[") {
                raw = senml(text)
            } else if text.hasPrefix("urbanwatt,") {
                raw = influx(text)
            } else if first == UInt8(ascii: "{") {
                raw = json(text, topic: topic)
            } else {
                raw = ultraLight(text, topic: topic)
            }
        }
        return raw.map { r -> Fields in
            (r.node, r.fleet, r.kind, r.energy.map { $0 * energyUnit }, r.seq, r.power.map { $0 * powerUnit }, r.time, r.district)
        }.flatMap {
            r in
            guard Name.isValid(r.node) || isNodeID(r.node) else { return .failure(Invalid(reason: "node id \"\(r.node.prefix(80))\" is not a valid name")) }
            let fleet = r.fleet ?? (fleetMode ? r.node : fleet(of: r.node))
            guard Name.isValid(fleet) else { return .failure(Invalid(reason: "fleet \"\(fleet.prefix(80))\" is not a valid name")) }
            guard let energy = r.energy, energy.isFinite, energy >= 0 else { return .failure(Invalid(reason: "energy missing, negative or not finite")) }
            guard let s = r.seq, s == s.rounded(), s >= 0, s <= maximumSeq else {
                return .failure(Invalid(reason: "seq missing or not a whole number from 0 to 2^53 − 1"))
            }
            let power = r.power.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
            let time = r.time.flatMap { $0.isFinite ? $0 : nil }
            let district = r.district.flatMap { Name.isValid($0) ? $0 : nil }
            return .success(Decoded(node: r.node, fleet: fleet, kind: r.kind, energy: energy, seq: Int(s), power: power, time: time, district: district))
        }
    }

    /// The urbanwatt JSON, or FIWARE JSON (whose device id is the topic level before "attrs").
    static func json(_ text: String, topic: String) -> Result<Fields, Invalid> {
        let v: JSONValue
        do { v = try JSONParser.parse(text) } catch { return .failure(Invalid(reason: error.description)) }
        if let node = v["node"]?.stringValue {
            return .success(
                (
                    node, v["fleet"]?.stringValue, v["kind"]?.stringValue, v["energy_j"]?.doubleValue, v["seq"]?.doubleValue, v["power_w"]?.doubleValue,
                    v["ts"]?.stringValue.flatMap(isoTime), nil
                ))
        }
        guard let node = fiwareDevice(topic) else { return .failure(Invalid(reason: "no node id (neither `node` nor a FIWARE …/{device}/attrs topic)")) }
        return .success(
            (
                node, v["f"]?.stringValue, nil, v["e"]?.doubleValue, v["s"]?.doubleValue, v["p"]?.doubleValue,
                v["TimeInstant"]?.stringValue.flatMap(isoTime), v["d"]?.stringValue
            ))
    }

    /// UltraLight 2.0: key|value|key|value…
    static func ultraLight(_ text: String, topic: String) -> Result<Fields, Invalid> {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count % 2 == 0 else { return .failure(Invalid(reason: "UltraLight with an odd number of fields")) }
        guard let node = fiwareDevice(topic) else { return .failure(Invalid(reason: "not JSON, SenML, or UltraLight on a FIWARE …/{device}/attrs topic")) }
        var fields: [Substring: Substring] = [:]
        for k in stride(from: 0, to: parts.count, by: 2) { fields[parts[k]] = parts[k + 1] }
        return .success(
            (
                node, fields["f"].map(String.init), nil, fields["e"].flatMap { Double($0) }, fields["s"].flatMap { Double($0) },
                fields["p"].flatMap { Double($0) }, fields["TimeInstant"].flatMap { isoTime(String($0)) }, fields["d"].map(String.init)
            ))
    }

    /// RFC 8428 SenML: records named base name + name; the node is the last part of the base name.
    static func senml(_ text: String) -> Result<Fields, Invalid> {
        let records: [JSONValue]
        do {
            guard case .array(let r) = try JSONParser.parse(text) else { return .failure(Invalid(reason: "SenML that is not an array")) }
            records = r
        } catch { return .failure(Invalid(reason: error.description)) }
        var baseName = "", energy: Double?, seq: Double?, power: Double?, time: Double?
        for r in records {
            if let bn = r["bn"]?.stringValue { baseName = bn }
            if let bt = r["bt"]?.doubleValue { time = bt }
            switch r["n"]?.stringValue {
            case "energy": if r["u"]?.stringValue == "J" { energy = r["v"]?.doubleValue }
            case "power": if r["u"]?.stringValue == "W" { power = r["v"]?.doubleValue }
            case "seq": seq = r["v"]?.doubleValue
            default: break
            }
        }
        let parts = baseName.split(separator: ":", omittingEmptySubsequences: true)
        guard baseName.hasPrefix("urn:dev:urbanwatt:"), parts.count >= 5 else {
            return .failure(Invalid(reason: "SenML base name is not urn:dev:urbanwatt:{scenario}:{node}:"))
        }
        return .success((String(parts[4]), nil, nil, energy, seq, power, time, nil))
    }

    /// InfluxDB line protocol: `urbanwatt,tag=value,… field=value,… timestamp`, with `\` escaping
    /// commas, equals signs and spaces in tags; `seq` an integer field (`3i`).
    static func influx(_ text: String) -> Result<Fields, Invalid> {
        // Split at unescaped separators, unescaping as we go.
        func split(_ s: Substring, at separator: Character) -> [String] {
            var parts: [String] = [], current = "", escaped = false
            for c in s {
                if escaped {
                    current.append(c); escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if c == separator {
                    parts.append(current)
                    current = ""
                } else {
                    current.append(c)
                }
            }
            parts.append(current)
            return parts
        }
        // The sections are separated by the first two unescaped spaces.
        var sections: [Substring] = []
        var start = text.startIndex, escaped = false
        for i in text.indices {
            if escaped { escaped = false; continue }
            if text[i] == "\\" {
                escaped = true
            } else if text[i] == " " && sections.count < 2 {
                sections.append(text[start..<i])
                start = text.index(after: i)
            }
        }
        sections.append(text[start...])
        guard sections.count == 3 else { return .failure(Invalid(reason: "line protocol without tags, fields and a timestamp")) }
        var tags: [String: String] = [:], fields: [String: String] = [:]
        for pair in split(sections[0], at: ",").dropFirst() {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { tags[String(kv[0])] = String(kv[1]) }
        }
        for pair in sections[1].split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
        }
        guard let node = tags["node"] else { return .failure(Invalid(reason: "line protocol without a node tag")) }
        let seq = fields["seq"].flatMap { $0.hasSuffix("i") ? Double($0.dropLast()) : nil }
        let time = sections[2].trimmingCharacters(in: .whitespaces).split(separator: " ").first.flatMap { Int64($0) }.map { Double($0) / 1e9 }
        return .success(
            (
                node, tags["fleet"], tags["kind"], fields["energy_j"].flatMap { Double($0) }, seq, fields["power_w"].flatMap { Double($0) }, time,
                tags["district"]
            ))
    }

    /// `2025-01-01T00:15:00Z` or with milliseconds (`…:00.250Z`), as UrbanWatt writes it → Unix seconds.
    static func isoTime(_ text: String) -> Double? {
        let u = Array(text.utf8)
        guard u.count == 20 || (u.count == 24 && u[19] == UInt8(ascii: ".")), u.last == UInt8(ascii: "Z"), u[10] == UInt8(ascii: "T"),
            let date = CivilDate(iso: String(decoding: u[0..<10], as: UTF8.self))
        else { return nil }
        func number(_ r: Range<Int>) -> Int? { Int(String(decoding: u[r], as: UTF8.self)) }
        guard let h = number(11..<13), let m = number(14..<16), let sec = number(17..<19), h < 24, m < 60, sec < 61 else { return nil }
        let ms = u.count == 24 ? number(20..<23) : 0
        guard let ms else { return nil }
        return Double(date.daysSinceEpoch * 86_400 + h * 3600 + m * 60 + sec) + Double(ms) / 1000
    }

    static let energyUnits: [String: Double] = ["J": 1, "kJ": 1e3, "MJ": 1e6, "Wh": 3600, "kWh": 3.6e6, "MWh": 3.6e9]
    static let powerUnits: [String: Double] = ["W": 1, "mW": 1e-3, "kW": 1e3, "MW": 1e6]

    /// The factor of `symbol` in `table` (1 when absent), nil for a symbol it does not know.
    static func unit(_ symbol: String?, _ table: [String: Double]) -> Double? {
        guard let symbol else { return 1 }
        return table[symbol]
    }

    /// `…/{device}/attrs` → the node: the device id after its `{scenario}:` prefix, if any.
    static func fiwareDevice(_ topic: String) -> String? {
        let levels = topic.split(separator: "/")
        guard levels.count >= 2, levels.last == "attrs" else { return nil }
        let device = levels[levels.count - 2]
        return String(device.lastIndex(of: ":").map { device[device.index(after: $0)...] } ?? device)
    }

    /// Node ids are `{fleet}-{index}`.
    static func fleet(of node: String) -> String {
        guard let dash = node.lastIndex(of: "-"), Int(node[node.index(after: dash)...]) != nil else { return node }
        return String(node[..<dash])
    }

    static func isNodeID(_ node: String) -> Bool { Name.isValid(fleet(of: node)) && node.utf8.count <= Name.maximumLength + 21 }
}
