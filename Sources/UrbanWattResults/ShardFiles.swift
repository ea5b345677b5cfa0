import Foundation
import UrbanWattCore

/// What a shard's output folder holds besides the usual results, so that `urbanwatt merge` can
/// recompute totals, peaks and means exactly: `shard.json` (period, counters, checksums),
/// `series.bin` (every fleet's step series, little-endian whatever the host) and `scenario.yaml`
/// (the scenario text it ran).
public enum ShardFiles {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// What must be equal in every shard of one run, with the header key that holds it.
    static let together = [("urbanwatt_version", "version"), ("scenario", "scenario"), ("scenario_fnv1a", "scenario text"),
                           ("seed", "seed"), ("start", "start"), ("end", "end"), ("step_s", "step")]

    /// `series` is what `series(_:)` wrote, so the header can carry its checksum.
    public static func header(_ r: SimulationResult, scenarioText: String, series: Data) -> JSONValue {
        let s = r.scenario
        return .object([
            ("urbanwatt_version", .string(UrbanWattVersion.current)),
            ("scenario", .string(s.name)),
            ("scenario_fnv1a", .string(hex(NodeRandom.fnv1a(scenarioText)))),
            ("series_fnv1a", .string(hex(NodeRandom.fnv1a(bytes: series)))),
            ("shard", .string(r.shard.description)),
            ("seed", .seed(s.seed)),
            ("start", .string(s.start.description)),
            ("end", .string(s.end.description)),
            ("step_s", .integer(Int(s.step))),
            ("steps", .integer(r.clock.count)),
            ("completed_steps", .integer(r.completedSteps)),
            ("node_steps", .integer(r.nodeSteps)),
            ("fleets", .array(zip(s.fleets, r.fleets).map { f, series in
                .object([
                    ("name", .string(f.name)),
                    ("baseline", .bool(series.baseline != nil)),
                    ("battery_nodes", .integer(series.batteryLives.count)),
                    ("battery_life_sum", .number(series.batteryLives.sum)),
                    ("battery_life_min", series.batteryLives.count > 0 ? .number(series.batteryLives.minimum) : .null),
                    ("battery_life_bins", .array(series.batteryLives.bins.map { .integer($0) })),
                ])
            })),
        ])
    }

