import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct RunCommandTests {
    static let small = """
        urbanwatt: 1
        name: small
        seed: 3
        period: {start: 2025-01-01, end: 2025-02-01, step: 15 min}
        grid: {carbon_intensity: 400 g/kWh, price: 0.25 EUR/kWh}
        fleets:
          - {name: lamps, kind: device, count: 1000, power: 5 W}
          - {name: s, kind: sensor, count: 50, jitter: 10%, radio: {type: lorawan, spreading_factor: {7: 50%, 12: 50%}},
             uplink: {interval: 7 min, payload: 11 B}, via: gw}
          - {name: gw, kind: gateway, power: 3 W, via: dc}
          - {name: dc, kind: datacenter, it_power: 1 kW, pue: 1.5, per_gb: 1 kWh/GB}
        """

    func writeSmall(_ dir: URL) throws -> String {
        let path = dir.appendingPathComponent("small.yaml").path
        try Self.small.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aRunWritesTheThreeResultFiles() throws {
        let dir = CLI.temporaryFolder()
        let out = dir.appendingPathComponent("out").path
        let r = try CLI.run(["run", try writeSmall(dir), "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let summary = try String(contentsOfFile: out + "/summary.json", encoding: .utf8)
        let json = try JSONSerialization.jsonObject(with: Data(summary.utf8)) as! [String: Any]
        let totals = json["totals"] as! [String: Any]
        // 1000 × 5 W × 744 h = 3720 kWh of devices; 1 kW × 1.5 × 744 h = 1116 kWh of data centre; gateway 2.232 kWh.
        let energy = totals["energy_kwh"] as! Double
        #expect(energy > 3720 + 1116 + 2.232 && energy < 3720 + 1116 + 2.232 + 0.1)
        #expect(abs((totals["co2_kg"] as! Double) - energy * 0.4) < 1e-6)
        #expect(totals["currency"] as? String == "EUR")
        let keys = [
            "urbanwatt_version", "scenario", "seed", "period", "complete", "totals", "by_layer", "by_kind", "by_district",
            "by_fleet", "by_year", "balance", "telemetry", "run",
        ]
        let positions = keys.map { summary.range(of: "\n  \"\($0)\":")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "keys in the contract's order")
        let csv = try String(contentsOfFile: out + "/timeseries.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv[0] == "time,time_local,total_kw,sensing_kw,network_kw,compute_kw,lighting_kw,mobility_kw,buildings_kw")
        #expect(csv.count == 1 + 744)
        #expect(csv[1].hasPrefix("2025-01-01T00:00:00Z,"))
        let fleets = try String(contentsOfFile: out + "/fleets.csv", encoding: .utf8).split(separator: "\n")
        #expect(
            fleets[0] == "year,fleet,kind,layer,district,nodes,energy_kwh,peak_kw,co2_kg,cost,baseline_kwh,savings_kwh,savings_co2_kg,"
                + "savings_cost,savings_ict_kwh,savings_ict_co2_kg,savings_ict_cost,ict_kwh,ict_co2_kg,ict_cost,"
                + "battery_life_min_years,battery_life_p5_years,battery_life_mean_years,uplinks,bytes")
        // 1,000 × 5 W × 744 h = 3,720 kWh; × 400 g/kWh = 1,488 kg; × 0.25 EUR/kWh = 930 EUR; no baseline, no battery;
        // a device is ICT as a whole.
        #expect(
            fleets[1] == "2025,lamps,device,sensing,city,1000,3720.000000,5.000000,1488.000000,930.000000,,,,,,,,"
                + "3720.000000,1488.000000,930.000000,,,,0,0")
    }

    @Test func theSameScenarioAndSeedGiveTheSameBytes() throws {
        let dir = CLI.temporaryFolder()
        let path = try writeSmall(dir)
        for k in 1...2 { try CLI.run(["run", path, "--out", dir.appendingPathComponent("o\(k)").path, "--quiet"]) }
        for file in ["summary.json", "timeseries.csv", "fleets.csv"] {
            let a = try String(contentsOfFile: dir.appendingPathComponent("o1/\(file)").path, encoding: .utf8)
            let b = try String(contentsOfFile: dir.appendingPathComponent("o2/\(file)").path, encoding: .utf8)
            #expect(withoutRun(a) == withoutRun(b))
        }
    }

    @Test func optionsOverrideTheScenario() throws {
        let dir = CLI.temporaryFolder()
        let r = try CLI.run([
            "run", try writeSmall(dir), "--out", dir.appendingPathComponent("o").path, "--json",
            "--from", "2025-01-10", "--to", "2025-01-11", "--step", "1h", "--resolution", "2h", "--seed", "9",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(json["seed"] as? Int == 9)
        let period = json["period"] as! [String: Any]
        #expect(period["steps"] as? Int == 24)
        #expect(period["step_s"] as? Int == 3600)
        let csv = try String(contentsOfFile: dir.appendingPathComponent("o/timeseries.csv").path, encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 + 12)
    }

    @Test func theDefaultScenarioRunsFromAnyFolder() throws {
        let dir = CLI.temporaryFolder()
        let r = try CLI.run(["run", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try String(contentsOfFile: dir.appendingPathComponent("out/mittelstadt/summary.json").path, encoding: .utf8)
        let json = try JSONSerialization.jsonObject(with: Data(summary.utf8)) as! [String: Any]
        let layers = json["by_layer"] as! [String: [String: Any]]
        for layer in ["sensing", "network", "compute", "lighting", "mobility"] {
            #expect((layers[layer]?["energy_kwh"] as? Double ?? 0) > 0, "\(layer) has energy")
        }
    }

    @Test(
        arguments: [
            (["run", "nowhere.yaml"], Int32(66), "nowhere.yaml"),
            (["run", "--step", "7min"], 64, "--step"),
            (["run", "--resolution", "20min"], 64, "--resolution"),
            (["run", "--from", "2025-13-01"], 64, "--from"),
            (["run", "--bogus"], 64, "--bogus"),
            (["validate", "nowhere.yaml"], 66, "nowhere.yaml"),
            (["run", "--out", "/proc/urbanwatt-cannot-write", "--to", "2025-01-02"], 73, "cannot write"),
            (["run", "--shard", "3/2"], 64, "--shard"),
            (["run", "--runs", "1"], 64, "--runs"),
            (["run", "--runs", "100"], 64, "mittelstadt has no distributions"),
            (
                ["run", "--step", "1s", "--resolution", "1s", "--max-memory", "1GB"], 64,
                "mittelstadt needs about 15.5 GiB (31,536,000 steps × 16 fleets, 15,123 nodes, 31,536,000 rows"
            ),
            (["run", "--step", "1min", "--resolution", "1min", "--max-memory", "100MB"], 64, "more than --max-memory 100MB"),
            (["run", "--resolution", "1e300"], 64, "--resolution expects a duration from one step to the period's length"),
            (["run", "--mqtt", "mqtt://127.0.0.1", "--expiry", "200years"], 64, "--expiry expects a duration from 1 s to 1 year"),
            (["run", "--mqtt", "mqtt://127.0.0.1", "--reconnect-timeout", "nan"], 64, "--reconnect-timeout expects a duration"),
            (["run", "--mqtt", "mqtt://127.0.0.1", "--speed", "inf"], 64, "--speed expects"),
            (["run", "--mqtt", "mqtt://127.0.0.1", "--apikey", "a|b"], 64, "--apikey"),
            (["run", "--mqtt", "mqtt://127.0.0.1", "--topic", "a/\u{1}/{node}"], 64, "a control character"),
            (["run", "--seed", "18446744073709551616"], 64, "--seed"),
            (["listen", "--mqtt", "mqtt://127.0.0.1", "--topic", "a/#/b"], 64, "`#` must be a whole level, and the last"),
            (["listen", "--mqtt", "mqtt://127.0.0.1", "--timeout", "-1"], 64, "--timeout"),
        ] as [([String], Int32, String)])
    func mistakesOnTheCommandLineGiveTheirExitCode(arguments: [String], status: Int32, mention: String) throws {
        let r = try CLI.run(arguments, in: CLI.temporaryFolder())
        #expect(r.status == status)
        #expect(r.stderr.contains(mention), "\(r.stderr)")
    }

    /// Sensors and their ingest by hand: 50 LoRaWAN sensors at SF7 without jitter, every 10 min for
    /// January (2,678,400 s, exactly 4,464 uplinks per node whatever its phase), 11 B + 13 B MAC = 24 B.
    /// Time on air at SF7/125 kHz/CR 4/5: (8 + 4.25 + 8 + ⌈(8·24 − 4·7 + 28 + 16) / 28⌉ · 5) × 1.024 ms
    /// = 61.696 ms; at 29 mA and 3.3 V that is 5.904307 mJ an uplink. Sleep 0.2 µA × 3.3 V.
    @Test func sensorsAndTheirIngestAddUpByHand() throws {
        let dir = CLI.temporaryFolder()
        let path = dir.appendingPathComponent("sensors.yaml").path
        try """
        urbanwatt: 1
        name: sensors
        period: {start: 2025-01-01, end: 2025-02-01, step: 15 min}
        fleets:
          - {name: s, kind: sensor, count: 50, radio: {type: lorawan, spreading_factor: 7}, uplink: {interval: 10 min, payload: 11 B}, via: gw}
          - {name: gw, kind: gateway, power: 3 W, via: dc}
          - {name: dc, kind: datacenter, it_power: 1 kW, pue: 1.5, per_gb: 1 kWh/GB}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out").path
        let r = try CLI.run(["run", path, "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let fleets =
            (try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any])["by_fleet"]
            as! [String: [String: Any]]
        let uplinks = 50.0 * 4464
        #expect(fleets["s"]?["uplinks"] as? Int == Int(uplinks))
        #expect(fleets["s"]?["bytes"] as? Int == Int(uplinks * 24))
        let perUplink = 0.029 * 3.3 * 0.061696, sleep = 0.2e-6 * 3.3 * 2_678_400
        let sensorKWh = (50 * sleep + uplinks * perUplink) / 3.6e6
        #expect(abs((fleets["s"]?["energy_kwh"] as! Double) - sensorKWh) <= 1e-9 * sensorKWh, "\(fleets["s"]!)")
        // The data centre: 1 kW × 1.5 × 744 h, plus 1.5 × 1 kWh/GB × 5,356,800 B.
        let dcKWh = 1116 + 1.5 * uplinks * 24 / 1e9
        #expect(abs((fleets["dc"]?["energy_kwh"] as! Double) - dcKWh) <= 1e-9 * dcKWh)
        #expect(fleets["gw"]?["uplinks"] as? Int == Int(uplinks), "the gateway carries every uplink")
    }

    /// 31 days at 15 min = 2,976 steps in 744 hourly rows; memory 1,052 × 64 B + 744 × ((1 total + 5 layers
    /// + 4 fleets) × 16 + 160) B + 32 MiB = 32.3 MiB;
    /// messages 1,000 lamps × 2,976 + 50 sensors × ⌈2,678,400 / 420⌉ + 2 × 2,976 = 3.3 million.
    @Test func validateStatesTheWork() throws {
        let dir = CLI.temporaryFolder()
        let r = try CLI.run(["validate", try writeSmall(dir)])
        #expect(r.status == 0)
        #expect(
            r.stdout.hasSuffix(
                "ok (small: 2,976 steps × 4 fleets, 1,052 nodes, 744 rows, about 32 MiB; about 3.3 million telemetry messages at --interval 15min)\n"),
            "\(r.stdout)")
    }

    @Test func validatePrintsEveryProblemWithItsLocationAndExits65() throws {
        let dir = CLI.temporaryFolder()
        let path = dir.appendingPathComponent("bad.yaml").path
        try Self.small.replacingOccurrences(of: "power: 5 W", with: "power: 5 V").replacingOccurrences(of: "pue: 1.5", with: "pue: 0.5")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let r = try CLI.run(["validate", path])
        #expect(r.status == 65)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("\(path):7:53: error: fleets[lamps].power: expected a power such as \"150 W\", got \"5 V\"") })
        #expect(lines.contains { $0.contains("fleets[dc].pue: expected a PUE (facility energy / IT energy) from 1 to 10") })
        let ok = try CLI.run(["validate", try writeSmall(dir)])
        #expect(ok.status == 0)
    }

    /// Draws of `idle` and `max` that almost never agree: `--runs` stops with the check and the run
    /// (exit 65), writes nothing, and leaves no scratch file beside the folder it would have written.
    @Test func runsWhoseDrawsNeverAgreeStopWithTheCheckAndWriteNothing() throws {
        let dir = CLI.temporaryFolder()
        let path = dir.appendingPathComponent("servers.yaml").path
        try """
        urbanwatt: 1
        name: servers
        period: {start: 2025-01-01, end: 2025-01-08, step: 1 h}
        fleets:
          - {name: srv, kind: server, idle: {triangular: [0 W, 100 W, 100000 W]}, max: {triangular: [100 W, 101 W, 102 W]}, utilisation: 50%}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out").path
        let r = try CLI.run(["run", path, "--runs", "40", "--out", out, "--quiet"])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("\(path):5:") && r.stderr.contains("fleets[srv].max: expected `max` of at least `idle`"), "\(r.stderr)")
        #expect(r.stderr.contains("draws of the uncertain parameters broke these checks in 101 attempts"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["servers.yaml"])
    }

    @Test func listAndSchemaDescribeTheFormat() throws {
        let list = try CLI.run(["list"])
        #expect(list.status == 0)
        for word in ["mittelstadt (default)", "ev-charger", "lorawan", "nRF9160", "macro", "EARTH", "evening", "kWh/GB"] {
            #expect(list.stdout.contains(word), "list mentions \(word)")
        }
        let schema = try CLI.run(["schema"])
        #expect(schema.status == 0)
        let committed = try String(contentsOf: CLI.repositoryRoot.appendingPathComponent("Scenarios/urbanwatt.schema.json"), encoding: .utf8)
        #expect(schema.stdout == committed)
    }
}

/// Starting points and machine-readable answers.
struct StartingPointTests {
    @Test func newWritesAScenarioThatValidatesAloneOrBuiltOnAnother() throws {
        let dir = CLI.temporaryFolder()
        #expect(try CLI.run(["new", "town"], in: dir).status == 0)
        #expect(try CLI.run(["validate", "town.yaml"], in: dir).status == 0)
        #expect(try CLI.run(["new", "bigger", "--from", "mittelstadt"], in: dir).status == 0)
        let bigger = try String(contentsOfFile: dir.appendingPathComponent("bigger.yaml").path, encoding: .utf8)
        #expect(bigger.contains("extends: mittelstadt"))
        #expect(try CLI.run(["validate", "bigger.yaml"], in: dir).status == 0)
        let again = try CLI.run(["new", "town"], in: dir)
        #expect(again.status == 73 && again.stderr.contains("town.yaml exists"))
        let typo = try CLI.run(["new", "x", "--from", "mittelstat"], in: dir)
        #expect(typo.status == 66 && typo.stderr.contains("did you mean `mittelstadt`?"))
        #expect(try CLI.run(["new", "a/b"], in: dir).status == 64)
    }

    @Test func showPrintsABuiltInScenario() throws {
        let r = try CLI.run(["show", "landkreis"])
        #expect(r.status == 0 && r.stdout.contains("name: landkreis"))
        #expect(try CLI.run(["show", "landkries"]).stderr.contains("did you mean `landkreis`?"))
    }

    @Test func validateAndListAnswerInJSON() throws {
        let dir = CLI.temporaryFolder()
        let path = dir.appendingPathComponent("bad.yaml").path
        try """
        urbanwatt: 1
        name: bad
        location: {latitude: 50, longitude: 8, timezone: Europe/Berln}
        period: {start: 2025-01-01, end: 2025-01-02}
        fleets:
          - {name: lamps, kind: device, powr: 5 W}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try CLI.run(["validate", path, "--format", "json"])
        #expect(r.status == 65)
        let found = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        let byPath = Dictionary(found.map { ($0["path"] as! String, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byPath["location.timezone"]?["suggestion"] as? String == "Europe/Berlin")
        #expect(byPath["fleets[lamps].powr"]?["line"] as? Int == 6 && byPath["fleets[lamps].powr"]?["suggestion"] as? String == "power")
        #expect(byPath["fleets[lamps].power"]?["message"] as? String == "missing; expected a power such as \"150 W\"")
        let list = try JSONSerialization.jsonObject(with: Data(try CLI.run(["list", "--format", "json"]).stdout.utf8)) as! [String: Any]
        let kinds = list["kinds"] as! [[String: Any]]
        #expect(kinds.map { $0["name"] as! String }.contains("camera"))
        #expect((list["radios"] as! [[String: Any]]).contains { ($0["source"] as! String).contains("[nRF9160]") })
    }
}

/// Output folders named in every way a user might: a one-letter relative folder once trapped in
/// Foundation's path arithmetic.
struct OutputPathTests {
    @Test(arguments: ["a", "b/", "./c", "d/e", "ab"])
    func anyOutputFolderNameIsWritten(out: String) throws {
        let dir = CLI.temporaryFolder()
        let r = try CLI.run(["run", "streetlight-retrofit", "--to", "2025-01-02", "--quiet", "--out", out], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(out).appendingPathComponent("summary.json").path))
    }
}
