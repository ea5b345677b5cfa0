/// The few MQTT 3.1.1 / 5 packets a publishing device sends and receives, encoded and decoded by
/// hand for `MQTTClientPool`: libmosquitto opens three files per connection (its socket and an
/// internal socket pair), which caps a process at a third of its open-files limit; a pool of
/// sockets with this codec needs one. Packet layouts: MQTT 5.0 (OASIS, 2019) §3.1–3.14, and
/// MQTT 3.1.1 §3, which is the same without properties.
enum MQTTPacket {
    /// What the pool reads from a broker.
    enum Incoming: Equatable {
        /// Reason code (0: accepted; MQTT 3.1.1 return codes 1–5 are mapped to their MQTT 5 reasons),
        /// and the CONNACK properties the pool honours.
        case connack(reason: Int32, maximumPacketSize: Int?, receiveMaximum: Int?, serverKeepAlive: Int?)
        case puback(id: UInt16, reason: Int32)
        case pubrec(id: UInt16, reason: Int32)
        case pubcomp(id: UInt16, reason: Int32)
        case pingresp
        case disconnect(reason: Int32)
        /// Anything else a publisher need not act on (a PUBLISH it did not subscribe to, AUTH).
        case other
    }

    struct Will {
        var topic: String
        var payload: [UInt8]
        var qos: Int32
        var retain: Bool
    }

    // MARK: Writing

    static func varint(_ n: Int, into out: inout [UInt8]) {
        var n = n
        repeat {
            var byte = UInt8(n & 0x7F)
            n >>= 7
            if n > 0 { byte |= 0x80 }
            out.append(byte)
        } while n > 0
    }

    /// Bytes of MQTT's variable-length integer for `n`.
    static func varintSize(_ n: Int) -> Int { n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4 }

    static func u16(_ n: Int, into out: inout [UInt8]) {
        out.append(UInt8((n >> 8) & 0xFF))
        out.append(UInt8(n & 0xFF))
    }

    static func u32(_ n: UInt32, into out: inout [UInt8]) {
        for shift in [24, 16, 8, 0] { out.append(UInt8((n >> UInt32(shift)) & 0xFF)) }
    }

    static func string<S: Collection>(_ bytes: S, into out: inout [UInt8]) where S.Element == UInt8 {
        u16(bytes.count, into: &out)
        out.append(contentsOf: bytes)
    }

    /// A packet: its first byte, the remaining length, then `body`.
    static func frame(_ first: UInt8, _ body: [UInt8], into out: inout [UInt8]) {
        out.append(first)
        varint(body.count, into: &out)
        out.append(contentsOf: body)
    }

    /// CONNECT (§3.1): clean start unless `sessionExpiry` is given (a session the broker keeps that
    /// long, MQTT 5; under 3.1.1 any non-nil value keeps the session).
    static func connect(
        clientID: String, v5: Bool, keepAlive: Int, sessionExpiry: UInt32?, will: Will?,
        username: String?, password: String?
    ) -> [UInt8] {
        var body: [UInt8] = []
        string(Array("MQTT".utf8), into: &body)
        body.append(v5 ? 5 : 4)
        var flags: UInt8 = sessionExpiry == nil ? 0x02 : 0
        if let will {
            flags |= 0x04 | UInt8(will.qos << 3) | (will.retain ? 0x20 : 0)
        }
        if password != nil { flags |= 0x40 }
        if username != nil { flags |= 0x80 }
        body.append(flags)
        u16(keepAlive, into: &body)
        if v5 {
            var props: [UInt8] = []
            if let sessionExpiry {
                props.append(0x11)
                u32(sessionExpiry, into: &props)
            }
            varint(props.count, into: &body)
            body += props
        }
        string(Array(clientID.utf8), into: &body)
        if let will {
            if v5 { body.append(0) }
            string(Array(will.topic.utf8), into: &body)
            string(will.payload, into: &body)
        }
        if let username { string(Array(username.utf8), into: &body) }
        if let password { string(Array(password.utf8), into: &body) }
        var out: [UInt8] = []
        frame(0x10, body, into: &out)
        return out
    }

