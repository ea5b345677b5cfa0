import UrbanWattCore

/// One telemetry reading: a node's mean power and energy since its previous message.
public struct Reading: Sendable {
    /// Unix seconds of the reading.
    public var time: Double
    public var node: String
    public var fleet: String
    public var kind: String
    public var power: Double
    public var energy: Double
    public var seq: Int
}

/// The payload standards of SPEC §7.
public enum PayloadFormat: String, CaseIterable, Sendable {
    case json, senml
    case fiwareUL = "fiware-ul"
    case fiwareJSON = "fiware-json"

    /// The topic template used when `--topic` is not given: FIWARE IoT Agents listen on their own topics.
    public var defaultTopic: String {
        switch self {
        case .json, .senml: TopicTemplate.standard
        case .fiwareUL: "/ul/{apikey}/{node}/attrs"
        case .fiwareJSON: "/json/{apikey}/{node}/attrs"
        }
    }

    public func encode(_ r: Reading, scenario: String) -> String {
        let ts = PayloadFormat.timestamp(r.time)
        switch self {
        case .json:
            return "{\"ts\":\"\(ts)\",\"node\":\"\(r.node)\",\"fleet\":\"\(r.fleet)\",\"kind\":\"\(r.kind)\",\"power_w\":\(n(r.power)),\"energy_j\":\(n(r.energy)),\"seq\":\(r.seq)}"
        case .senml:
            // RFC 8428: base name + name form each record's name; base time in Unix seconds.
            return "[{\"bn\":\"urn:dev:urbanwatt:\(scenario):\(r.node):\",\"bt\":\(n(r.time)),\"n\":\"power\",\"u\":\"W\",\"v\":\(n(r.power))},"
                + "{\"n\":\"energy\",\"u\":\"J\",\"v\":\(n(r.energy))},{\"n\":\"seq\",\"v\":\(r.seq)}]"
        case .fiwareUL:
            return "p|\(n(r.power))|e|\(n(r.energy))|s|\(r.seq)|f|\(r.fleet)|TimeInstant|\(ts)"
        case .fiwareJSON:
            return "{\"p\":\(n(r.power)),\"e\":\(n(r.energy)),\"s\":\(r.seq),\"f\":\"\(r.fleet)\",\"TimeInstant\":\"\(ts)\"}"
        }
    }

    private func n(_ x: Double) -> String { JSONValue.format(x) }

    /// ISO 8601 UTC with milliseconds when the time is not whole seconds.
    static func timestamp(_ t: Double) -> String {
        let whole = t.rounded(.down)
        let base = isoUTC(Int64(whole))
        let ms = Int(((t - whole) * 1000).rounded())
        if ms == 0 || ms == 1000 { return ms == 1000 ? isoUTC(Int64(whole) + 1) : base }
        let padded = String(repeating: "0", count: 3 - String(ms).count) + String(ms)
        return String(base.dropLast()) + ".\(padded)Z"
    }
}
