import Foundation
import TestSupport
import Testing

/// Reads a JSON file into Foundation objects.
func json(_ path: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
}

/// Every number of `a` equals the one at the same place in `b` within `relative`; other values equal.
func sameNumbers(_ a: Any, _ b: Any, relative: Double, path: String = "", skip: Set<String> = ["run"]) -> [String] {
    switch (a, b) {
    case (let x as [String: Any], let y as [String: Any]):
        return x.keys.filter { !skip.contains($0) }.flatMap { k in
            y[k].map { sameNumbers(x[k]!, $0, relative: relative, path: path + "." + k, skip: []) } ?? [path + "." + k + " missing"]
        }
    case (let x as NSNumber, let y as NSNumber):
        let d = abs(x.doubleValue - y.doubleValue), s = max(abs(x.doubleValue), abs(y.doubleValue))
        return d <= relative * s ? [] : ["\(path): \(x) vs \(y)"]
    case (let x as String, let y as String):
        return x == y ? [] : ["\(path): \(x) vs \(y)"]
    case (let x as [Any], let y as [Any]):
        guard x.count == y.count else { return ["\(path): \(x.count) vs \(y.count) elements"] }
        return zip(x, y).enumerated().flatMap { k, p in sameNumbers(p.0, p.1, relative: relative, path: "\(path)[\(k)]", skip: []) }
    default:
        return "\(a)" == "\(b)" ? [] : ["\(path): \(a) vs \(b)"]
    }
}

