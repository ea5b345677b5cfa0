import Foundation
import UrbanWattCore

/// Which files in a results folder are UrbanWatt's, so that replacing the folder never deletes
/// anything else. A folder may be replaced when it is absent, empty, or marked by a
/// `FolderManifest`; in a marked folder the files its manifest does not list (a rendered PDF, notes)
/// are kept: hard-linked into the new folder before the swap, and unlinked from the old one only
/// once the new one is seen to hold the same file. An unmarked folder that holds anything is
/// refused, naming the first entry found.
package enum FolderOwnership {
    /// What stands at a results path.
    package enum Verdict: Sendable, Equatable {
        case absent
        case empty
        /// Marked by UrbanWatt; `kept` are the entries its manifest does not list.
        case ours(FolderManifest, kept: [String])
    }

    /// `path` made absolute and standardised, refused when it is the current folder or holds it
    /// (`--out .`, `--out ..`, `--out /`): replacing it would pull the folder from under the shell.
    package static func resolve(_ path: String) throws(OutputFolder.Failure) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let absolute = (path.hasPrefix("/") ? path : PathText.join(cwd, path)) as NSString
        let target = absolute.standardizingPath
        let real = realPath(target) ?? target
        if real == "/" || cwd == real || cwd.hasPrefix(real + "/") {
            throw .refused(path, "it is the current folder or holds it; name a new folder inside it")
        }
        return target
    }

    /// Whether UrbanWatt may replace what stands at `target` (absolute), and what it must keep.
    package static func check(_ target: String) throws(OutputFolder.Failure) -> Verdict {
        guard let status = FileStatus(target) else {
            if errno == ENOENT || errno == ENOTDIR { return .absent }
            throw .cannotWrite(target, String(cString: strerror(errno)))
        }
        if status.isLink { throw .refused(target, "it is a symbolic link; name the folder it points to, or a new one") }
        if !status.isDirectory { throw .refused(target, "it is a file, not a folder") }
        let entries: [String]
        do { entries = try FileManager.default.contentsOfDirectory(atPath: target).sorted() } catch {
            throw .cannotWrite(target, error.localizedDescription)
        }
        if entries.isEmpty { return .empty }
        guard let manifest = FolderManifest.read(in: target) else {
            throw .foreign(target, entry: firstFile(entries[0], in: target))
        }
        let kept = entries.filter { !isOwned($0, in: target, by: manifest) }
        // A file UrbanWatt wrote and someone edited since: the next result would write it again.
        if let edited = kept.first(where: manifest.files.contains) {
            throw .refused(target, "its \(edited) was changed after UrbanWatt wrote it, and the new result would replace it; move it away first")
        }
        return .ours(manifest, kept: kept)
    }

    /// Hard-links `entries` of `source` into `destination` (folders are made anew, their contents
    /// linked), so they outlive the swap. Refused when the new result writes an entry of that name
    /// or the file system cannot link: nothing is moved, and the caller removes its staging folder.
    static func keep(_ entries: [String], from source: String, into destination: String) throws(OutputFolder.Failure) {
        for entry in entries {
            let to = PathText.join(destination, entry)
            if FileStatus(to) != nil {
                throw .refused(source, "it holds \(entry), which UrbanWatt did not write and the new result would replace; move it away first")
            }
            if let why = linkTree(PathText.join(source, entry), to) {
                throw .refused(source, "it holds \(entry), which UrbanWatt did not write and cannot keep across the new result (\(why))")
            }
        }
    }

    /// Removes what UrbanWatt owns in `folder` and the folder itself once nothing else is left.
    /// An entry its manifest does not list goes only when `twins` holds the very same file (the
    /// same inode) at the same place: a kept file already linked into the new result. A staging
    /// folder still `writing` was created empty and written only by UrbanWatt, and goes whole.
    /// True when the folder is gone.
    @discardableResult
    static func removeOwned(_ folder: String, twins: String?) -> Bool {
        guard FileStatus(folder)?.isDirectory == true else { return false }
        guard let manifest = FolderManifest.read(in: folder) else { return rmdir(folder) == 0 }
        if manifest.state == .writing { return (try? FileManager.default.removeItem(atPath: folder)) != nil }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for entry in entries where entry != FolderManifest.fileName {
            let path = PathText.join(folder, entry)
            if isOwned(entry, in: folder, by: manifest) {
                unlink(path)
            } else if let twins {
                removeTwins(path, of: PathText.join(twins, entry))
            }
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        guard left == [FolderManifest.fileName] else { return false }
        unlink(PathText.join(folder, FolderManifest.fileName))
        return rmdir(folder) == 0
    }

    /// A regular file the manifest lists, unchanged since, or the temporary file of one.
    private static func isOwned(_ entry: String, in folder: String, by manifest: FolderManifest) -> Bool {
        if entry == FolderManifest.fileName || entry == OutputFolder.temporaryName(FolderManifest.fileName) { return true }
        if manifest.files.contains(where: { OutputFolder.temporaryName($0) == entry }) {
            return FolderManifest.Stamp(of: PathText.join(folder, entry)) != nil
        }
        return manifest.owns(entry, in: folder)
    }

    /// Links `source` at `destination`: a file (or link, or other node) by a hard link, a folder by
    /// a new folder of links. The reason when it cannot.
    private static func linkTree(_ source: String, _ destination: String) -> String? {
        guard let status = FileStatus(source) else { return String(cString: strerror(errno)) }
        guard status.isDirectory else {
            return link(source, destination) == 0 ? nil : String(cString: strerror(errno))
        }
        // Unreadable: refused, rather than kept as an empty folder while its files stay behind.
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: source) else { return "cannot list \(source)" }
        guard mkdir(destination, status.info.st_mode & 0o7777) == 0 else { return String(cString: strerror(errno)) }
        for entry in entries {
            if let why = linkTree(PathText.join(source, entry), PathText.join(destination, entry)) { return why }
        }
        return nil
    }

    /// Removes `a` where `b` is the very same file (the same inode), entry by entry for a folder,
    /// which goes only once empty: whatever is not linked into the new result stays.
    private static func removeTwins(_ a: String, of b: String) {
        guard let x = FileStatus(a), let y = FileStatus(b) else { return }
        guard x.isDirectory else {
            if x.isSameFile(as: y) { unlink(a) }
            return
        }
        guard y.isDirectory, let entries = try? FileManager.default.contentsOfDirectory(atPath: a) else { return }
        for entry in entries { removeTwins(PathText.join(a, entry), of: PathText.join(b, entry)) }
        rmdir(a)
    }

    /// `entry`, or the first file found below it when it is a folder ("chapters/one.tex"), as the
    /// user will recognise it.
    private static func firstFile(_ entry: String, in folder: String) -> String {
        var path = entry
        for _ in 0..<16 {
            let full = PathText.join(folder, path)
            guard FileStatus(full)?.isDirectory == true else { return path }
            guard let next = (try? FileManager.default.contentsOfDirectory(atPath: full))?.sorted().first else { return path + "/" }
            path += "/" + next
        }
        return path
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
