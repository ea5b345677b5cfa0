import Foundation
import UrbanWattCore

/// A results folder whose files appear whole or not at all: each is written to a temporary file
/// beside it, then renamed.
public struct OutputFolder: Sendable {
    public let path: String

    public enum Failure: Error, CustomStringConvertible {
        case cannotWrite(String, String)
        public var description: String {
            switch self {
            case .cannotWrite(let path, let why): "cannot write \(path): \(why)"
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
            let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!), count: raw.count,
                            deallocator: .none)
            do throws(Failure) { try write(name, data) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    public func write(_ name: String, _ data: Data) throws(Failure) {
        let target = PathText.join(path, name)
        do {
            try data.write(to: URL(fileURLWithPath: target), options: .atomic)
        } catch {
            throw .cannotWrite(target, error.localizedDescription)
        }
    }
}
