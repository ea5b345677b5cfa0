import Foundation
import TestSupport
import Testing
import UrbanWattCore
@testable import UrbanWattResults

/// Shards that pass through storage one does not trust (issue 22, item 6): sealed with
/// `run --shard K/N --key-file`, checked by `merge --key-file`. The FNV-1a seal stops accidents only;
/// these tests forge what an attacker who can recompute it would, and the key stops it.
@Suite struct KeyedShardTests {
    let root = CLI.temporaryFolder().path

    func shards(key: String?, count: Int = 3, runs: Int? = nil) throws -> [String] {
        try (1...count).map { k in
            let folder = root + "/\(key == nil ? "plain" : "keyed")\(runs == nil ? "" : "-runs")-\(k)of\(count)"
            var arguments = [
                "run", runs == nil ? "mittelstadt" : "mittelstadt-2035", "--shard", "\(k)/\(count)", "--out", folder, "--from", "2025-06-01", "--to",
                "2025-06-02", "--quiet",
            ]
            if let key { arguments += ["--key-file", key] }
            if let runs { arguments += ["--runs", "\(runs)"] }
            let r = try CLI.run(arguments)
            #expect(r.status == 0, "\(r.stderr)")
            return folder
        }
    }

    func key(_ name: String, bytes: Int) throws -> String {
        let path = root + "/" + name
        try Data((0..<bytes).map { _ in UInt8.random(in: 0...255) }).write(to: URL(fileURLWithPath: path))
        return path
    }

    func merge(_ folders: [String], key: String?, out: String = "merged") throws -> CLI.Output {
        try CLI.run(["merge"] + folders + ["--out", root + "/" + out, "--quiet"] + (key.map { ["--key-file", $0] } ?? []))
    }

    /// What an attacker without the key can do: edit shard.json and recompute its FNV-1a seal, as
    /// anyone can.
    func forge(_ folder: String, _ edit: (inout [(String, JSONValue)]) -> Void) throws {
        let path = folder + "/shard.json"
        guard case .object(var pairs) = try JSONParser.parse(String(contentsOfFile: path, encoding: .utf8)) else { Issue.record("no header"); return }
        let code = pairs.first { $0.0 == "header_hmac_sha256" }
        pairs.removeAll { $0.0 == "header_fnv1a" || $0.0 == "header_hmac_sha256" }
        edit(&pairs)
        guard case .object(let resealed) = ShardFiles.sealed(pairs) else { return }
        try JSONValue.object(resealed + (code.map { [$0] } ?? [])).serialized().write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func keyedShardsMergeAsPlainOnesAndOnlyWithTheirKey() throws {
        let secret = try key("shard.key", bytes: 32)
        let keyed = try shards(key: secret), plain = try shards(key: nil)
        let a = try merge(keyed, key: secret), b = try merge(plain, key: nil, out: "plain-merged")
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        #expect(
            withoutRun(try String(contentsOfFile: root + "/merged/summary.json", encoding: .utf8))
                == withoutRun(try String(contentsOfFile: root + "/plain-merged/summary.json", encoding: .utf8)))
        let header = try json(keyed[0] + "/shard.json")
        #expect(header["keyed_files"] as? [String] == ["scenario.yaml", "series.bin"] && (header["header_hmac_sha256"] as? String)?.count == 64, "\(header)")

        let withoutKey = try merge(keyed, key: nil, out: "m2")
        #expect(
            withoutKey.status == 65 && withoutKey.stderr.contains("\(keyed[0]): the shard is sealed with a key: give merge the --key-file"),
            "\(withoutKey.stderr)")
        let other = try key("other.key", bytes: 32)
        let wrong = try merge(keyed, key: other, out: "m3")
        #expect(wrong.status == 65 && wrong.stderr.contains("\(keyed[0]): the shard does not match its keyed seal"), "\(wrong.stderr)")
        let unsealed = try merge(plain, key: secret, out: "m4")
        #expect(unsealed.status == 65 && unsealed.stderr.contains("\(plain[0]): the shard carries no keyed seal"), "\(unsealed.stderr)")
        for out in ["m2", "m3", "m4"] { #expect(!FileManager.default.fileExists(atPath: root + "/" + out)) }
    }

    /// Doubles the battery life sum of every fleet that has one: the merged mean battery life doubles.
    static func doubleBatteryLives(_ pairs: inout [(String, JSONValue)]) {
        guard let i = pairs.firstIndex(where: { $0.0 == "fleets" }), case .array(let fleets) = pairs[i].1 else { return }
        pairs[i].1 = .array(
            fleets.map { fleet in
                guard case .object(var f) = fleet, let j = f.firstIndex(where: { $0.0 == "battery_life_sum" }), let sum = f[j].1.doubleValue else {
                    return fleet
                }
                f[j].1 = .number(sum * 2)
                return .object(f)
            })
    }