    static func hex(_ v: UInt64) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: 16 - h.count) + h
    }

    /// Every fleet's series, one after the other, little-endian: energy, baseline (if any), messages,
    /// bytes, nodes.
    public static func series(_ r: SimulationResult) -> Data {
        var data = Data()
        func append<T>(_ a: [T]) { a.withUnsafeBytes { data.append(contentsOf: $0) } }
        for f in r.fleets {
            append(f.energy.map { $0.bitPattern.littleEndian })
            if let b = f.baseline { append(b.map { $0.bitPattern.littleEndian }) }
            append(f.messages.map { Int64($0).littleEndian })
            append(f.bytes.map { Int64($0).littleEndian })
            append(f.nodes.map(\.littleEndian))
        }
        return data
    }

    /// Checks that shards belong to one run: the same version, scenario text, seed, period and step,
    /// each series file as its header says, and K/N once each for one N. The error names the shard
    /// and what differs.
    public static func checkTogether(_ shards: [(folder: String, header: JSONValue, series: Data)]) throws(Failure) {
        guard let first = shards.first else { throw Failure(description: "no shards to merge") }
        for s in shards {
            let sum = hex(NodeRandom.fnv1a(bytes: s.series))
            guard s.header["series_fnv1a"]?.stringValue == sum else {
                throw Failure(description: "\(s.folder): series.bin does not match its shard.json (checksum \(sum), header \(s.header["series_fnv1a"]?.stringValue ?? "none")): a damaged or mixed-up shard")
            }
            for (key, what) in together where s.header[key] != first.header[key] {
                let a = s.header[key]?.compact() ?? "none", b = first.header[key]?.compact() ?? "none"
                throw Failure(description: "\(s.folder): another run than \(first.folder): \(what) \(a), not \(b)")
            }
        }
        let parsed = shards.map { ($0.folder, $0.header["shard"]?.stringValue.flatMap(Shard.init(parsing:))) }
        if let bad = parsed.first(where: { $0.1 == nil }) { throw Failure(description: "\(bad.0)/shard.json: no shard K/N") }
        let n = parsed[0].1!.count
        var seen: [Int: String] = [:]
        for (folder, shard) in parsed {
            guard shard!.count == n else { throw Failure(description: "\(folder): shard \(shard!) of another split than \(parsed[0].0) (1/\(n) … \(n)/\(n))") }
            if let other = seen[shard!.index] { throw Failure(description: "\(folder): shard \(shard!) again (also \(other))") }
            seen[shard!.index] = folder
        }
        let missing = (0..<n).filter { seen[$0] == nil }.map { "\($0 + 1)/\(n)" }
        if !missing.isEmpty { throw Failure(description: "missing shard\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", "))") }
    }

    /// Reads a shard written for `scenario` (already decoded from the folder's scenario.yaml with the
    /// header's overrides applied).
    public static func read(folder: String, scenario: Scenario, header: JSONValue, series data: Data) throws(Failure) -> SimulationResult {
        let clock = StepClock(from: scenario.start, to: scenario.end, step: scenario.step, zone: scenario.zone)
        guard let shardText = header["shard"]?.stringValue, let shard = Shard(parsing: shardText),
              let completed = header["completed_steps"]?.uint64Value.flatMap({ Int(exactly: $0) }), completed <= clock.count,
              let nodeSteps = header["node_steps"]?.uint64Value.flatMap({ Int(exactly: $0) }),
              case .array(let fleetHeaders)? = header["fleets"], fleetHeaders.count == scenario.fleets.count
        else { throw Failure(description: "\(folder)/shard.json: not a shard header of this scenario") }
        let path = PathText.join(folder, "series.bin")
        let n = clock.count
        var offset = 0
        func take<T>(_ type: T.Type) throws(Failure) -> [T] {
            let size = n * MemoryLayout<T>.stride
            guard offset + size <= data.count else { throw Failure(description: "\(path): shorter than the scenario's series") }
            let slice = data[data.startIndex + offset ..< data.startIndex + offset + size]
            offset += size
            return slice.withUnsafeBytes { raw in Array(raw.bindMemory(to: T.self)) }
        }
        var fleets: [FleetSeries] = []
        for h in fleetHeaders {
            var s = FleetSeries(steps: n, baseline: h["baseline"] == .bool(true))
            s.energy = try take(UInt64.self).map { Double(bitPattern: UInt64(littleEndian: $0)) }
            if s.baseline != nil { s.baseline = try take(UInt64.self).map { Double(bitPattern: UInt64(littleEndian: $0)) } }
            s.messages = try take(Int64.self).map { Int(Int64(littleEndian: $0)) }
            s.bytes = try take(Int64.self).map { Int(Int64(littleEndian: $0)) }
            s.nodes = try take(Int32.self).map { Int32(littleEndian: $0) }
            let nodes = h["battery_nodes"].flatMap { $0.uint64Value }.flatMap { Int(exactly: $0) } ?? 0
            if nodes > 0 {
                guard case .array(let bins)? = h["battery_life_bins"], bins.count == BatteryLives().bins.count,
                      let sum = h["battery_life_sum"]?.doubleValue, let minimum = h["battery_life_min"]?.doubleValue
                else { throw Failure(description: "\(folder)/shard.json: battery lives of fleet \(h["name"]?.stringValue ?? "?") missing or malformed") }
                let counts = bins.compactMap { $0.uint64Value.flatMap { Int(exactly: $0) } }
                guard counts.count == bins.count, counts.reduce(0, +) == nodes else {
                    throw Failure(description: "\(folder)/shard.json: battery lives of fleet \(h["name"]?.stringValue ?? "?") do not add up")
                }
                s.batteryLives = BatteryLives(count: nodes, sum: sum, minimum: minimum, bins: counts)
            }
            fleets.append(s)
        }
        guard offset == data.count else { throw Failure(description: "\(path): longer than the scenario's series") }
        return SimulationResult(scenario: scenario, clock: clock, shard: shard, fleets: fleets, completedSteps: completed, nodeSteps: nodeSteps)
    }

    /// Adds the shards of one run into the unsharded result. Shards must be 1..N of the same N.
    public static func merge(_ shards: [SimulationResult]) throws(Failure) -> SimulationResult {
        guard let first = shards.first else { throw Failure(description: "no shards to merge") }
        let n = first.shard.count
        let indices = shards.map(\.shard.index).sorted()
        guard shards.allSatisfy({ $0.shard.count == n }), indices == Array(0..<n) else {
            let have = shards.map(\.shard.description).joined(separator: ", ")
            throw Failure(description: "expected shards 1/\(n) … \(n)/\(n) once each, got \(have)")
        }
        let ordered = shards.sorted { $0.shard.index < $1.shard.index }
        var fleets = first.fleets.map { FleetSeries(steps: first.clock.count, baseline: $0.baseline != nil) }
        for shard in ordered {
            for (i, s) in shard.fleets.enumerated() {
                for m in 0..<s.energy.count {
                    fleets[i].energy[m] += s.energy[m]
                    fleets[i].messages[m] += s.messages[m]
                    fleets[i].bytes[m] += s.bytes[m]
                    fleets[i].nodes[m] += s.nodes[m]
                }
                if let b = s.baseline { for m in 0..<b.count { fleets[i].baseline![m] += b[m] } }
                fleets[i].batteryLives.merge(s.batteryLives)
            }
        }
        return SimulationResult(
            scenario: first.scenario, clock: first.clock, shard: .whole, fleets: fleets,
            completedSteps: ordered.map(\.completedSteps).min()!, nodeSteps: ordered.reduce(0) { $0 + $1.nodeSteps })
    }
}
