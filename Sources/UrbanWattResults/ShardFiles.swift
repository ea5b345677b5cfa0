import Foundation
import UrbanWattCore

/// What a shard's output folder holds besides the usual results, so that `urbanwatt merge` can
/// recompute totals, peaks and means exactly: `shard.json` (period, counters), `series.bin` (every
/// fleet's step series, little-endian) and `scenario.yaml` (the scenario text it ran).
public enum ShardFiles {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func header(_ r: SimulationResult) -> JSONValue {
        let s = r.scenario
        return .object([
            ("urbanwatt_version", .string(UrbanWattVersion.current)),
            ("scenario", .string(s.name)),
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
                    ("battery_life_sum", .number(series.batteryLifeSum)),
                    ("battery_nodes", .integer(series.batteryNodes)),
                ])
            })),
        ])
    }

    /// Every fleet's series, one after the other: energy, baseline (if any), messages, bytes, nodes.
    public static func series(_ r: SimulationResult) -> Data {
        var data = Data()
        func append<T>(_ a: [T]) { a.withUnsafeBytes { data.append(contentsOf: $0) } }
        for f in r.fleets {
            append(f.energy)
            if let b = f.baseline { append(b) }
            append(f.messages.map(Int64.init))
            append(f.bytes.map(Int64.init))
            append(f.nodes)
        }
        return data
    }

    /// Reads a shard written for `scenario` (already decoded from the folder's scenario.yaml with the
    /// header's overrides applied).
    public static func read(folder: String, scenario: Scenario, header: JSONValue) throws(Failure) -> SimulationResult {
        guard let shardText = header["shard"]?.stringValue, let shard = Shard(parsing: shardText),
              let completed = header["completed_steps"]?.doubleValue, let nodeSteps = header["node_steps"]?.doubleValue,
              case .array(let fleetHeaders)? = header["fleets"], fleetHeaders.count == scenario.fleets.count
        else { throw Failure(description: "\(folder)/shard.json: not a shard header of this scenario") }
        let clock = StepClock(from: scenario.start, to: scenario.end, step: scenario.step, zone: scenario.zone)
        let path = (folder as NSString).appendingPathComponent("series.bin")
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "\(path): cannot read") }
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
            s.energy = try take(Double.self)
            if s.baseline != nil { s.baseline = try take(Double.self) }
            s.messages = try take(Int64.self).map { Int($0) }
            s.bytes = try take(Int64.self).map { Int($0) }
            s.nodes = try take(Int32.self)
            s.batteryLifeSum = h["battery_life_sum"]?.doubleValue ?? 0
            s.batteryNodes = Int(h["battery_nodes"]?.doubleValue ?? 0)
            fleets.append(s)
        }
        guard offset == data.count else { throw Failure(description: "\(path): longer than the scenario's series") }
        return SimulationResult(scenario: scenario, clock: clock, shard: shard, fleets: fleets, completedSteps: Int(completed), nodeSteps: Int(nodeSteps))
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
                fleets[i].batteryLifeSum += s.batteryLifeSum
                fleets[i].batteryNodes += s.batteryNodes
            }
        }
        return SimulationResult(
            scenario: first.scenario, clock: first.clock, shard: .whole, fleets: fleets,
            completedSteps: ordered.map(\.completedSteps).min()!, nodeSteps: ordered.reduce(0) { $0 + $1.nodeSteps })
    }
}
