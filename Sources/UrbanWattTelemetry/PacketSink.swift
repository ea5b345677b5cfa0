import NIOCore

/// Where `MQTTPacket` writes a packet: an array (packets built whole, tests) or a connection's
/// `ByteBuffer`, which the pool hands to its channel as it is, with no copy. The packet's size is
/// known first, so it is written in one piece, through a pointer, with one check for room.
protocol PacketSink {
    /// Appends `count` bytes, all of which `fill` writes, front to back.
    mutating func append(count: Int, _ fill: (inout PacketBytes) -> Void)
}

extension Array: PacketSink where Element == UInt8 {
    mutating func append(count: Int, _ fill: (inout PacketBytes) -> Void) {
        let start = self.count
        append(contentsOf: repeatElement(0, count: count))
        withUnsafeMutableBufferPointer { b in PacketBytes.fill(UnsafeMutableBufferPointer(rebasing: b[start...]), fill) }
    }
}

extension ByteBuffer: PacketSink {
    mutating func append(count: Int, _ fill: (inout PacketBytes) -> Void) {
        writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
            PacketBytes.fill(UnsafeMutableRawBufferPointer(rebasing: raw[..<count]).bindMemory(to: UInt8.self), fill)
            return count
        }
    }
}

/// The bytes of one packet being written, front to back; writing past its end, or leaving any
/// unwritten, traps (a wrong size is a bug in the codec, never the broker's doing).
struct PacketBytes {
    private var at: UnsafeMutablePointer<UInt8>
    private let end: UnsafeMutablePointer<UInt8>

    static func fill(_ bytes: UnsafeMutableBufferPointer<UInt8>, _ body: (inout PacketBytes) -> Void) {
        guard let start = bytes.baseAddress else { return }
        var w = PacketBytes(at: start, end: start + bytes.count)
        body(&w)
        precondition(w.at == w.end, "a packet of another size than announced")
    }

    mutating func put(_ byte: UInt8) {
        precondition(at < end)
        at.pointee = byte
        at += 1
    }

    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress else { return }
        precondition(end - at >= bytes.count)
        at.update(from: from, count: bytes.count)
        at += bytes.count
    }

    mutating func put(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { put($0) } }

    /// Two bytes, big-endian (§1.5.2).
    mutating func u16(_ n: Int) {
        put(UInt8((n >> 8) & 0xFF))
        put(UInt8(n & 0xFF))
    }

    /// Four bytes, big-endian (§1.5.3).
    mutating func u32(_ n: UInt32) {
        for shift in [24, 16, 8, 0] { put(UInt8((n >> UInt32(shift)) & 0xFF)) }
    }

    /// MQTT's variable-length integer (§1.5.5): `MQTTPacket.varintSize(n)` bytes.
    mutating func varint(_ n: Int) {
        var n = n
        repeat {
            var byte = UInt8(n & 0x7F)
            n >>= 7
            if n > 0 { byte |= 0x80 }
            put(byte)
        } while n > 0
    }

    /// `n` (≥ 0) in `count` decimal digits, with leading zeros.
    mutating func digits(_ n: Int, count: Int) {
        precondition(end - at >= count)
        var n = n
        for k in stride(from: count - 1, through: 0, by: -1) {
            at[k] = UInt8(ascii: "0") + UInt8(n % 10)
            n /= 10
        }
        at += count
    }
}
