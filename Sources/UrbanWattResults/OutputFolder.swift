public import Foundation
import UrbanWattCore

/// A results folder whose files appear whole or not at all: each is written to a temporary file
/// beside it, then renamed.
public struct OutputFolder: Sendable {
    public let path: String

    public enum Failure: Error, CustomStringConvertible {
        case cannotWrite(String, String)
        /// A folder that holds an entry UrbanWatt did not write: it is never replaced.
        case foreign(String, entry: String)
        /// A place UrbanWatt will not write its results to, and why.
        case refused(String, String)
        public var description: String {
            switch self {
            case .cannotWrite(let path, let why): "cannot write \(path): \(why)"
            case .foreign(let path, let entry):
                "will not replace \(path): it holds \(entry), which UrbanWatt did not write (--out a new folder, or remove it yourself)"
            case .refused(let path, let why): "will not write results to \(path): \(why)"
            }
        }
    }

    public init(path: String) { self.path = path }

    public func create() throws(Failure) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path, error.localizedDescription)
        }
    }

    public func write(_ name: String, _ text: String) throws(Failure) {
        try write(name, Data(text.utf8))
    }

    /// Moves the file at `file` (written beside the folder while the run ran) into it as `name`.
    public func adopt(_ file: String, as name: String) throws(Failure) {
        let target = PathText.join(path, name)
        guard rename(file, target) == 0 else { throw .cannotWrite(target, String(cString: strerror(errno))) }
    }

    public func write(_ name: String, bytes: [UInt8]) throws(Failure) {
        let failure: Failure? = bytes.withUnsafeBytes { raw in
            // The array outlives the write: no copy into the Data.
            let data = Data(
                // A pointer from bit pattern 1 is never nil; an empty array has no base address and Data needs one.
                bytesNoCopy: UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!), count: raw.count,
                deallocator: .none)
            do throws(Failure) { try write(name, data) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Writes `data` as `name` through `.NAME.writing` and a rename, so the file appears whole or
    /// not at all; a killed write leaves only a name that `FolderOwnership` knows to remove.
    public func write(_ name: String, _ data: Data) throws(Failure) {
        let target = PathText.join(path, name)
        let temporary = PathText.join(path, Self.temporaryName(name))
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw .cannotWrite(target, String(cString: strerror(errno))) }
        let failure: Int32? = data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                // The loop runs only for a non-empty buffer, which has a base address.
                let n = writeBytes(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return errno }
                offset += n
            }
            return nil
        }
        let closed = close(fd) == 0 ? nil : errno
        if let error = failure ?? closed {
            unlink(temporary)
            throw .cannotWrite(target, String(cString: strerror(error)))
        }
        guard rename(temporary, target) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temporary)
            throw .cannotWrite(target, why)
        }
    }

    /// Where `write` puts `name` while writing it.
    static func temporaryName(_ name: String) -> String { ".\(name).writing" }
}

/// The C library's `write`, out of the reach of `OutputFolder.write`'s name.
private func writeBytes(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(fd, bytes, count) }
