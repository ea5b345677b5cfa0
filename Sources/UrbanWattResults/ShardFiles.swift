import Foundation
package import UrbanWattCore

/// What a shard's output folder holds besides the usual results, so that `urbanwatt merge` can
/// recompute totals, peaks and means exactly: `shard.json` (period, counters, checksums),
/// `series.bin` (every fleet's step series, little-endian whatever the host) and `scenario.yaml`
/// (the scenario text it ran).
package enum ShardFiles {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// What must be equal in every shard of one run, with the header key that holds it.
    static let together = [
        ("urbanwatt_version", "version"), ("scenario", "scenario"), ("scenario_fnv1a", "scenario text"),
        ("seed", "seed"), ("start", "start"), ("end", "end"), ("step_s", "step"), ("split", "split"),
        ("runs", "Monte Carlo runs"),
    ]

    /// What a run's shards divide: the nodes of every fleet, or (with `--runs N`) the Monte Carlo
    /// runs, each shard then simulating the central run whole.
    package enum Split: Sendable, Equatable {
        case nodes
        case runs(Int)
    }

    /// `series` is the shard's series file, already written in chunks of `chunk` steps. With `key`,
    /// the header is also sealed with it over every file `merge` reads (`runsCSV`, the text of
    /// runs.csv, when the shard writes one).
    package static func header(
        _ r: SimulationResult, scenarioText: String, series: SeriesFile.Writer, chunk: Int, split: Split = .nodes,
        key: ShardKey? = nil, runsCSV: String? = nil
    ) throws(Failure) -> JSONValue {
        let s = r.scenario
        let fleets: [JSONValue] = s.fleets.enumerated().map { i, f in
            let lives = r.batteryLives[i]
            return .object([
                ("name", .string(f.name)),
                ("baseline", .bool(f.replaces != nil)),
                ("battery_nodes", .integer(lives.count)),
                ("battery_life_sum", .number(lives.sum)),
                ("battery_life_min", lives.count > 0 ? .number(lives.minimum) : .null),
                ("battery_life_bins", .array(lives.bins.map { .integer($0) })),
            ])
        }
        let fields: [(String, JSONValue)] = [
            ("urbanwatt_version", .string(UrbanWattVersion.current)),
            ("scenario", .string(s.name)),
            ("scenario_fnv1a", .string(hex(NodeRandom.fnv1a(scenarioText)))),
            ("series_fnv1a", .string(hex(series.checksum))),
            ("chunk_steps", .integer(chunk)),
            ("shard", .string(r.shard.description)),
            ("split", .string(split == .nodes ? "nodes" : "runs")),
            ("runs", { if case .runs(let n) = split { .integer(n) } else { .null } }()),
            ("seed", .seed(s.seed)),
            ("start", .string(s.start.description)),
            ("end", .string(s.end.description)),
            ("step_s", .integer(Int(s.step))),
            ("steps", .integer(r.clock.count)),
            ("completed_steps", .integer(r.completedSteps)),
            ("node_steps", .integer(r.nodeSteps)),
            ("fleets", .array(fleets)),
        ]
        guard let key else { return sealed(fields) }
        var parts: [ShardKey.Part] = [.bytes("scenario.yaml", Array(scenarioText.utf8)), .file("series.bin", series.path)]
        if let runsCSV { parts.append(.bytes("runs.csv", Array(runsCSV.utf8))) }
        guard case .object(let all) = sealed(fields + [("keyed_files", .array(parts.map { .string($0.name) }))]),
            let code = key.code(fields: all, parts: parts)
        else { throw Failure(description: "\(series.path): cannot read the series back to seal it") }
        return .object(all + [("header_hmac_sha256", .string(ShardKey.hex(code)))])
    }

    /// `fields` with `header_fnv1a`: FNV-1a over their compact text, continued from the series'
    /// checksum, so that neither file can change without the other noticing. It catches accidents
    /// (a folder relabelled, a field edited, a series from another shard), not tampering: anyone
    /// can recompute an FNV-1a.
    static func sealed(_ fields: [(String, JSONValue)]) -> JSONValue {
        .object(fields + [("header_fnv1a", .string(hex(seal(fields))))])
    }

    static func seal(_ fields: [(String, JSONValue)]) -> UInt64 {
        let series = fields.first { $0.0 == "series_fnv1a" }?.1.stringValue.flatMap { UInt64($0, radix: 16) } ?? 0
        return NodeRandom.fnv1a(bytes: Array(JSONValue.object(fields).compact().utf8), continuing: series)
    }

    static func hex(_ v: UInt64) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: 16 - h.count) + h
    }

    /// Checks that shards belong to one run: the same version, scenario text, seed, period and step,
    /// each series file (at `series`, the folder's series.bin or a private copy of it) as its header
    /// says, and K/N once each for one N. The error names the shard and what differs.
    package static func checkTogether(_ shards: [(folder: String, header: JSONValue, series: String)]) throws(Failure) {
        guard let first = shards.first else { throw Failure(description: "no shards to merge") }
        for s in shards {
            let sum = SeriesFile.checksum(of: s.series).map(hex) ?? "unreadable"
            guard s.header["series_fnv1a"]?.stringValue == sum else {
                throw Failure(
                    description:
                        "\(s.folder): series.bin does not match its shard.json (checksum \(sum), header \(s.header["series_fnv1a"]?.stringValue ?? "none")): a damaged or mixed-up shard"
                )
            }
            guard case .object(let pairs) = s.header,
                s.header["header_fnv1a"]?.stringValue == hex(seal(pairs.filter { $0.0 != "header_fnv1a" && $0.0 != "header_hmac_sha256" }))
            else {
                throw Failure(
                    description:
                        "\(s.folder): shard.json does not match its own checksum: it was edited or damaged (the shard's label, counters or battery lives)")
            }
            for (key, what) in together where s.header[key] != first.header[key] {
                let a = s.header[key]?.compact() ?? "none", b = first.header[key]?.compact() ?? "none"
                throw Failure(description: "\(s.folder): another run than \(first.folder): \(what) \(a), not \(b)")
            }
        }
        let parsed = shards.map { ($0.folder, $0.header["shard"]?.stringValue.flatMap(Shard.init(parsing:))) }
        if let bad = parsed.first(where: { $0.1 == nil }) { throw Failure(description: "\(bad.0)/shard.json: no shard K/N") }
        // Every shard parsed (a nil one threw above): `!` here and below cannot fail.
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

    /// A shard's keyed seal under `key`: present exactly when a key is given, over the files the
    /// shard must have (runs.csv too for shards of Monte Carlo runs), and matching. `raw` is
    /// shard.json as read: it must be the header exactly as written, since the seal covers its
    /// values (a `42.0` for `42` would read the same and mean something else). `files` gives each
    /// file's bytes as they will be merged (in memory, or a private copy), so that what is checked
    /// is what is used, whatever the storage returns on a second read.
    package static func checkKeyed(
        _ folder: String, _ header: JSONValue, raw: String, key: ShardKey?,
        files: (String) -> ShardKey.Part?
    ) throws(Failure) {
        let sealed = header["header_hmac_sha256"]?.stringValue
        guard let key else {
            if sealed != nil { throw Failure(description: "\(folder): the shard is sealed with a key: give merge the --key-file it was written with") }
            return
        }
        guard let sealed, case .object(let pairs) = header, case .array(let listed)? = header["keyed_files"] else {
            throw Failure(
                description: "\(folder): the shard carries no keyed seal (it was written without --key-file), so it cannot be checked against the key")
        }
        var required = ["scenario.yaml", "series.bin"]
        if header["runs"]?.uint64Value != nil { required.append("runs.csv") }
        let names = listed.compactMap(\.stringValue)
        guard names.count == listed.count, names == ShardKey.files.filter(names.contains), Set(required).isSubset(of: names) else {
            throw Failure(
                description:
                    "\(folder): shard.json's keyed_files lists \(listed.map { $0.compact() }.joined(separator: ", ")), not the files the shard must seal (\(required.joined(separator: ", ")))"
            )
        }
        guard raw == header.serialized() else {
            throw Failure(description: "\(folder): shard.json is not as UrbanWatt writes it (its text was edited), so its keyed seal cannot vouch for it")
        }
        let parts = names.compactMap(files)
        guard parts.count == names.count, let code = key.code(fields: pairs.filter { $0.0 != "header_hmac_sha256" }, parts: parts) else {
            throw Failure(description: "\(folder): cannot read \(names.joined(separator: ", ")) to check the keyed seal")
        }
        guard ShardKey.matches(sealed, code) else {
            throw Failure(
                description:
                    "\(folder): the shard does not match its keyed seal: its files were altered after it was written, or it was sealed with another key")
        }
    }

    /// Opens a shard written for `scenario` (already decoded from the folder's scenario.yaml with the
    /// header's overrides applied): its result and a reader of its series.
    /// `series` is the shard's series.bin, or the private copy that was checked.
    package static func open(folder: String, scenario: Scenario, header: JSONValue, series: String) throws(Failure) -> (SimulationResult, SeriesFile.Reader) {
        let clock = StepClock(from: scenario.start, to: scenario.end, step: scenario.step, zone: scenario.zone)
        guard let shardText = header["shard"]?.stringValue, let shard = Shard(parsing: shardText),
            let completed = header["completed_steps"]?.uint64Value.flatMap({ Int(exactly: $0) }), completed <= clock.count,
            let chunk = header["chunk_steps"]?.uint64Value.flatMap({ Int(exactly: $0) }), chunk > 0,
            let nodeSteps = header["node_steps"]?.uint64Value.flatMap({ Int(exactly: $0) }),
            case .array(let fleetHeaders)? = header["fleets"], fleetHeaders.count == scenario.fleets.count
        else { throw Failure(description: "\(folder)/shard.json: not a shard header of this scenario") }
        var lives: [BatteryLives] = []
        for h in fleetHeaders {
            let nodes = h["battery_nodes"].flatMap { $0.uint64Value }.flatMap { Int(exactly: $0) } ?? 0
            guard nodes > 0 else { lives.append(BatteryLives()); continue }
            guard case .array(let bins)? = h["battery_life_bins"], bins.count == BatteryLives().bins.count,
                let sum = h["battery_life_sum"]?.doubleValue, let minimum = h["battery_life_min"]?.doubleValue
            else { throw Failure(description: "\(folder)/shard.json: battery lives of fleet \(h["name"]?.stringValue ?? "?") missing or malformed") }
            let counts = bins.compactMap { $0.uint64Value.flatMap { Int(exactly: $0) } }
            guard counts.count == bins.count, counts.reduce(0, +) == nodes else {
                throw Failure(description: "\(folder)/shard.json: battery lives of fleet \(h["name"]?.stringValue ?? "?") do not add up")
            }
            lives.append(BatteryLives(count: nodes, sum: sum, minimum: minimum, bins: counts))
        }
        let reader = try SeriesFile.Reader(
            path: series, parts: scenario.fleets.map(\.seriesParts),
            chunk: chunk, total: completed)
        let result = SimulationResult(scenario: scenario, clock: clock, shard: shard, batteryLives: lives, completedSteps: completed, nodeSteps: nodeSteps)
        return (result, reader)
    }

    /// A shard's series against its own label: at the first step each fleet has the nodes its K/N
    /// takes of the fleet's count (node i belongs to shard i mod N). A shard labelled as another
    /// whose fleets split unevenly shows here.
    static func checkNodes(_ series: [FleetSeries], of result: SimulationResult) throws(Failure) {
        for (i, fleet) in result.scenario.fleets.enumerated() where !series[i].nodes.isEmpty {
            let expected = result.shard.nodes(below: fleet.globalNodes(atStep: 0, on: result.clock))
            guard Int(series[i].nodes[0]) == expected else {
                throw Failure(
                    description: "shard \(result.shard): fleet \(fleet.name) has \(series[i].nodes[0]) nodes at the first step, "
                        + "where shard \(result.shard) of its \(fleet.name) would have \(expected): the series is another shard's")
            }
        }
    }

    /// Adds the shards of one run, a chunk of steps at a time, into the unsharded run's figures.
    /// Shards must be 1..N of the same N.
    package static func merge(_ shards: [(SimulationResult, SeriesFile.Reader)], stepsPerRow: Int) throws(Failure) -> Breakdown {
        guard let first = shards.first?.0 else { throw Failure(description: "no shards to merge") }
        let n = first.shard.count
        let indices = shards.map(\.0.shard.index).sorted()
        guard shards.allSatisfy({ $0.0.shard.count == n }), indices == Array(0..<n) else {
            let have = shards.map(\.0.shard.description).joined(separator: ", ")
            throw Failure(description: "expected shards 1/\(n) … \(n)/\(n) once each, got \(have)")
        }
        let ordered = shards.sorted { $0.0.shard.index < $1.0.shard.index }
        // At least one shard: n of them, once each, were checked above.
        let completed = ordered.map(\.0.completedSteps).min()!
        var tally = Tally(scenario: first.scenario, clock: first.clock, stepsPerRow: stepsPerRow)
        var lives = first.scenario.fleets.map { _ in BatteryLives() }
        for (result, _) in ordered { for i in lives.indices { lives[i].merge(result.batteryLives[i]) } }
        var done = 0
        // Each shard's node steps, recomputed from its series rather than taken from its header.
        var nodeSteps = ordered.map { _ in 0 }
        while done < completed {
            let range = done..<min(completed, done + 672)
            var sum = first.scenario.fleets.map { FleetSeries(steps: range.count, parts: $0.seriesParts) }
            for (j, (result, reader)) in ordered.enumerated() {
                let part = try reader.next(range.count)
                if done == 0 { try checkNodes(part, of: result) }
                for (i, s) in part.enumerated() {
                    nodeSteps[j] += s.nodes.reduce(0) { $0 + Int($1) }
                    sum[i].add(s)
                }
            }
            tally.add(range, sum)
            done = range.upperBound
        }
        for (j, (result, _)) in ordered.enumerated() where result.completedSteps == completed && result.nodeSteps != nodeSteps[j] {
            throw Failure(description: "shard \(result.shard): shard.json counts \(result.nodeSteps) node steps where its series holds \(nodeSteps[j])")
        }
        let result = SimulationResult(
            scenario: first.scenario, clock: first.clock, shard: .whole, batteryLives: lives,
            completedSteps: completed, nodeSteps: nodeSteps.reduce(0, +))
        return Breakdown(result, tally)
    }
}