    /// Battery lives edited with the FNV-1a seal recomputed: merged without a key (an accident check
    /// cannot see it, as docs/sharding.md says), refused under the key; so are a relabelled shard and
    /// an edited scenario.yaml.
    @Test func aForgeryThatPassesTheChecksumFailsTheKey() throws {
        let plain = try shards(key: nil, count: 2)
        try forge(plain[1], Self.doubleBatteryLives)
        let fooled = try merge(plain, key: nil, out: "fooled")
        #expect(fooled.status == 0, "an FNV-1a seal is no defence against someone who recomputes it: \(fooled.stderr)")
        // A header field that reaches the output and can be recomputed is: node steps from the series.
        try forge(plain[0]) { pairs in
            if let i = pairs.firstIndex(where: { $0.0 == "node_steps" }), let n = pairs[i].1.doubleValue { pairs[i].1 = .integer(Int(n) + 1) }
        }
        let counted = try merge(plain, key: nil, out: "counted")
        #expect(counted.status == 65 && counted.stderr.contains("shard 1/2: shard.json counts"), "\(counted.stderr)")

        let secret = try key("shard.key", bytes: 32)
        let keyed = try shards(key: secret, count: 3)
        try forge(keyed[1], Self.doubleBatteryLives)
        let lives = try merge(keyed, key: secret)
        #expect(lives.status == 65 && lives.stderr.contains("\(keyed[1]): the shard does not match its keyed seal"), "\(lives.stderr)")
        try forge(keyed[2]) { pairs in
            if let i = pairs.firstIndex(where: { $0.0 == "shard" }) { pairs[i].1 = .string("2/3") }
        }
        let relabelled = try merge([keyed[0], keyed[2]], key: secret, out: "m5")
        #expect(relabelled.status == 65 && relabelled.stderr.contains("\(keyed[2]): the shard does not match its keyed seal"), "\(relabelled.stderr)")

        let single = try shards(key: secret, count: 1)[0]
        try (try String(contentsOfFile: single + "/scenario.yaml", encoding: .utf8) + "\n# edited\n")
            .write(toFile: single + "/scenario.yaml", atomically: true, encoding: .utf8)
        try forge(single) { pairs in
            let text = try? String(contentsOfFile: single + "/scenario.yaml", encoding: .utf8)
            if let i = pairs.firstIndex(where: { $0.0 == "scenario_fnv1a" }), let text { pairs[i].1 = .string(ShardFiles.hex(NodeRandom.fnv1a(text))) }
        }
        let edited = try merge([single], key: secret, out: "m6")
        #expect(edited.status == 65 && edited.stderr.contains("\(single): the shard does not match its keyed seal"), "\(edited.stderr)")
    }

    /// The seal covers the header's values, so its text must be as written: `"seed": 42.0` reads as
    /// the same number but would no longer be taken as the seed the shard ran with. A key behind a
    /// link (a mounted secret) is a key.
    @Test func aHeaderRewrittenToTheSameValuesIsRefusedAndALinkedKeyWorks() throws {
        let secret = try key("shard.key", bytes: 32)
        let linked = root + "/linked.key"
        try FileManager.default.createSymbolicLink(atPath: linked, withDestinationPath: secret)
        let keyed = try shards(key: linked, count: 1)
        let path = keyed[0] + "/shard.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"seed\": 42,"))
        try text.replacingOccurrences(of: "\"seed\": 42,", with: "\"seed\": 42.0,").write(toFile: path, atomically: true, encoding: .utf8)
        let r = try merge(keyed, key: secret)
        #expect(r.status == 65 && r.stderr.contains("shard.json is not as UrbanWatt writes it"), "\(r.stderr)")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try merge(keyed, key: linked, out: "m8").status == 0)
    }

    /// Shards of Monte Carlo runs seal runs.csv too: one run's figure edited is refused.
    @Test func keyedRunShardsSealTheirRuns() throws {
        let secret = try key("shard.key", bytes: 32)
        let keyed = try shards(key: secret, count: 2, runs: 4)
        #expect(try json(keyed[0] + "/shard.json")["keyed_files"] as? [String] == ["scenario.yaml", "series.bin", "runs.csv"])
        #expect(try merge(keyed, key: secret).status == 0)
        let runs = keyed[1] + "/runs.csv"
        var lines = try String(contentsOfFile: runs, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[1] = lines[1].replacingOccurrences(of: ",", with: ",1", options: [], range: lines[1].range(of: ","))
        try lines.joined(separator: "\n").write(toFile: runs, atomically: true, encoding: .utf8)
        let r = try merge(keyed, key: secret, out: "m7")
        #expect(r.status == 65 && r.stderr.contains("\(keyed[1]): the shard does not match its keyed seal"), "\(r.stderr)")
    }

    @Test func aKeyMustBeUsableAndOnlySealsShards() throws {
        let short = try key("short.key", bytes: 8)
        let r = try CLI.run(["run", "mittelstadt", "--shard", "1/2", "--key-file", short, "--out", root + "/s", "--quiet"])
        #expect(r.status == 64 && r.stderr.contains("holds 8 bytes; a key takes 16 bytes to 1 MiB"), "\(r.stderr)")
        let missing = try CLI.run(["merge", root + "/x", "--key-file", root + "/absent.key", "--out", root + "/m", "--quiet"])
        #expect(missing.status == 66 && missing.stderr.contains("--key-file: cannot read \(root)/absent.key"), "\(missing.stderr)")
        let device = try CLI.run(["merge", root + "/x", "--key-file", "/dev/urandom", "--out", root + "/m", "--quiet"])
        #expect(device.status == 64 && device.stderr.contains("/dev/urandom is not a regular file"), "\(device.stderr)")
        let unsharded = try CLI.run(["run", "mittelstadt", "--key-file", short, "--out", root + "/s", "--quiet"])
        #expect(
            unsharded.status == 64 && unsharded.stderr.contains("--key-file seals a shard's files for merge: use it with --shard K/N"), "\(unsharded.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/s") && !FileManager.default.fileExists(atPath: root + "/m"))
    }
}
