import Foundation
import TestSupport
import Testing

/// The red team's findings of issue 22 that are about what a command echoes or accepts, each kept
/// fixed by a test.
@Suite struct RedTeamTests {
    static let secret = "s3cr3t-Pa55"

    /// A file that is not a scenario, named by `extends` or given directly, is refused at its first
    /// line and none of it is printed.
    @Test func aFileThatIsNotAScenarioIsNeverQuoted() throws {
        let (dir, _) = try CLI.scenario("")
        let shadow = dir.appendingPathComponent("shadow").path
        try "root:$6$\(Self.secret):19000:0:99999:7:::\nuser:x:1000\n".write(toFile: shadow, atomically: true, encoding: .utf8)
        let child = dir.appendingPathComponent("child.yaml").path
        try "urbanwatt: 1\nname: child\nextends: \(shadow)\n".write(toFile: child, atomically: true, encoding: .utf8)
        for (file, said) in [
            (child, "\(child):3:10: error: extends: `\(shadow)` is not an UrbanWatt scenario"), (shadow, "\(shadow):1:1: error: not an UrbanWatt scenario"),
        ] {
            let r = try CLI.run(["validate", file])
            #expect(r.status == 65, "\(r.stderr)")
            #expect(r.stderr.contains(said), "\(r.stderr)")
            #expect(!(r.stdout + r.stderr).contains(Self.secret) && !(r.stdout + r.stderr).contains("root"), "\(r.stderr)")
        }
    }

    @Test func aPasswordInAURLIsNeverPrinted() throws {
        let mqtt = try CLI.run(["run", "--mqtt", "mqtt://user:\(Self.secret)@127.0.0.1", "--quiet"])
        #expect(mqtt.status == 64, "\(mqtt.stderr)")
        #expect(mqtt.stderr.contains("mqtt://user:***@127.0.0.1") && !mqtt.stderr.contains(Self.secret), "\(mqtt.stderr)")
        let influx = try CLI.run(["listen", "--mqtt", "mqtt://127.0.0.1:9", "--influx", "ftp://u:\(Self.secret)@h/write?db=x&p=\(Self.secret)"])
        #expect(influx.status == 64, "\(influx.stderr)")
        #expect(!influx.stderr.contains(Self.secret), "\(influx.stderr)")
    }