    /// The MQTT 5 properties of a PUBLISH (§3.3.2.3): message expiry, content type, user properties.
    static func publishProperties(_ p: MessageProperties, expiry: UInt32?) -> [UInt8] {
        var props: [UInt8] = []
        if let expiry {
            props.append(0x02)
            u32(expiry, into: &props)
        }
        if let type = p.contentType {
            props.append(0x03)
            string(Array(type.utf8), into: &props)
        }
        for (key, value) in p.user {
            props.append(0x26)
            string(Array(key.utf8), into: &props)
            string(Array(value.utf8), into: &props)
        }
        var out: [UInt8] = []
        varint(props.count, into: &out)
        return out + props
    }

    /// PUBLISH (§3.3) of a message laid out as topic, NUL, payload; `properties` already encoded
    /// (with their length) for MQTT 5, nil for 3.1.1.
    static func publish(_ m: OutgoingMessage, qos: Int32, retain: Bool, duplicate: Bool, id: UInt16, properties: [UInt8]?, into out: inout [UInt8]) {
        let payload = m.bytes.count - m.topicLength - 1
        let remaining = 2 + m.topicLength + (qos > 0 ? 2 : 0) + (properties?.count ?? 0) + payload
        out.append(0x30 | (duplicate ? 0x08 : 0) | UInt8(qos << 1) | (retain ? 0x01 : 0))
        varint(remaining, into: &out)
        u16(m.topicLength, into: &out)
        m.bytes.withUnsafeBufferPointer { b in
            out.append(contentsOf: b[0..<m.topicLength])
            if qos > 0 { u16(Int(id), into: &out) }
            if let properties { out += properties }
            out.append(contentsOf: b[(m.topicLength + 1)...])
        }
    }

    /// PUBREL (§3.6), answering a PUBREC at QoS 2.
    static func pubrel(id: UInt16, into out: inout [UInt8]) {
        out += [0x62, 2]
        u16(Int(id), into: &out)
    }

    static let pingreq: [UInt8] = [0xC0, 0]
    /// The largest packet read from a broker, bytes.
    static let maxIncoming = 65_536
    static let disconnect: [UInt8] = [0xE0, 0]

    // MARK: Reading

