import Foundation
import TestSupport
import Testing

/// `run`, `merge`, `listen` and `check --bless` never delete or overwrite what UrbanWatt did not
/// write: a folder is replaced only when it is absent, empty, or marked by UrbanWatt's manifest,
/// and the files a user adds to a marked folder survive the next run.
@Suite struct ForeignFolderTests {
    static let day = ["--from", "2025-06-01", "--to", "2025-06-02", "--quiet"]

    /// Every file below `folder` with its content (links as "-> target"), to prove nothing changed.
    static func snapshot(_ folder: String) throws -> [String: String] {
        var files: [String: String] = [:]
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: folder) else { return files }
        for case let path as String in walker {
            let full = folder + "/" + path
            if let target = try? fm.destinationOfSymbolicLink(atPath: full) {
                files[path] = "-> " + target
                continue
            }
            var isFolder: ObjCBool = false
            if fm.fileExists(atPath: full, isDirectory: &isFolder), !isFolder.boolValue {
                files[path] = String(decoding: try Data(contentsOf: URL(fileURLWithPath: full)), as: UTF8.self)
            } else {
                files[path] = "/"
            }
        }
        return files
    }

    @Test(arguments: ["thesis.tex", "chapters/one.tex", ".bashrc"])
    func aFolderHoldingAForeignFileIsRefusedAndKeptWhole(foreign: String) throws {
        let root = CLI.temporaryFolder().path
        let out = root + "/docs"
        try FileManager.default.createDirectory(atPath: out + (foreign.contains("/") ? "/chapters" : ""), withIntermediateDirectories: true)
        try "my thesis".write(toFile: out + "/" + foreign, atomically: true, encoding: .utf8)
        let before = try Self.snapshot(out)
        let r = try CLI.run(["run", "mittelstadt", "--out", out] + Self.day)
        #expect(r.status == 73, "\(r.stderr)")
        #expect(r.stderr.contains("will not replace \(out): it holds \(foreign), which UrbanWatt did not write"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        #expect(try Self.snapshot(out) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root) == ["docs"], "no staging folder or scratch file left")
    }

    @Test func theCurrentFolderAndItsParentsAreRefused() throws {
        let root = CLI.temporaryFolder()
        let empty = root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        for out in [".", "..", "/", root.path, "./"] {
            let r = try CLI.run(["run", "mittelstadt", "--out", out] + Self.day, in: empty)
            #expect(r.status == 73, "--out \(out): \(r.stderr)")
            #expect(r.stderr.contains("it is the current folder or holds it"), "--out \(out): \(r.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path) == [])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["empty"])
    }

    /// A home-like folder (dot files, a symlink to a folder of the user's) is refused, and the
    /// folder the link points to is untouched.
    @Test func aHomeLikeFolderWithALinkIsRefused() throws {
        let root = CLI.temporaryFolder().path
        let home = root + "/home", precious = root + "/precious"
        try FileManager.default.createDirectory(atPath: precious, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try "keep".write(toFile: precious + "/data.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: home + "/work", withDestinationPath: precious)
        let r = try CLI.run(["run", "mittelstadt", "--out", home] + Self.day)
        #expect(r.status == 73, "\(r.stderr)")
        #expect(r.stderr.contains("it holds work, which UrbanWatt did not write"), "\(r.stderr)")
        #expect(try Self.snapshot(precious) == ["data.txt": "keep"])
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: home + "/work") == precious)
    }

    /// The README's own step: a PDF rendered into the result folder, a notes folder and a link to a
    /// folder outside are kept across re-runs; the results themselves are replaced.
    @Test func aMarkedFolderKeepsWhatTheUserAddedAcrossRuns() throws {
        let root = CLI.temporaryFolder().path
        let out = root + "/result", outside = root + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "outside".write(toFile: outside + "/x.txt", atomically: true, encoding: .utf8)
        #expect(try CLI.run(["run", "mittelstadt", "--out", out] + Self.day).status == 0)
        #expect(try String(contentsOfFile: out + "/summary.json", encoding: .utf8).contains("\"end\": \"2025-06-02\""))
        try "%PDF".write(toFile: out + "/report.pdf", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: out + "/notes/deep", withIntermediateDirectories: true)
        try "n".write(toFile: out + "/notes/deep/n.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: out + "/elsewhere", withDestinationPath: outside)
        let added = try Self.snapshot(out).filter { ["report.pdf", "notes", "notes/deep", "notes/deep/n.txt", "elsewhere"].contains($0.key) }
        for days in ["2025-06-03", "2025-06-04"] {
            let r = try CLI.run(["run", "mittelstadt", "--from", "2025-06-01", "--to", days, "--out", out, "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try String(contentsOfFile: out + "/summary.json", encoding: .utf8).contains("\"end\": \"\(days)\""))
            #expect(try Self.snapshot(out).filter { added.keys.contains($0.key) } == added)
        }
        #expect(try Self.snapshot(outside) == ["x.txt": "outside"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).sorted() == ["outside", "result"])
        // A kept file named like one the next result writes is not overwritten: refused, kept.
        try "mine".write(toFile: out + "/runs.csv", atomically: true, encoding: .utf8)
        let clash = try CLI.run(["run", "Scenarios/mittelstadt-2035.yaml", "--runs", "2", "--out", out] + Self.day)
        #expect(clash.status == 73, "\(clash.stderr)")
        #expect(clash.stderr.contains("it holds runs.csv, which UrbanWatt did not write and the new result would replace"), "\(clash.stderr)")
        #expect(try String(contentsOfFile: out + "/runs.csv", encoding: .utf8) == "mine")
        #expect(try String(contentsOfFile: out + "/summary.json", encoding: .utf8).contains("\"end\": \"2025-06-04\""))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).sorted() == ["outside", "result"])
    }

    /// A file UrbanWatt wrote and a user edited since (notes added to report.html) is refused
    /// before the run, and stays as edited; so is one whose size is the same but not its time.
    @Test func anEditedResultFileIsNotReplaced() throws {
        let out = CLI.temporaryFolder().path + "/result"
        let first = try CLI.run(["run", "mittelstadt", "--out", out] + Self.day)
        #expect(first.status == 0, "\(first.stderr)")
        let report = out + "/report.html"
        try (try String(contentsOfFile: report, encoding: .utf8) + "<!-- my notes -->").write(toFile: report, atomically: false, encoding: .utf8)
        let again = try CLI.run(["run", "mittelstadt", "--out", out] + Self.day)
        #expect(again.status == 73 && again.stderr.contains("its report.html was changed after UrbanWatt wrote it"), "\(again.stderr)")
        #expect(try String(contentsOfFile: report, encoding: .utf8).hasSuffix("<!-- my notes -->"))
        // Touched only: the same bytes, a later time. Refused too: UrbanWatt cannot tell.
        let fleets = out + "/fleets.csv"
        try FileManager.default.moveItem(atPath: report, toPath: out + "/../notes.html")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: fleets)
        let touched = try CLI.run(["run", "mittelstadt", "--out", out] + Self.day)
        #expect(touched.status == 73 && touched.stderr.contains("its fleets.csv was changed"), "\(touched.stderr)")
        try FileManager.default.removeItem(atPath: fleets)
        let clean = try CLI.run(["run", "mittelstadt", "--out", out] + Self.day)
        #expect(clean.status == 0, "\(clean.stderr)")
        // Times past 2262 (nanoseconds beyond 64 bits) and before 1970 are stamps like any other.
        for date in [Date(timeIntervalSince1970: 10_500_000_000), Date(timeIntervalSince1970: -86_400)] {
            try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: out + "/summary.json")
            let far = try CLI.run(["run", "mittelstadt", "--out", out] + Self.day)
            #expect(far.status == 73 && far.stderr.contains("its summary.json was changed"), "\(far.stderr)")
            try FileManager.default.removeItem(atPath: out + "/summary.json")
            #expect(try CLI.run(["run", "mittelstadt", "--out", out] + Self.day).status == 0)
        }
    }

    /// A manifest that lists a name reaching outside its folder marks nothing.
    @Test func aManifestPointingOutsideMarksNothing() throws {
        let root = CLI.temporaryFolder().path
        let out = root + "/result"
        #expect(try CLI.run(["run", "mittelstadt", "--out", out] + Self.day).status == 0)
        let manifest = out + "/.urbanwatt-manifest.json"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "\"fleets.csv\"", with: "\"../victim\"").write(toFile: manifest, atomically: true, encoding: .utf8)
        try "victim".write(toFile: root + "/victim", atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", "mittelstadt", "--out", out] + Self.day)
        #expect(r.status == 73, "\(r.stderr)")
        #expect(try String(contentsOfFile: root + "/victim", encoding: .utf8) == "victim")
    }

    @Test func mergeRefusesAnOutThatIsOneOfItsShards() throws {
        let root = CLI.temporaryFolder().path
        let shards = (1...2).map { root + "/s\($0)" }
        for (k, folder) in shards.enumerated() {
            #expect(try CLI.run(["run", "mittelstadt", "--shard", "\(k + 1)/2", "--out", folder] + Self.day).status == 0)
        }
        let before = try Self.snapshot(shards[1])
        for out in [shards[1], root, shards[1] + "/inside"] {
            let r = try CLI.run(["merge"] + shards + ["--out", out, "--quiet"])
            #expect(r.status == 73, "--out \(out): \(r.stderr)")
            #expect(r.stderr.contains("shard"), "\(r.stderr)")
        }
        #expect(try Self.snapshot(shards[1]) == before)
        let good = try CLI.run(["merge"] + shards + ["--out", root + "/merged", "--quiet"])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(try String(contentsOfFile: root + "/merged/.urbanwatt-manifest.json", encoding: .utf8).contains("\"command\": \"merge\""))
    }

    /// `listen` refuses before it connects: no broker is needed to see it.
    @Test func listenRefusesAForeignFolderBeforeItConnects() throws {
        let root = CLI.temporaryFolder().path
        try "mine".write(toFile: root + "/notes.txt", atomically: true, encoding: .utf8)
        let r = try CLI.run(["listen", "--mqtt", "mqtt://127.0.0.1:1", "--out", root, "--timeout", "5s", "--quiet"])
        #expect(r.status == 73, "\(r.stderr)")
        #expect(r.stderr.contains("it holds notes.txt"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root) == ["notes.txt"])
    }

    @Test func blessingNeverOverwritesAFileThatIsNotAGolden() throws {
        let root = CLI.temporaryFolder()
        let scenarios = root.appendingPathComponent("Scenarios")
        try FileManager.default.createDirectory(at: scenarios.appendingPathComponent("expected"), withIntermediateDirectories: true)
        try CLI.run(["show", "streetlight-retrofit"]).stdout.write(to: scenarios.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
        let foreign = scenarios.appendingPathComponent("expected/s.summary.json")
        try "{\"my\": \"notes\"}".write(to: foreign, atomically: true, encoding: .utf8)
        let r = try CLI.run(["check", "--bless", "Scenarios"], in: root)
        #expect(r.status == 73, "\(r.stderr)")
        #expect(r.stderr.contains("it is not an UrbanWatt summary"), "\(r.stderr)")
        #expect(try String(contentsOf: foreign, encoding: .utf8) == "{\"my\": \"notes\"}")
    }
}