@Suite(.serialized) struct ResultsCommandTests {
    @Test func theLibraryMatchesItsGoldens() throws {
        let r = try CLI.run(["check"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("7 passed, 0 failed"))
    }

    @Test func aOneParameterChangeFailsTheCheckAndNamesTheFieldUntilBlessed() throws {
        let dir = CLI.temporaryFolder()
        let scenarios = dir.appendingPathComponent("Scenarios")
        try FileManager.default.createDirectory(at: scenarios, withIntermediateDirectories: true)
        let file = scenarios.appendingPathComponent("t.yaml").path
        let text = """
            urbanwatt: 1
            name: t
            period: {start: 2025-01-01, end: 2025-02-01, step: 1 h}
            fleets:
              - {name: lamps, kind: device, count: 10, power: 100 W}
              - {name: gw, kind: gateway, power: 5 W}
            """
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["check", "--bless", "Scenarios"], in: dir).status == 0)
        #expect(try CLI.run(["check", "Scenarios"], in: dir).status == 0)
        try text.replacingOccurrences(of: "power: 5 W", with: "power: 6 W").write(toFile: file, atomically: true, encoding: .utf8)
        let failed = try CLI.run(["check", "Scenarios"], in: dir)
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("by_fleet.gw.energy_kwh"))
        #expect(failed.stdout.contains("field") && failed.stdout.contains("relative difference"))
        // 5 W → 6 W over 744 h: 3.72 → 4.464 kWh, relative difference 0.744 / 4.464.
        #expect(failed.stdout.contains("1.667e-01"))
        #expect(try CLI.run(["check", "--bless", "Scenarios"], in: dir).status == 0)
        #expect(try CLI.run(["check", "Scenarios"], in: dir).status == 0)
    }

    @Test func shardsMergeToTheUnshardedSummary() throws {
        let dir = CLI.temporaryFolder()
        let base = ["--from", "2025-03-01", "--to", "2025-04-15", "--quiet"]
        try CLI.run(["run", "mittelstadt", "--out", dir.appendingPathComponent("whole").path] + base)
        let whole = try json(dir.appendingPathComponent("whole/summary.json").path)
        for n in [1, 2, 3, 7] {
            var folders: [String] = []
            for k in 1...n {
                let f = dir.appendingPathComponent("n\(n)/s\(k)").path
                let r = try CLI.run(["run", "mittelstadt", "--shard", "\(k)/\(n)", "--out", f] + base)
                #expect(r.status == 0, "\(r.stderr)")
                folders.append(f)
            }
            let out = dir.appendingPathComponent("n\(n)/merged").path
            let m = try CLI.run(["merge"] + folders + ["--out", out, "--quiet"])
            #expect(m.status == 0, "\(m.stderr)")
            let merged = try json(out + "/summary.json")
            #expect(sameNumbers(whole, merged, relative: 1e-12) == [], "\(n) shards")
            let fleets = { (s: [String: Any]) in (s["by_fleet"] as! [String: [String: Any]]).mapValues { $0["uplinks"] as! Int } }
            #expect(fleets(whole) == fleets(merged), "message counts exactly")
        }
        let missing = try CLI.run(["merge", dir.appendingPathComponent("n3/s1").path, "--out", dir.appendingPathComponent("bad").path])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("missing shards 2/3, 3/3"))
    }

    /// Shards of different runs, a damaged series file or a shard given twice are refused with the
    /// shard and what differs; a seed above 2^63 survives the round trip.
    @Test func mergeRefusesShardsThatDoNotBelongTogether() throws {
        let dir = CLI.temporaryFolder()
        func shard(_ k: Int, _ name: String, _ extra: [String] = []) throws -> String {
            let f = dir.appendingPathComponent(name).path
            let r = try CLI.run(["run", "mittelstadt", "--from", "2025-03-01", "--to", "2025-03-03", "--quiet", "--shard", "\(k)/2", "--out", f] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return f
        }
        let seed = "18446744073709551615"
        let a1 = try shard(1, "a1", ["--seed", seed]), a2 = try shard(2, "a2", ["--seed", seed])
        let other = try shard(2, "b2", ["--seed", "7"]), longer = try shard(2, "c2", ["--seed", seed, "--to", "2025-03-04"])
        func merge(_ folders: [String]) throws -> CLI.Output {
            try CLI.run(["merge"] + folders + ["--out", dir.appendingPathComponent("m").path, "--quiet"])
        }
        let good = try merge([a1, a2])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(try String(contentsOfFile: dir.appendingPathComponent("m/summary.json").path, encoding: .utf8).contains("\"seed\": \(seed),"))
        let seeds = try merge([a1, other])
        #expect(seeds.status == 65)
        #expect(seeds.stderr.contains("\(other): another run than \(a1): seed 7, not \(seed)"), "\(seeds.stderr)")
        let period = try merge([a1, longer])
        #expect(period.status == 65 && period.stderr.contains("end \"2025-03-04\", not \"2025-03-03\""), "\(period.stderr)")
        let twice = try merge([a1, a1])
        #expect(twice.status == 65 && twice.stderr.contains("shard 1/2 again"), "\(twice.stderr)")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: a2 + "/series.bin"))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: a2 + "/series.bin"))
        let damaged = try merge([a1, a2])
        #expect(damaged.status == 65 && damaged.stderr.contains("\(a2): series.bin does not match its shard.json"), "\(damaged.stderr)")
    }

    @Test func monteCarloBandsSurroundTheAnalyticMeanAndRepeat() throws {
        // 1000 devices of uniform(4 W, 6 W) for 8760 h: mean 43,800 kWh; p5 and p95 at 4.1 W and 5.9 W.
        let (dir, file) = try CLI.scenario(
            """
            urbanwatt: 1
            name: mc
            seed: 5
            period: {start: 2025-01-01, end: 2026-01-01, step: 1 h}
            fleets:
              - {name: d, kind: device, count: 1000, power: {uniform: [4 W, 6 W]}}
            """)
        for k in 1...2 {
            let r = try CLI.run(["run", file, "--runs", "400", "--out", dir.appendingPathComponent("o\(k)").path, "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let a = try json(dir.appendingPathComponent("o1/summary.json").path)
        let u = a["uncertainty"] as! [String: Any]
        #expect(u["runs"] as? Int == 400)
        let e = (u["totals"] as! [String: [String: Double]])["energy_kwh"]!
        #expect(e["p5"]! < e["p50"]! && e["p50"]! < e["p95"]!)
        #expect(abs(e["p50"]! - 43_800) / 43_800 < 0.03)
        #expect(abs(e["p5"]! - 4.1 * 8760) / (4.1 * 8760) < 0.03)
        #expect(abs(e["p95"]! - 5.9 * 8760) / (5.9 * 8760) < 0.03)
        // Without --runs the central value is used: exactly 5 W.
        #expect(abs(((a["totals"] as! [String: Any])["energy_kwh"] as! Double) - 43_800) < 1e-6)
        let b = try json(dir.appendingPathComponent("o2/summary.json").path)
        #expect(sameNumbers(u, b["uncertainty"]!, relative: 0) == [], "same seed, same bands")
        let byYear = (u["by_year"] as! [String: [String: [String: Double]]])["2025"]!["energy_kwh"]!
        #expect(byYear["p50"] == e["p50"])
    }

    /// `--runs N --shard K/M` splits the runs, not the nodes: merged, the bands are the unsharded
    /// run's bit for bit, and runs.csv holds every run's figures in run order.
    @Test func shardedMonteCarloRunsMergeBitForBit() throws {
        let (dir, file) = try CLI.scenario(
            """
            urbanwatt: 1
            name: mc
            seed: 5
            period: {start: 2025-12-30, end: 2026-01-03, step: 1 h}
            grid: {carbon_intensity: 380 g/kWh}
            fleets:
              - {name: d, kind: device, count: 100, power: {uniform: [4 W, 6 W]}}
              - {name: gw, kind: gateway, count: 3, power: {triangular: [2 W, 3 W, 5 W]}}
              - {name: dc, kind: datacenter, it_power: 10 kW, pue: {normal: [1.5, 0.2]}}
            """)
        let whole = dir.appendingPathComponent("whole").path
        #expect(try CLI.run(["run", file, "--runs", "11", "--out", whole, "--quiet"]).status == 0)
        var folders: [String] = []
        for k in 1...3 {
            let f = dir.appendingPathComponent("s\(k)").path
            let r = try CLI.run(["run", file, "--runs", "11", "--shard", "\(k)/3", "--out", f, "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
            folders.append(f)
        }
        let merged = dir.appendingPathComponent("merged").path
        let m = try CLI.run(["merge"] + folders + ["--out", merged, "--quiet"])
        #expect(m.status == 0, "\(m.stderr)")
        let a = try json(whole + "/summary.json"), b = try json(merged + "/summary.json")
        #expect(sameNumbers(a["uncertainty"]!, b["uncertainty"]!, relative: 0) == [])
        #expect(sameNumbers(a["totals"]!, b["totals"]!, relative: 0) == [])
        let runs = try String(contentsOfFile: whole + "/runs.csv", encoding: .utf8)
        #expect(try String(contentsOfFile: merged + "/runs.csv", encoding: .utf8) == runs)
        // 11 runs, each with its redraws, 3 totals (energy, peak, CO2), 2 years, the balance and groups.
        #expect(runs.hasPrefix("run,section,group,key,value\n0,draws,,redraws,"))
        #expect(runs.contains("\n10,by_year,2026,energy_kwh,") && !runs.contains("\n11,"))
        // Shard 2/3 holds runs 1, 4, 7, 10; one missing run is named.
        let lines = try String(contentsOfFile: folders[1] + "/runs.csv", encoding: .utf8).split(separator: "\n")
        #expect(Set(lines.dropFirst().map { $0.prefix(while: { $0 != "," }) }) == ["1", "4", "7", "10"])
        try (lines.filter { !$0.hasPrefix("10,") }.joined(separator: "\n") + "\n").write(toFile: folders[1] + "/runs.csv", atomically: true, encoding: .utf8)
        let short = try CLI.run(["merge"] + folders + ["--out", dir.appendingPathComponent("bad").path])
        #expect(short.status == 65)
        #expect(short.stderr.contains("runs.csv: 3 of shard 2/3's 4 runs"), "\(short.stderr)")
        // More shards than runs is a mistake on the command line.
        #expect(try CLI.run(["run", file, "--runs", "2", "--shard", "1/3", "--out", dir.appendingPathComponent("x").path]).status == 64)
    }

    @Test func compareShowsDeltasInEveryFormat() throws {
        let dir = CLI.temporaryFolder()
        try CLI.run(["run", "streetlight-retrofit", "--out", dir.appendingPathComponent("a").path, "--quiet", "--to", "2025-02-01"])
        try CLI.run(["run", "streetlight-retrofit", "--out", dir.appendingPathComponent("b").path, "--quiet", "--to", "2025-03-01"])
        let a = dir.appendingPathComponent("a").path, b = dir.appendingPathComponent("b").path
        let table = try CLI.run(["compare", a, b])
        #expect(table.status == 0)
        #expect(table.stdout.contains("energy (kWh)") && table.stdout.contains("peak (kW)") && table.stdout.contains("Δ%"))
        // A month beside two months: both periods shown, a warning, and --strict fails.
        #expect(table.stdout.contains("2025-01-01 to 2025-02-01, step 900 s, seed 7") && table.stdout.contains("2025-01-01 to 2025-03-01"))
        #expect(table.stderr.contains("warning: the periods differ: \(a) 2025-01-01 to 2025-02-01, \(b) 2025-01-01 to 2025-03-01"), "\(table.stderr)")
        #expect(try CLI.run(["compare", a, b, "--strict"]).status == 1)
        #expect(try CLI.run(["compare", a, a, "--strict"]).status == 0)
        let md = try CLI.run(["compare", a, b, "--format", "md"])
        #expect(md.stdout.hasPrefix("| section | item | measure |"))
        let csv = try CLI.run(["compare", a, b, "--format", "csv"])
        #expect(csv.stdout.hasPrefix("section,item,measure,a,b,delta,relative\n"))
        // CO2 and cost per district, and the balance in carbon.
        #expect(csv.stdout.contains("\nby_district,residential,co2_kg,") && csv.stdout.contains("\nbalance,net_co2_kg,net_co2_kg,"))
        // A page for a council: the warning band, the charts side by side, the deltas.
        let html = try CLI.run(["compare", a, b, "--format", "html"])
        #expect(html.status == 0)
        for part in [
            "id=\"warnings\"", "the periods differ", "Balance: ICT overhead, savings and net", "Energy by layer", "Peak power by layer",
            "CO₂ by layer", "Cost by layer", "Energy by district", "<h3>By fleet</h3>", "id=\"deltas\"",
        ] {
            #expect(html.stdout.contains(part), "\(part)")
        }
        #expect(!(try CLI.run(["compare", a, a, "--format", "html"]).stdout.contains("id=\"warnings\"")))
        let js = try CLI.run(["compare", a, b, "--format", "json"])
        let rows = (try JSONSerialization.jsonObject(with: Data(js.stdout.utf8)) as! [String: Any])["rows"] as! [[String: Any]]
        let energy = rows.first { $0["section"] as? String == "totals" && $0["item"] as? String == "energy_kwh" }!
        let av = energy["a"] as! Double, bv = energy["b"] as! Double
        #expect(abs((energy["delta"] as! Double) - (bv - av)) < 1e-6)
        #expect(abs((energy["relative"] as! Double) - (bv - av) / av) < 1e-12)
        // Two scenarios are run first.
        let scenarios = try CLI.run(["compare", "mittelstadt", "streetlight-retrofit", "--format", "csv"])
        #expect(scenarios.status == 0)
        #expect(scenarios.stdout.contains("by_fleet,chargers,") && scenarios.stdout.contains("\nby_layer,mobility,peak_kw,"))
        // Other fleets and another grid are not like for like either (issue 24: only the seed was said).
        #expect(scenarios.stderr.contains("warning: the fleets differ: only mittelstadt has "), "\(scenarios.stderr)")
        // A variant with twice the chargers: --strict fails, unless the chargers are the point.
        let variant = try CLI.scenario("urbanwatt: 1\nextends: mittelstadt\nname: more-chargers\nfleets:\n  - {name: chargers, count: 400}\n")
        let strict = try CLI.run(["compare", "mittelstadt", variant.file, "--strict", "--format", "csv"])
        #expect(strict.status == 1 && strict.stderr.contains("warning: fleet `chargers` changed: nodes 200 → 400"), "\(strict.stderr)")
        let meant = try CLI.run(["compare", "mittelstadt", variant.file, "--strict", "--format", "csv", "--expect", "fleet:chargers"])
        #expect(meant.status == 0 && meant.stderr.contains("expected: fleet `chargers` changed: nodes 200 → 400"), "\(meant.stderr)")
        #expect(try CLI.run(["compare", "mittelstadt", variant.file, "--expect", "chargers"]).status == 64)
    }

    @Test func theReportIsSelfContainedAndRendersToAPicture() throws {
        let dir = CLI.temporaryFolder()
        let out = dir.appendingPathComponent("o").path
        try CLI.run(["run", "mittelstadt", "--out", out, "--quiet", "--to", "2025-03-01"])
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        for id in ["header", "summary", "tables", "charts", "flows", "lifecycle", "uncertainty", "assumptions", "methodology"] {
            #expect(html.contains("id=\"\(id)\""), "section \(id)")
        }
        for title in [
            "A typical winter day by layer", "Energy per year by layer", "CO₂ and cost per year", "Load-duration curve",
            "Energy by district and layer", "Top fleets", "Energy flows", "Balance: the ICT against the savings it enables",
        ] {
            #expect(html.contains(title), "\(title)")
        }
        // The summary in sentences; tables with CO2 and cost; every coefficient with its source.
        #expect(html.contains("Its ICT — sensors, radios, servers and the controllers and electronics inside lights, signals and chargers — uses"))
        #expect(html.contains("Net, the ICT overhead less the savings only ICT makes possible (dimming, smart charging, indirect effects)"))
        #expect(html.contains("Newer equipment saves a further"))
        #expect(html.contains("<h3>By district</h3>") && html.contains("t CO₂</th>"))
        // Each year's balance: overhead, ICT-enabled savings and net, and the efficiency savings apart.
        #expect(html.contains("<h3>Balance by year</h3>") && html.contains("<th>ICT-enabled savings MWh</th>") && html.contains("<td>2025</td>"))
        // mittelstadt's heat and petrol: the balance in each carrier's final energy.
        // The life cycle of the library's embodied defaults: operational against embodied per year.
        #expect(html.contains("Operational and embodied CO₂e per year") && html.contains("<th>embodied t CO₂e, amortised</th>"))
        #expect(html.contains("<h3>Balance by carrier</h3>") && html.contains("<td class=\"t\">petrol</td><td class=\"t\">l</td>"))
        #expect(html.contains("[nRF9160]") && html.contains("[Auer2011]</a> table 2"))
        // The sources cited, quoted from the bibliography and linked from the table.
        #expect(html.contains("<h3 id=\"sources\">Sources cited</h3>") && html.contains("<dt id=\"src-Auer2011\">"))
        for unit in ["(kW)", "(MWh)", "(h)"] { #expect(html.contains(unit)) }
        // Nothing is fetched: no external scripts, styles, images or fonts; links only within the page.
        for reference in ["src=", "@import", "url("] { #expect(!html.contains(reference)) }
        #expect(!html.replacingOccurrences(of: "href=\"#", with: "").contains("href="))
        let browser = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try #require(browser != nil, "Chromium is installed by scripts/setup")
        func render(_ target: String) throws -> Int32 {
            let script = Process()
            script.executableURL = URL(fileURLWithPath: "/bin/bash")
            script.arguments = [CLI.repositoryRoot.appendingPathComponent("scripts/render-report").path, out + "/report.html", target]
            script.standardOutput = FileHandle.nullDevice
            try script.run()
            script.waitUntilExit(within: childTimeLimit)
            return script.terminationStatus
        }
        let png = dir.appendingPathComponent("report.png").path
        #expect(try render(png) == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        // A blank page compresses to a few kilobytes; charts with text do not.
        #expect(data.count > 30_000)
        // It prints: an A4 PDF of several pages whose text has every section.
        let pdf = dir.appendingPathComponent("report.pdf").path
        #expect(try render(pdf) == 0)
        let info = try CLI.tool("/usr/bin/pdfinfo", [pdf])
        #expect(info.contains("(A4)"), "\(info)")
        let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.split(separator: " ").last!) } ?? 0
        #expect((4...20).contains(pages), "\(pages) pages")
        let text = try CLI.tool("/usr/bin/pdftotext", [pdf, "-"])
        for heading in ["Summary", "Tables", "Charts", "Flows", "Uncertainty", "Assumptions", "Methodology"] {
            #expect(text.contains(heading), "the PDF has \(heading)")
        }
        // No heading is left at a page's foot: every page but the last ends below the text of one.
        let headings = Set(html.matches(of: /<h[23][^>]*>([^<]*)<\/h[23]>/).map { String($0.1).replacingOccurrences(of: "&amp;", with: "&") })
        for (k, page) in text.split(separator: "\u{0C}").dropLast().enumerated() {
            let last = page.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.last { !$0.isEmpty } ?? ""
            #expect(!headings.contains(last), "page \(k + 1) ends with the heading \(last)")
        }
        // One energy unit in the text, the tables and the charts of a city's report.
        #expect(html.contains("<th>energy MWh</th>") && html.contains("<th>ICT overhead MWh</th>") && !html.contains("energy kWh"))
        // Page 1 is the answer: the net in words and the balance's figures.
        let first = try CLI.tool("/usr/bin/pdftotext", ["-f", "1", "-l", "1", pdf, "-"])
        for words in ["The answer", "more electricity than it", "ICT overhead (what the ICT uses)", "ICT-enabled savings, after rebound", "net = overhead"] {
            #expect(first.contains(words), "page 1 has \(words): \(first.prefix(600))")
        }
    }
}