    /// The whole packet at the start of `bytes`, and its length; nil when more bytes are needed.
    /// Throws on a length that MQTT does not allow.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, v5: Bool) throws(MQTTPacketError) -> (Incoming, Int)? {
        guard bytes.count >= 2 else { return nil }
        var remaining = 0
        var k = 1
        var shift = 0
        while true {
            guard k < bytes.count else { return nil }
            let b = Int(bytes[k])
            remaining |= (b & 0x7F) << shift
            k += 1
            if b & 0x80 == 0 { break }
            shift += 7
            if shift > 21 { throw MQTTPacketError(text: "a packet length longer than four bytes") }
        }
        // A publisher receives acknowledgements and a CONNACK, all small: a larger packet is refused
        // before it is buffered, so a hostile broker cannot make 10,000 connections hold 256 MB each.
        if remaining > maxIncoming { throw MQTTPacketError(text: "a packet of \(remaining) bytes (a publisher expects at most \(maxIncoming))") }
        guard bytes.count >= k + remaining else { return nil }
        let body = UnsafeBufferPointer(rebasing: bytes[k..<(k + remaining)])
        return (try decode(type: bytes[0] >> 4, body: body, v5: v5), k + remaining)
    }

    private static func decode(type: UInt8, body: UnsafeBufferPointer<UInt8>, v5: Bool) throws(MQTTPacketError) -> Incoming {
        func id() throws(MQTTPacketError) -> UInt16 {
            guard body.count >= 2 else { throw MQTTPacketError(text: "an acknowledgement without a packet id") }
            return UInt16(body[0]) << 8 | UInt16(body[1])
        }
        let reason = body.count >= 3 ? Int32(body[2]) : 0
        switch type {
        case 2:
            guard body.count >= 2 else { throw MQTTPacketError(text: "a CONNACK of \(body.count) bytes") }
            // MQTT 3.1.1 return codes (§3.2.2.3) as their MQTT 5 reasons.
            let code = v5 ? Int32(body[1]) : [0, 0x84, 0x85, 0x88, 0x86, 0x87][min(Int(body[1]), 5)]
            var limit: Int?, receive: Int?, keepAlive: Int?
            if v5 && body.count > 2 {
                try properties(UnsafeBufferPointer(rebasing: body[2...])) { id, value in
                    switch id {
                    case 0x27: limit = value
                    case 0x21: receive = value
                    case 0x13: keepAlive = value
                    default: break
                    }
                }
            }
            return .connack(reason: code, maximumPacketSize: limit, receiveMaximum: receive, serverKeepAlive: keepAlive)
        case 4: return .puback(id: try id(), reason: reason)
        case 5: return .pubrec(id: try id(), reason: reason)
        case 7: return .pubcomp(id: try id(), reason: reason)
        case 13: return .pingresp
        case 14: return .disconnect(reason: body.isEmpty ? 0 : Int32(body[0]))
        default: return .other
        }
    }

    /// Walks an MQTT 5 property list (its length first), reporting the integer-valued ones.
    private static func properties(_ b: UnsafeBufferPointer<UInt8>, _ found: (UInt8, Int) -> Void) throws(MQTTPacketError) {
        var k = 0
        func varint() throws(MQTTPacketError) -> Int {
            var n = 0, shift = 0
            while true {
                guard k < b.count, shift <= 21 else { throw MQTTPacketError(text: "a malformed property length") }
                let byte = Int(b[k])
                k += 1
                n |= (byte & 0x7F) << shift
                if byte & 0x80 == 0 { return n }
                shift += 7
            }
        }
        func need(_ n: Int) throws(MQTTPacketError) {
            guard k + n <= b.count else { throw MQTTPacketError(text: "a property that runs past its packet") }
        }
        func int(_ n: Int) throws(MQTTPacketError) -> Int {
            try need(n)
            var v = 0
            for _ in 0..<n {
                v = v << 8 | Int(b[k])
                k += 1
            }
            return v
        }
        let end = try varint() + k
        guard end <= b.count else { throw MQTTPacketError(text: "a property list longer than its packet") }
        while k < end {
            let id = b[k]
            k += 1
            switch id {
            case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A: found(id, try int(1))
            case 0x13, 0x21, 0x22, 0x23: found(id, try int(2))
            case 0x02, 0x11, 0x18, 0x27: found(id, try int(4))
            case 0x0B: found(id, try varint())
            case 0x03, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1A, 0x1C, 0x1F:
                let n = try int(2)
                try need(n)
                k += n
            case 0x26:
                for _ in 0..<2 {
                    let n = try int(2)
                    try need(n)
                    k += n
                }
            default: throw MQTTPacketError(text: "an unknown property 0x\(String(id, radix: 16))")
            }
        }
    }
}

/// A broker sent something MQTT does not allow.
struct MQTTPacketError: Error, CustomStringConvertible {
    let text: String
    var description: String { "the broker sent \(text)" }
}

extension OutgoingMessage {
    /// The size of this message's PUBLISH packet, as a broker's maximum packet size counts it:
    /// fixed header, topic, packet id (QoS ≥ 1), `properties` as `MQTTPacket.publishProperties`
    /// encodes them (nil under MQTT 3.1.1), payload.
    func packetSize(qos: Int32, properties: [UInt8]?) -> Int {
        let remaining = 2 + topicLength + (qos > 0 ? 2 : 0) + (properties?.count ?? 0) + (bytes.count - topicLength - 1)
        return 1 + MQTTPacket.varintSize(remaining) + remaining
    }
}
