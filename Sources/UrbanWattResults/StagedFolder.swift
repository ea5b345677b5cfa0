import Foundation
import UrbanWattCore

/// Replaces a results folder as a whole: its files are written into a staging folder beside it
/// (`.NAME.partial-PID`), which then takes the folder's place in one `renameat2(RENAME_EXCHANGE)`
/// (or two renames where the file system cannot exchange). A run killed while writing leaves the
/// previous folder intact and a staging folder that the next write to the same place removes; a
/// full disk leaves the previous folder intact and reports what could not be written.
///
/// Only a folder that is absent, empty or marked by UrbanWatt is replaced (`FolderOwnership`); the
/// files a marked folder holds beside UrbanWatt's are kept in the new one.
package enum StagedFolder {
    /// Refuses, before any work, a place `replace` would refuse: the current folder, a link, a
    /// file, or a folder holding what UrbanWatt did not write.
    package static func checkReplaceable(_ path: String) throws(OutputFolder.Failure) {
        _ = try FolderOwnership.check(FolderOwnership.resolve(path))
    }

    /// Builds the folder at `path` with `fill`, marks it as written by `command`, then puts it in
    /// place.
    package static func replace(_ path: String, command: String, fill: (OutputFolder) throws(OutputFolder.Failure) -> Void) throws(OutputFolder.Failure) {
        let target = try FolderOwnership.resolve(path)
        let (parent, name) = PathText.split(target)
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(parent, error.localizedDescription)
        }
        removeLeftovers(of: name, in: parent)
        _ = try FolderOwnership.check(target) // refused before any work; checked again before the swap
        let staging = sibling(name, in: parent, tag: "partial", pid: getpid())
        FolderOwnership.removeOwned(staging, twins: target)
        guard mkdir(staging, 0o755) == 0 else { throw .cannotWrite(staging, String(cString: strerror(errno))) }
        do throws(OutputFolder.Failure) {
            let runID = RunID.random()
            try FolderManifest(command: command, runID: runID, state: .writing, files: []).write(in: staging)
            KillPoint.writing.reached()
            try fill(OutputFolder(path: staging))
            KillPoint.filled.reached()
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: staging) else {
                throw .cannotWrite(staging, "cannot list what was written")
            }
            let files = entries.filter { $0 != FolderManifest.fileName }
            let stamps = Dictionary(
                uniqueKeysWithValues: files.compactMap { name in FolderManifest.Stamp(of: PathText.join(staging, name)).map { (name, $0) } })
            try FolderManifest(command: command, runID: runID, state: .complete, files: files, stamps: stamps).write(in: staging)
            // Again: what the user put there while the files were written is kept too.
            if case .ours(_, let kept) = try FolderOwnership.check(target) { try FolderOwnership.keep(kept, from: target, into: staging) }
            KillPoint.complete.reached()
            try put(staging, at: target, old: sibling(name, in: parent, tag: "old", pid: getpid()))
        } catch {
            FolderOwnership.removeOwned(staging, twins: target)
            throw error
        }
    }

    /// A file beside the folder at `path` (`.NAME.TAG-PID`) for what a run writes while it runs
    /// and `replace` then moves into the folder; a killed run's is removed like its staging folder.
    package static func scratchFile(for path: String, tag: String = "series") -> String {
        let (parent, name) = PathText.split((path as NSString).standardizingPath)
        try? FileManager.default.createDirectory(atPath: parent.isEmpty ? "." : parent, withIntermediateDirectories: true)
        return sibling(name, in: parent, tag: tag, pid: getpid())
    }

    static func sibling(_ name: String, in parent: String, tag: String, pid: Int32) -> String {
        PathText.join(parent.isEmpty ? "." : parent, ".\(name).\(tag)-\(pid)")
    }

    private static func put(_ staging: String, at target: String, old: String) throws(OutputFolder.Failure) {
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: target, isDirectory: &isFolder) {
            guard rename(staging, target) == 0 else { throw .cannotWrite(target, String(cString: strerror(errno))) }
            return
        }
        guard isFolder.boolValue else { throw .cannotWrite(target, "it is a file, not a folder") }
        if exchange(staging, target) {
            KillPoint.swapped.reached()
            FolderOwnership.removeOwned(staging, twins: target) // now the previous folder
            return
        }
        guard rename(target, old) == 0 else { throw .cannotWrite(target, String(cString: strerror(errno))) }
        guard rename(staging, target) == 0 else {
            let why = String(cString: strerror(errno))
            _ = rename(old, target)
            throw .cannotWrite(target, why)
        }
        KillPoint.swapped.reached()
        FolderOwnership.removeOwned(old, twins: target)
    }

    /// Swaps two paths atomically with Linux's renameat2(RENAME_EXCHANGE), looked up at run time:
    /// Swift's Glibc module does not declare it. False where it is missing or unsupported.
    private static func exchange(_ a: String, _ b: String) -> Bool {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let renameExchange: UInt32 = 2
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
    }

    /// Removes what UrbanWatt owns of the `.NAME.partial-PID` folders and scratch files left by
    /// processes no longer alive, and puts back a `.NAME.old-PID` whose process died between its
    /// two renames.
    private static func removeLeftovers(of name: String, in parent: String) {
        let folder = parent.isEmpty ? "." : parent
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for entry in entries {
            for tag in ["partial", "old", "series", "timeseries"] {
                let prefix = ".\(name).\(tag)-"
                guard entry.hasPrefix(prefix), let pid = Int32(entry.dropFirst(prefix.count)) else { continue }
                guard kill(pid, 0) != 0 && errno == ESRCH else { continue }
                let leftover = PathText.join(folder, entry)
                let target = PathText.join(folder, name)
                if tag == "old" && !FileManager.default.fileExists(atPath: target) && rename(leftover, target) == 0 { continue }
                guard let status = FileStatus(leftover) else { continue }
                if status.isRegularFile && (tag == "series" || tag == "timeseries") { unlink(leftover) }
                FolderOwnership.removeOwned(leftover, twins: target)
            }
        }
    }
}
