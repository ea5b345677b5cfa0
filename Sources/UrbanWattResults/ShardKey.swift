import Crypto
import Foundation
import UrbanWattCore

/// A secret shared by the shards of a run and their merge (`--key-file`): each shard's header is
/// sealed with an HMAC-SHA256 over its fields and every file `merge` reads, so shards that pass
/// through storage one does not trust cannot be altered, relabelled or swapped without the key.
/// The FNV-1a seal beside it catches accidents only.
package struct ShardKey: Sendable {
    /// The files a keyed seal covers, in this order, besides the header's own fields.
    static let files = ["scenario.yaml", "series.bin", "runs.csv"]
    static let minimumBytes = 16, maximumBytes = 1 << 20

    let key: SymmetricKey

    /// The key is the file's bytes as they are (a trailing newline included): 16 bytes to 1 MiB.
    package init(file: String) throws(ShardFiles.Failure) {
        // A regular file only, through links (a mounted secret is one): /dev/urandom would be read for ever.
        var info = stat()
        if stat(file, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw ShardFiles.Failure(description: "--key-file: \(file) is not a regular file (save the key in one: `head -c 32 /dev/urandom > shard.key`)")
            }
            if info.st_size > Self.maximumBytes {
                throw ShardFiles.Failure(description: "--key-file: \(file) holds \(info.st_size) bytes; a key takes \(Self.minimumBytes) bytes to 1 MiB")
            }
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ShardFiles.Failure(description: "--key-file: cannot read \(file)")
        }
        guard (Self.minimumBytes...Self.maximumBytes).contains(data.count) else {
            throw ShardFiles.Failure(
                description: "--key-file: \(file) holds \(data.count) bytes; a key takes \(Self.minimumBytes) bytes to 1 MiB "
                    + "(make one with `head -c 32 /dev/urandom > shard.key`)")
        }
        key = SymmetricKey(data: data)
    }

    /// One part of what is sealed: bytes in memory, or a file read a block at a time.
    package enum Part {
        case bytes(String, [UInt8])
        case file(String, String)

        var name: String {
            switch self {
            case .bytes(let name, _), .file(let name, _): name
            }
        }
    }

    /// HMAC-SHA256 over the header's compact `fields`, then each part as its name, a zero byte, its
    /// length (8 bytes, little-endian) and its bytes; nil when a file cannot be read.
    func code(fields: [(String, JSONValue)], parts: [Part]) -> HashedAuthenticationCode<SHA256>? {
        var mac = HMAC<SHA256>(key: key)
        mac.update(data: Array(JSONValue.object(fields).compact().utf8))
        for part in parts {
            switch part {
            case .bytes(let name, let bytes):
                Self.frame(name, length: bytes.count, into: &mac)
                mac.update(data: bytes)
            case .file(let name, let path):
                guard let h = FileHandle(forReadingAtPath: path),
                    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int
                else { return nil }
                defer { try? h.close() }
                Self.frame(name, length: size, into: &mac)
                var read = 0
                while let block = try? h.read(upToCount: 1 << 20), !block.isEmpty {
                    mac.update(data: block)
                    read += block.count
                }
                guard read == size else { return nil }
            }
        }
        return mac.finalize()
    }

    private static func frame(_ name: String, length: Int, into mac: inout HMAC<SHA256>) {
        mac.update(data: Array(name.utf8) + [0])
        withUnsafeBytes(of: UInt64(length).littleEndian) { mac.update(data: Array($0)) }
    }

    static func hex(_ code: HashedAuthenticationCode<SHA256>) -> String {
        code.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `text` is the hex of `code`, compared in constant time.
    static func matches(_ text: String, _ code: HashedAuthenticationCode<SHA256>) -> Bool {
        let expected = hex(code)
        guard text.utf8.count == expected.utf8.count else { return false }
        return zip(text.utf8, expected.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
