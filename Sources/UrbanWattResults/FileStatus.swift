import Foundation

/// What `lstat` says of a path, without following a final link: the results folders decide what
/// they may replace from it, so a link is never mistaken for what it points to.
struct FileStatus {
    let info: stat

    /// Nil when nothing is at `path` (or it cannot be examined; `errno` says why).
    init?(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        self.info = info
    }

    var kind: mode_t { info.st_mode & S_IFMT }
    var isDirectory: Bool { kind == S_IFDIR }
    var isRegularFile: Bool { kind == S_IFREG }
    var isLink: Bool { kind == S_IFLNK }

    /// The same file as `other`: one device, one inode.
    func isSameFile(as other: FileStatus) -> Bool { info.st_dev == other.info.st_dev && info.st_ino == other.info.st_ino }
}
