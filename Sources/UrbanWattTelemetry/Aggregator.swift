public import UrbanWattCore
public import UrbanWattResults

/// Totals of received telemetry by fleet, kind, layer and district, with per-node sequence checks:
/// duplicates (re-sent QoS ≥ 1 messages) are counted once, gaps are reported.
public struct Aggregator: Sendable {
    public struct FleetInfo: Sendable {
        public var kind: String
        public var layer: String
        /// The fleet's district, or those it moves through joined by `+`.
        public var district: String
        /// The districts of a fleet that moves (the `running` status's `districts`): each of its
        /// messages counts in the district its topic names, or else its payload (FIWARE's `d`).
        /// Empty for a fleet that stays.
        public var districts: Set<String> = []
    }

    struct Totals: Sendable {
        var energy = 0.0
        var messages = 0
        /// Σ over the fleet's nodes of the power of each one's latest message, W.
        var power = 0.0
    }

    /// Per node: every seq up to `contiguous` was seen, and these above it.
    struct SeqTracker: Sendable {
        var contiguous = -1
        var above: Set<Int> = []

        /// False for a duplicate.
        mutating func insert(_ s: Int) -> Bool {
            if s <= contiguous || above.contains(s) { return false }
            above.insert(s)
            while above.remove(contiguous + 1) != nil { contiguous += 1 }
            return true
        }

        // `max()!` only when `above` is not empty.
        var gaps: Int { above.isEmpty ? 0 : (above.max()! - contiguous - above.count) }
    }

    public var fleets: [String: FleetInfo] = [:]
    public private(set) var scenario: String?
    private var byFleet: [String: Totals] = [:]
    /// What the fleets that move sent, by the district each message's topic or payload names ("?"
    /// for none).
    private var movingByDistrict: [String: Totals] = [:]
    /// The topic level that names the district (`{district}` in the run's topic template, from its
    /// `running` status's `district_level`); nil when the topics do not name it.
    private var districtLevel: Int?
    private var nodes: [String: SeqTracker] = [:]
    /// Per node, the seq and power of its latest message (a late one does not replace it).
    private var latest: [String: (seq: Int, power: Double)] = [:]
    public private(set) var messages = 0
    public private(set) var duplicates = 0
    /// Messages refused by `PayloadDecoder` (never in the totals), and the first few with why.
    public private(set) var invalid = 0
    public private(set) var invalidExamples: [(topic: String, reason: String)] = []
    /// The stream is one message per fleet (from the `running` status).
    public private(set) var fleetMode = false
    static let examplesKept = 10

    /// Distinct fleets counted at the most (`listen --max-series`): each is an aggregate, three
    /// Prometheus series and an InfluxDB series, so a stream of new names cannot grow them without
    /// bound. A message of a fleet past the cap is invalid.
    public var maximumFleets = Aggregator.defaultMaximumFleets
    public static let defaultMaximumFleets = 10_000
    /// Energy counted so far, J: kept finite (a message that would overflow it is invalid).
    private var energyJ = 0.0

    public init() {}

    /// Counts every message `payload` holds: one, or one per line of an InfluxDB line-protocol
    /// batch (Telegraf writes several lines to one payload, and each is a reading).
    public mutating func addAll(topic: String, payload: [UInt8], properties: MessageProperties = MessageProperties()) -> [PayloadDecoder.Decoded] {
        guard payload.starts(with: Array("urbanwatt,".utf8)), payload.contains(0x0A) else {
            return add(topic: topic, payload: payload, properties: properties).map { [$0] } ?? []
        }
        return payload.split(separator: 0x0A).compactMap { line in
            let text = line.last == 0x0D ? line.dropLast() : line
            return text.allSatisfy({ $0 == 0x20 }) ? nil : add(topic: topic, payload: Array(text), properties: properties)
        }
    }

    /// The run's balance from its `done` status, once it came (nil when it had none it could read).
    public private(set) var balance: RunSummary.Balance?

    /// Messages each fleet sent, from the `done` status (empty before it).
    private var sentByFleet: [String: Int] = [:]

    /// Takes the balance and the messages sent per fleet from the `done` status of the run followed.
    public mutating func finished(_ status: JSONValue) {
        if case .object(let pairs)? = status["messages_by_fleet"] {
            for (fleet, n) in pairs { if let n = n.doubleValue, n >= 0, n < 1e15 { sentByFleet[fleet, default: 0] += Int(n) } }
        }
        let read = status["balance"].flatMap { try? RunSummary.Balance(JSONReader($0)) }
        let k = read?.kWh
        balance = k?.isFinite == true ? read : nil
    }

    /// The run's step, s, from its `running` status.
    public private(set) var step: Double?

    /// Learns the fleets from a `running` status.
    public mutating func running(_ status: JSONValue) {
        scenario = status["scenario"]?.stringValue ?? scenario
        step = status["step_s"]?.doubleValue.flatMap { $0 >= 1 && $0 <= 86_400 ? $0 : nil } ?? step
        fleetMode = status["telemetry"]?.stringValue == "fleets"
        districtLevel = status["district_level"]?.doubleValue.flatMap { $0 >= 0 && $0 < 1024 && $0 == $0.rounded() ? Int($0) : nil }
        guard case .object(let pairs)? = status["fleets"] else { return }
        for (name, v) in pairs {
            var districts: Set<String> = []
            // As many as a scenario may have (docs/scenario-limits.md); a status that names more is cut short.
            if case .array(let list)? = v["districts"] { districts = Set(list.prefix(100_000).compactMap(\.stringValue)) }
            fleets[name] = FleetInfo(
                kind: v["kind"]?.stringValue ?? "?", layer: v["layer"]?.stringValue ?? "?", district: v["district"]?.stringValue ?? "?",
                districts: districts)
        }
    }