    @Test(arguments: ["nan", "inf", "1e308", "-0.1", "1.5"])
    func aToleranceThatCannotFailIsRefused(value: String) throws {
        let r = try CLI.run(["check", "--tolerance=\(value)"])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("--tolerance expects a relative tolerance from 0 to 1"), "\(r.stderr)")
    }

    static let link = """
        urbanwatt: 1
        name: link
        period: {start: 2025-01-01, end: 2026-01-01, step: 1 h}
        fleets:
          - {name: sensors, kind: sensor, count: 10, radio: {type: nbiot}, uplink: {interval: 1 h, payload: 100 B}, via: net}
          - {name: net, kind: link, intensity: INTENSITY}
        """

    /// A halving that extrapolates past physics (2^175 times the value, or an intensity of zero or
    /// infinity) is refused at validation, located at `halving`; one that stays in range runs.
    @Test(arguments: [
        ("{value: 0.06 kWh/GB, year: 2200, halving: 1 year}", "2025"), ("{value: 0.06 kWh/GB, year: 2026, halving: 1e-300 years}", "2025"),
        ("{value: 0.06 kWh/GB, year: 2024, halving: 1e-300 years}", "2025"),
    ])
    func aLinkExtrapolatedPastPhysicsIsRefused(intensity: String, year: String) throws {
        let (_, file) = try CLI.scenario(Self.link.replacingOccurrences(of: "INTENSITY", with: intensity))
        let r = try CLI.run(["validate", file])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("fleets[net].intensity.halving: the intensity would reach"), "\(r.stderr)")
        #expect(r.stderr.contains("in \(year)") || r.stderr.contains("in 2026"), "\(r.stderr)")
        let fine = try CLI.scenario(Self.link.replacingOccurrences(of: "INTENSITY", with: "{value: 0.06 kWh/GB, year: 2015, halving: 2 years}"))
        #expect(try CLI.run(["validate", fine.file]).status == 0)
    }

    static let pue = """
        urbanwatt: 1
        name: pue
        period: {start: 2025-01-01, end: 2025-01-02, step: 1 h}
        fleets:
          - {name: dc, kind: datacenter, it_power: 1 kW, pue: PUE}
        """

    /// `pue: {normal: [1, 1e9]}` once gave every run the central 24 kWh after 50,000 redraws,
    /// silently: now no run is written and the parameter is named.
    @Test func aDistributionMostlyOutsideItsRangeIsAnError() throws {
        let (dir, file) = try CLI.scenario(Self.pue.replacingOccurrences(of: "PUE", with: "{normal: [1, 1e9]}"))
        let out = dir.appendingPathComponent("out").path
        let r = try CLI.run(["run", file, "--runs", "50", "--out", out, "--quiet"])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("fleets[dc].pue"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// `pue: {normal: [1.1, 0.2]}` rejects Φ(−0.5) = 30.85 % of its draws (below 1): between 1 % and
    /// 50 %, a warning and `uncertainty.redraw_share`; `{normal: [2, 0.1]}` rejects none and is quiet.
    @Test func aMonteCarloThatRedrawsSaysSo() throws {
        let (dir, file) = try CLI.scenario(Self.pue.replacingOccurrences(of: "PUE", with: "{normal: [1.1, 0.2]}"))
        let out = dir.appendingPathComponent("out").path
        let r = try CLI.run(["run", file, "--runs", "400", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("of the parameter draws fell outside their valid ranges"), "\(r.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
        let share = (summary["uncertainty"] as! [String: Any])["redraw_share"] as! Double
        #expect(abs(share - 0.3085) < 0.03, "redraw_share \(share)")
        let quiet = try CLI.scenario(Self.pue.replacingOccurrences(of: "PUE", with: "{normal: [2, 0.1]}"))
        let q = try CLI.run(["run", quiet.file, "--runs", "20", "--out", quiet.dir.appendingPathComponent("out").path])
        #expect(q.status == 0 && !q.stderr.contains("drawn again"), "\(q.stderr)")
    }

    /// Shard 2's folder relabelled "3/3" merged in place of the real shard 3 with exit 0 and a total
    /// 1.2 % low: its header is now sealed with its series, and an edit breaks the seal.
    @Test func aRelabelledShardIsRefused() throws {
        let root = CLI.temporaryFolder().path
        let shards = (1...3).map { root + "/s\($0)" }
        for (k, folder) in shards.enumerated() {
            let r = try CLI.run(["run", "mittelstadt", "--shard", "\(k + 1)/3", "--out", folder, "--from", "2025-06-01", "--to", "2025-06-02", "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let header = shards[1] + "/shard.json"
        let text = try String(contentsOfFile: header, encoding: .utf8)
        try text.replacingOccurrences(of: "\"shard\": \"2/3\"", with: "\"shard\": \"3/3\"").write(toFile: header, atomically: true, encoding: .utf8)
        let r = try CLI.run(["merge", shards[0], shards[1], "--out", root + "/merged", "--quiet"])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("s2: shard.json does not match its own checksum"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/merged"))
    }

    /// A secret read from a device would be read for ever: files read whole must be regular files.
    @Test func aSecretFromADeviceIsRefused() throws {
        let r = try CLI.run(["run", "mittelstadt", "--mqtt", "mqtt://127.0.0.1:9", "--password-file", "/dev/zero", "--out", CLI.temporaryFolder().path + "/o"])
        #expect(r.status == 64 && r.stderr.contains("--password-file: /dev/zero is not a regular file"), "\(r.stderr)")
    }
}
