import UrbanWattCore

/// Reads a telemetry message in any of the four formats back into node, fleet, energy and seq.
public enum PayloadDecoder {
    public struct Decoded: Sendable, Equatable {
        public var node: String
        public var fleet: String
        public var kind: String?
        public var energy: Double
        public var seq: Int
    }

    public static func decode(topic: String, payload: [UInt8]) -> Decoded? {
        guard let first = payload.first(where: { $0 != 0x20 }) else { return nil }
        let text = String(decoding: payload, as: UTF8.self)
        if first == UInt8(ascii: "[") { return senml(text) }
        if first == UInt8(ascii: "{") {
            guard let v = try? JSONParser.parse(text) else { return nil }
            if let node = v["node"]?.stringValue {  // urbanwatt json
                guard let fleet = v["fleet"]?.stringValue, let e = v["energy_j"]?.doubleValue, let s = v["seq"]?.doubleValue else { return nil }
                return Decoded(node: node, fleet: fleet, kind: v["kind"]?.stringValue, energy: e, seq: Int(s))
            }
            // FIWARE JSON: the device id is the topic level before "attrs".
            guard let e = v["e"]?.doubleValue, let s = v["s"]?.doubleValue, let node = fiwareDevice(topic) else { return nil }
            return Decoded(node: node, fleet: v["f"]?.stringValue ?? fleet(of: node), kind: nil, energy: e, seq: Int(s))
        }
        // UltraLight 2.0: key|value|key|value…
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count % 2 == 0, let node = fiwareDevice(topic) else { return nil }
        var fields: [String: String] = [:]
        for k in stride(from: 0, to: parts.count, by: 2) { fields[parts[k]] = parts[k + 1] }
        guard let e = fields["e"].flatMap(Double.init), let s = fields["s"].flatMap(Int.init) else { return nil }
        return Decoded(node: node, fleet: fields["f"] ?? fleet(of: node), kind: nil, energy: e, seq: s)
    }

    /// RFC 8428 SenML: records named base name + name; the node is the last part of the base name.
    static func senml(_ text: String) -> Decoded? {
        guard case .array(let records)? = try? JSONParser.parse(text) else { return nil }
        var baseName = "", energy: Double?, seq: Int?
        for r in records {
            if let bn = r["bn"]?.stringValue { baseName = bn }
            switch r["n"]?.stringValue {
            case "energy": if r["u"]?.stringValue == "J" { energy = r["v"]?.doubleValue }
            case "seq": seq = r["v"]?.doubleValue.map { Int($0) }
            default: break
            }
        }
        let parts = baseName.split(separator: ":", omittingEmptySubsequences: true)
        guard baseName.hasPrefix("urn:dev:urbanwatt:"), parts.count >= 5, let energy, let seq else { return nil }
        let node = String(parts[4])
        return Decoded(node: node, fleet: fleet(of: node), kind: nil, energy: energy, seq: seq)
    }

    /// `…/{device}/attrs` → device.
    static func fiwareDevice(_ topic: String) -> String? {
        let levels = topic.split(separator: "/")
        guard levels.count >= 2, levels.last == "attrs" else { return nil }
        return String(levels[levels.count - 2])
    }

    /// Node ids are `{fleet}-{index}`.
    static func fleet(of node: String) -> String {
        guard let dash = node.lastIndex(of: "-"), Int(node[node.index(after: dash)...]) != nil else { return node }
        return String(node[..<dash])
    }
}
