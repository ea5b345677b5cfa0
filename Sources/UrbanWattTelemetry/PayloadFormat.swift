import UrbanWattCore

/// One telemetry reading: a node's mean power and energy since its previous message.
public struct Reading: Sendable {
    /// Unix seconds of the reading.
    public var time: Double
    public var fleet: String
    /// The node's index in its fleet; nil for a fleet-level reading (the node is the fleet).
    public var index: Int?
    public var kind: String
    public var power: Double
    public var energy: Double
    public var seq: Int

    public init(time: Double, fleet: String, index: Int?, kind: String, power: Double, energy: Double, seq: Int) {
        self.time = time
        self.fleet = fleet
        self.index = index
        self.kind = kind
        self.power = power
        self.energy = energy
        self.seq = seq
    }

    /// The node id, `{fleet}-{index}` (or the fleet's name for fleet-level readings).
    public var node: String { index.map { "\(fleet)-\($0)" } ?? fleet }
}

extension ByteWriter {
    mutating func node(_ r: Reading) {
        text(r.fleet)
        if let i = r.index {
            bytes.append(UInt8(ascii: "-"))
            integer(i)
        }
    }

    /// The node id inside a JSON string.
    mutating func jsonNode(_ r: Reading) {
        jsonString(r.fleet)
        if let i = r.index {
            bytes.append(UInt8(ascii: "-"))
            integer(i)
        }
    }
}

/// The payload standards a telemetry message can follow.
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
        var w = ByteWriter(capacity: 200)
        encode(r, scenario: scenario, into: &w)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// Appends the payload to `w`, without intermediate Strings.
    func encode(_ r: Reading, scenario: String, into w: inout ByteWriter) {
        switch self {
        case .json:
            w.text("{\"ts\":\""); w.timestamp(r.time)
            w.text("\",\"node\":\""); w.jsonNode(r)
            w.text("\",\"fleet\":\""); w.jsonString(r.fleet)
            w.text("\",\"kind\":\""); w.jsonString(r.kind)
            w.text("\",\"power_w\":"); w.number(r.power)
            w.text(",\"energy_j\":"); w.number(r.energy)
            w.text(",\"seq\":"); w.integer(r.seq)
            w.text("}")
        case .senml:
            // RFC 8428: base name + name form each record's name; base time in Unix seconds.
            w.text("[{\"bn\":\"urn:dev:urbanwatt:"); w.jsonString(scenario); w.text(":"); w.jsonNode(r)
            w.text(":\",\"bt\":"); w.number(r.time)
            w.text(",\"n\":\"power\",\"u\":\"W\",\"v\":"); w.number(r.power)
            w.text("},{\"n\":\"energy\",\"u\":\"J\",\"v\":"); w.number(r.energy)
            w.text("},{\"n\":\"seq\",\"v\":"); w.integer(r.seq)
            w.text("}]")
        case .fiwareUL:
            w.text("p|"); w.number(r.power)
            w.text("|e|"); w.number(r.energy)
            w.text("|s|"); w.integer(r.seq)
            w.text("|f|"); w.text(r.fleet)
            w.text("|TimeInstant|"); w.timestamp(r.time)
        case .fiwareJSON:
            w.text("{\"p\":"); w.number(r.power)
            w.text(",\"e\":"); w.number(r.energy)
            w.text(",\"s\":"); w.integer(r.seq)
            w.text(",\"f\":\""); w.jsonString(r.fleet)
            w.text("\",\"TimeInstant\":\""); w.timestamp(r.time)
            w.text("\"}")
        }
    }

}