    /// Counts a message; returns what it said when it counted (not a duplicate, not invalid).
    @discardableResult
    public mutating func add(topic: String, payload: [UInt8], properties: MessageProperties = MessageProperties()) -> PayloadDecoder.Decoded? {
        let d: PayloadDecoder.Decoded
        switch PayloadDecoder.decode(topic: topic, payload: payload, fleetMode: fleetMode, properties: properties) {
        case .success(let decoded): d = decoded
        case .failure(let why):
            refuse(topic, why.reason)
            return nil
        }
        if byFleet[d.fleet] == nil && byFleet.count >= maximumFleets {
            refuse(topic, "a fleet beyond the \(maximumFleets) counted (--max-series)")
            return nil
        }
        guard (energyJ + d.energy).isFinite else {
            refuse(topic, "energy of \(d.energy) J would take the total past the finite range")
            return nil
        }
        guard nodes[d.node, default: SeqTracker()].insert(d.seq) else {
            duplicates += 1
            return nil
        }
        messages += 1
        energyJ += d.energy
        byFleet[d.fleet, default: Totals()].energy += d.energy
        byFleet[d.fleet, default: Totals()].messages += 1
        if let districts = fleets[d.fleet]?.districts, !districts.isEmpty {
            let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
            let named = districtLevel.flatMap { $0 < levels.count ? String(levels[$0]) : nil }
            // The topic's `{district}`, or where the topic cannot name it (FIWARE's), the payload's.
            func known(_ name: String?) -> String? { name.flatMap { districts.contains($0) ? $0 : nil } }
            let district = known(named) ?? known(d.district) ?? "?"
            movingByDistrict[district, default: Totals()].energy += d.energy
            movingByDistrict[district, default: Totals()].messages += 1
        }
        // Powers are each finite; their sum is kept so (a power that would overflow it is not shown).
        if let power = d.power, d.seq > latest[d.node]?.seq ?? -1,
            (byFleet[d.fleet, default: Totals()].power + power - (latest[d.node]?.power ?? 0)).isFinite
        {
            byFleet[d.fleet, default: Totals()].power += power - (latest[d.node]?.power ?? 0)
            latest[d.node] = (d.seq, power)
        }
        if fleets[d.fleet] == nil, let kind = d.kind {
            let layer = FleetKind(rawValue: kind)?.defaultLayer.rawValue ?? "?"
            fleets[d.fleet] = FleetInfo(kind: kind, layer: layer, district: "?")
        }
        return d
    }

    /// Messages never received: the holes in each node's sequence, or, once `done` said how many
    /// each fleet sent, those minus the ones received, which also counts a tail that never came.
    private mutating func refuse(_ topic: String, _ reason: String) {
        invalid += 1
        if invalidExamples.count < Aggregator.examplesKept { invalidExamples.append((String(topic.prefix(200)), reason)) }
    }

    public var gaps: Int {
        let holes = nodes.values.reduce(0) { $0 + $1.gaps }
        let missing = sentByFleet.reduce(0) { $0 + max(0, $1.value - (byFleet[$1.key]?.messages ?? 0)) }
        return max(holes, missing)
    }
    public var energyKWh: Double { byFleet.values.reduce(0) { $0 + $1.energy } / 3.6e6 }

    /// Energy (J), messages and power (W) per fleet, by name.
    public var fleetTotals: [(fleet: String, energy: Double, messages: Int, power: Double)] {
        byFleet.sorted { $0.key < $1.key }.map { ($0.key, $0.value.energy, $0.value.messages, $0.value.power) }
    }

    /// Energy (kWh) and messages grouped by a fleet attribute; nil leaves a fleet out.
    func grouped(_ key: (String) -> String?, adding extra: [String: Totals] = [:]) -> [(String, Totals)] {
        var out = extra
        for (fleet, t) in byFleet {
            guard let k = key(fleet) else { continue }
            out[k, default: Totals()].energy += t.energy
            out[k, default: Totals()].messages += t.messages
        }
        return out.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// `listen-summary.json`: totals and breakdowns shaped like the run's summary, and `latency`
    /// (`listen --latency`) last when given.
    public func summary(latency: JSONValue? = nil) -> JSONValue {
        func section(_ groups: [(String, Totals)]) -> JSONValue {
            .object(groups.map { ($0.0, .object([("energy_kwh", .number($0.1.energy / 3.6e6)), ("messages", .integer($0.1.messages))])) })
        }
        return .object(
            [
                ("urbanwatt_version", .string(UrbanWattVersion.current)),
                ("scenario", scenario.map(JSONValue.string) ?? .null),
                ("totals", .object([("energy_kwh", .number(energyKWh)), ("messages", .integer(messages)), ("nodes", .integer(nodes.count))])),
                ("by_layer", section(grouped { self.fleets[$0]?.layer ?? "?" })),
                ("by_kind", section(grouped { self.fleets[$0]?.kind ?? "?" })),
                // A fleet that moves counts each message in the district it was sent from.
                (
                    "by_district",
                    section(
                        grouped(
                            { self.fleets[$0].map { $0.districts.isEmpty ? $0.district : nil } ?? "?" },
                            adding: movingByDistrict))
                ),
                ("by_fleet", section(grouped { $0 })),
                ("checks", .object([("duplicates", .integer(duplicates)), ("seq_gaps", .integer(gaps)), ("invalid", .integer(invalid))])),
                ("invalid_examples", .array(invalidExamples.map { .object([("topic", .string($0.topic)), ("reason", .string($0.reason))]) })),
            ] + (latency.map { [("latency", $0)] } ?? []))
    }
}
