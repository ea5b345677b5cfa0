import Foundation
import UrbanWattCore

/// The mark UrbanWatt leaves in every folder it writes, `.urbanwatt-manifest.json`: the command,
/// a run id and the names of the files it wrote. It is how a later write knows which files it may
/// replace; a file that is not listed belongs to somebody else and is never removed.
///
/// A staging folder's manifest says `"state": "writing"` until its files are complete: such a
/// folder was created empty by UrbanWatt and only UrbanWatt wrote into it, so a killed run's staging
/// folder may be removed whole.
package struct FolderManifest: Sendable, Equatable {
    package static let fileName = ".urbanwatt-manifest.json"

    package enum State: String, Sendable { case writing, complete }

    package var command: String
    package var runID: String
    package var state: State
    /// Plain file names inside the folder (no `/`), sorted.
    package var files: [String]
    /// Each file's size and modification time as written: a listed file edited since is no longer
    /// UrbanWatt's to replace. Manifests written before stamps have none, and their files are owned.
    package var stamps: [String: Stamp]

    /// A file's size in bytes and modification time (seconds and nanoseconds), as `lstat` gives them.
    package struct Stamp: Sendable, Equatable {
        package var bytes: Int
        package var seconds: Int
        package var nanoseconds: Int

        /// The stamp of the regular file at `path`, nil for anything else.
        package init?(of path: String) {
            guard let file = FileStatus(path), file.isRegularFile else { return nil }
            (bytes, seconds, nanoseconds) = (Int(file.info.st_size), Int(file.info.st_mtim.tv_sec), Int(file.info.st_mtim.tv_nsec))
        }

        init(bytes: Int, seconds: Int, nanoseconds: Int) {
            (self.bytes, self.seconds, self.nanoseconds) = (bytes, seconds, nanoseconds)
        }
    }

    package init(command: String, runID: String, state: State, files: [String], stamps: [String: Stamp] = [:]) {
        self.command = command
        self.runID = runID
        self.state = state
        self.files = files.sorted()
        self.stamps = stamps
    }

    package func serialized() -> String {
        JSONValue.object([
            ("urbanwatt_manifest", .integer(1)), ("version", .string(UrbanWattVersion.current)), ("command", .string(command)),
            ("run_id", .string(runID)), ("state", .string(state.rawValue)), ("files", .array(files.map(JSONValue.string))),
            (
                "stamps",
                .object(
                    files.compactMap { name in
                        stamps[name].map { (name, .array([.integer($0.bytes), .integer($0.seconds), .integer($0.nanoseconds)])) }
                    })
            ),
        ]).serialized()
    }

    /// Whether `name` in `folder` is a regular file the manifest lists, unchanged since it was written.
    func owns(_ name: String, in folder: String) -> Bool {
        guard files.contains(name), let now = Stamp(of: PathText.join(folder, name)) else { return false }
        return stamps[name].map { $0 == now } ?? true
    }

    /// The manifest of `folder`, nil when it has none or one that is not UrbanWatt's. A listed
    /// name with a `/`, or `.`/`..`, makes the whole manifest invalid: it could point outside.
    package static func read(in folder: String) -> FolderManifest? {
        let path = PathText.join(folder, fileName)
        // Only a regular file: a link named like the manifest could make any folder look like ours.
        guard let file = FileStatus(path), file.isRegularFile, file.info.st_size < 1 << 20,
            let data = FileManager.default.contents(atPath: path),
            let json = try? JSONParser.parse(String(decoding: data, as: UTF8.self)),
            json["urbanwatt_manifest"] == .integer(1),
            let command = json["command"]?.stringValue, let runID = json["run_id"]?.stringValue,
            let state = json["state"]?.stringValue.flatMap(State.init(rawValue:)),
            case .array(let items)? = json["files"]
        else { return nil }
        var files: [String] = []
        for item in items {
            guard let name = item.stringValue, isPlainName(name), name != fileName else { return nil }
            files.append(name)
        }
        // A stamp that cannot be read (another format, a hand edit) leaves its file owned, as
        // before stamps: it never makes the folder foreign.
        var stamps: [String: Stamp] = [:]
        if case .object(let pairs)? = json["stamps"] {
            for (name, value) in pairs {
                guard case .array(let v) = value, v.count == 3, case .integer(let b) = v[0], case .integer(let s) = v[1], case .integer(let n) = v[2]
                else { continue }
                stamps[name] = Stamp(bytes: b, seconds: s, nanoseconds: n)
            }
        }
        return FolderManifest(command: command, runID: runID, state: state, files: files, stamps: stamps)
    }

    /// Writes the manifest into `folder` (through a temporary file and a rename).
    package func write(in folder: String) throws(OutputFolder.Failure) {
        try OutputFolder(path: folder).write(Self.fileName, serialized())
    }

    /// A name that stays inside its folder.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
    }
}
