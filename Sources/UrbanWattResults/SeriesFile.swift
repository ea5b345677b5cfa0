import Foundation
package import UrbanWattCore

/// A shard's `series.bin`: every fleet's step series, written chunk by chunk while the shard runs
/// and read back chunk by chunk by `merge`, so neither holds the period in memory. Each chunk holds,
/// per fleet in scenario order, its energy, then the baseline, reference and ICT series it has
/// (`FleetSeries.Parts`), messages, bytes and nodes for the chunk's steps, little-endian whatever
/// the host (8 bytes a step for each but the nodes, 4).
package enum SeriesFile {
    /// Appends chunks to a file and keeps its FNV-1a checksum.
    package final class Writer {
        package let path: String
        private let handle: FileHandle
        package private(set) var checksum = NodeRandom.fnv1a(bytes: [])
        package private(set) var steps = 0
        /// The first write error; later chunks are dropped, and `finish` reports it.
        private var failure: String?

        package init(path: String) throws(OutputFolder.Failure) {
            self.path = path
            guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
                throw .cannotWrite(path, String(cString: strerror(errno)))
            }
            handle = h
        }

        package func append(_ range: Range<Int>, _ series: [FleetSeries]) {
            guard failure == nil else { return }
            var data = Data()
            data.reserveCapacity(range.count * series.count * 36)
            for s in series { SeriesFile.encode(s, into: &data) }
            checksum = NodeRandom.fnv1a(bytes: data, continuing: checksum)
            do {
                try handle.write(contentsOf: data)
                steps = range.upperBound
            } catch {
                failure = "\(error.localizedDescription)"
            }
        }

        /// Closes the file; throws the first write error (a full disk).
        package func finish() throws(OutputFolder.Failure) {
            try? handle.close()
            if let failure { throw .cannotWrite(path, failure) }
        }
    }

    static func encode(_ s: FleetSeries, into data: inout Data) {
        func append<T>(_ a: [T]) { a.withUnsafeBytes { data.append(contentsOf: $0) } }
        append(s.energy.map { $0.bitPattern.littleEndian })
        for extra in [s.baseline, s.reference, s.ict] { if let x = extra { append(x.map { $0.bitPattern.littleEndian }) } }
        append(s.messages.map { Int64($0).littleEndian })
        append(s.bytes.map { Int64($0).littleEndian })
        append(s.nodes.map(\.littleEndian))
    }

    /// Bytes a step takes for fleets with these parts.
    static func bytesPerStep(_ parts: [FleetSeries.Parts]) -> Int { parts.reduce(0) { $0 + 28 + 8 * $1.rawValue.nonzeroBitCount } }

    /// Reads a series file written in chunks of `chunk` steps, any number of steps at a time.
    package final class Reader {
        package let path: String
        let parts: [FleetSeries.Parts]
        let chunk: Int
        let total: Int
        private let handle: FileHandle
        /// Steps read from the file, and those of them not yet handed out.
        private var read = 0
        private var buffered: [FleetSeries]
        private var offset = 0

        /// `total` steps of fleets with these parts, chunks of `chunk` steps.
        package init(path: String, parts: [FleetSeries.Parts], chunk: Int, total: Int) throws(ShardFiles.Failure) {
            guard chunk > 0, let h = FileHandle(forReadingAtPath: path) else { throw ShardFiles.Failure(description: "\(path): cannot read") }
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
            guard size == total * SeriesFile.bytesPerStep(parts) else {
                throw ShardFiles.Failure(
                    description: "\(path): \(size) bytes, not the \(total * SeriesFile.bytesPerStep(parts)) of \(total) steps of the scenario's fleets")
            }
            self.path = path
            self.parts = parts
            self.chunk = chunk
            self.total = total
            handle = h
            buffered = parts.map { FleetSeries(steps: 0, parts: $0) }
        }

        deinit { try? handle.close() }

        /// The next `n` steps (fewer at the end of the file).
        package func next(_ n: Int) throws(ShardFiles.Failure) -> [FleetSeries] {
            var out = parts.map { FleetSeries(steps: 0, parts: $0) }
            var want = n
            while want > 0 {
                if offset == buffered.first?.count ?? 0 {
                    guard read < total else { break }
                    try fill()
                }
                let take = min(want, buffered[0].count - offset)
                for i in out.indices { out[i].append(buffered[i].slice(offset..<(offset + take))) }
                offset += take
                want -= take
            }
            return out
        }

        private func fill() throws(ShardFiles.Failure) {
            let steps = min(chunk, total - read)
            let data: Data
            do {
                data = try handle.read(upToCount: steps * SeriesFile.bytesPerStep(parts)) ?? Data()
            } catch {
                throw ShardFiles.Failure(description: "\(path): \(error.localizedDescription)")
            }
            guard data.count == steps * SeriesFile.bytesPerStep(parts) else { throw ShardFiles.Failure(description: "\(path): shorter than its header says") }
            var at = data.startIndex
            func take<T>(_ type: T.Type) -> [T] {
                let size = steps * MemoryLayout<T>.stride
                defer { at += size }
                return data[at..<(at + size)].withUnsafeBytes { raw in
                    (0..<steps).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.stride, as: T.self) }
                }
            }
            func doubles() -> [Double] { take(UInt64.self).map { Double(bitPattern: UInt64(littleEndian: $0)) } }
            buffered = parts.map { p in
                var s = FleetSeries(steps: 0)
                s.energy = doubles()
                if p.contains(.baseline) { s.baseline = doubles() }
                if p.contains(.reference) { s.reference = doubles() }
                if p.contains(.ict) { s.ict = doubles() }
                s.messages = take(Int64.self).map { Int(Int64(littleEndian: $0)) }
                s.bytes = take(Int64.self).map { Int(Int64(littleEndian: $0)) }
                s.nodes = take(Int32.self).map { Int32(littleEndian: $0) }
                return s
            }
            read += steps
            offset = 0
        }
    }

    /// The FNV-1a checksum of a file, read a block at a time.
    package static func checksum(of path: String) -> UInt64? {
        guard let h = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? h.close() }
        var hash = NodeRandom.fnv1a(bytes: [])
        while let block = try? h.read(upToCount: 1 << 20), !block.isEmpty { hash = NodeRandom.fnv1a(bytes: block, continuing: hash) }
        return hash
    }
}
