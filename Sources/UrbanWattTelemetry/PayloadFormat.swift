import UrbanWattCore

/// One telemetry reading: a node's mean power and energy since its previous message, and its
/// energy since the run began (a counter: a time-series database needs no state to sum it).
public struct Reading: Sendable {
    /// Unix seconds of the reading.
    public var time: Double
    public var fleet: String
    public var district: String
    /// The node's index in its fleet; nil for a fleet-level reading (the node is the fleet).
    public var index: Int?
    public var kind: String
    public var layer: String
    public var power: Double
    public var energy: Double
    /// J since the run began, this message's included.
    public var total: Double
    public var seq: Int

    public init(time: Double, fleet: String, district: String, index: Int?, kind: String, layer: String, power: Double, energy: Double, total: Double, seq: Int)
    {
        self.time = time
        self.fleet = fleet
        self.district = district
        self.index = index
        self.kind = kind
        self.layer = layer
        self.power = power
        self.energy = energy
        self.total = total
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

    /// A tag key or value of InfluxDB line protocol: commas, equals signs and spaces escaped.
    mutating func influxTag(_ s: String) {
        for b in s.utf8 {
            if b == UInt8(ascii: ",") || b == UInt8(ascii: "=") || b == UInt8(ascii: " ") || b == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
            bytes.append(b)
        }
    }

    /// The node id as a line-protocol tag value.
    mutating func influxNode(_ r: Reading) {
        influxTag(r.fleet)
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
    /// InfluxDB line protocol, as Telegraf's `mqtt_consumer` reads it with `data_format = "influx"`.
    case influx

    /// The topic template used when `--topic` is not given: FIWARE IoT Agents listen on their own topics.
    public var defaultTopic: String {
        switch self {
        case .json, .senml, .influx: TopicTemplate.standard
        // The device id is `{scenario}:{node}` (see FiwareProvisioning), so scenarios never share a device.
        case .fiwareUL: "/ul/{apikey}/{scenario}:{node}/attrs"
        case .fiwareJSON: "/json/{apikey}/{scenario}:{node}/attrs"
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
            w.text(",\"energy_total_j\":"); w.number(r.total)
            w.text(",\"seq\":"); w.integer(r.seq)
            w.text("}")
        case .senml:
            // RFC 8428: base name + name form each record's name; base time in Unix seconds.
            w.text("[{\"bn\":\"urn:dev:urbanwatt:"); w.jsonString(scenario); w.text(":"); w.jsonNode(r)
            w.text(":\",\"bt\":"); w.number(r.time)
            w.text(",\"n\":\"power\",\"u\":\"W\",\"v\":"); w.number(r.power)
            // The energy since the last message as its value, and since the run began as its sum.
            w.text("},{\"n\":\"energy\",\"u\":\"J\",\"v\":"); w.number(r.energy)
            w.text(",\"s\":"); w.number(r.total)
            w.text("},{\"n\":\"seq\",\"v\":"); w.integer(r.seq)
            w.text("}]")
        case .fiwareUL:
            w.text("p|"); w.number(r.power)
            w.text("|e|"); w.number(r.energy)
            w.text("|t|"); w.number(r.total)
            w.text("|s|"); w.integer(r.seq)
            w.text("|f|"); w.text(r.fleet)
            w.text("|d|"); w.text(r.district)
            w.text("|TimeInstant|"); w.timestamp(r.time)
        case .fiwareJSON:
            w.text("{\"p\":"); w.number(r.power)
            w.text(",\"e\":"); w.number(r.energy)
            w.text(",\"t\":"); w.number(r.total)
            w.text(",\"s\":"); w.integer(r.seq)
            w.text(",\"f\":\""); w.jsonString(r.fleet)
            w.text("\",\"d\":\""); w.jsonString(r.district)
            w.text("\",\"TimeInstant\":\""); w.timestamp(r.time)
            w.text("\"}")
        case .influx:
            w.text("urbanwatt,scenario="); w.influxTag(scenario)
            w.text(",layer="); w.influxTag(r.layer)
            w.text(",district="); w.influxTag(r.district)
            w.text(",kind="); w.influxTag(r.kind)
            w.text(",fleet="); w.influxTag(r.fleet)
            w.text(",node="); w.influxNode(r)
            w.text(" power_w="); w.number(r.power)
            w.text(",energy_j="); w.number(r.energy)
            w.text(",energy_total_j="); w.number(r.total)
            w.text(",seq="); w.integer(r.seq); w.text("i ")
            // Nanoseconds, from the millisecond the other formats carry.
            w.integer(Int((r.time * 1000).rounded()) * 1_000_000)
        }
    }

}
