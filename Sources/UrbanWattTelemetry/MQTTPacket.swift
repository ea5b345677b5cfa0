/// The MQTT 3.1.1 / 5 packets a publishing device and the listener send and receive, encoded and
/// decoded by hand for `MQTTClientPool`: one open file per connection (libmosquitto took three),
/// and one event loop for both. Packet layouts: MQTT 5.0 (OASIS, 2019) §3.1–3.14, and MQTT 3.1.1
/// §3, which is the same without properties.
enum MQTTPacket {
    /// A PUBLISH received (§3.3), for the listener.
    struct Delivery: Equatable {
        var topic: String
        /// The packet id, 0 at QoS 0.
        var id: UInt16
        var qos: Int32
        var retain: Bool
        var properties = MessageProperties()
        var payload: [UInt8]

        static func == (a: Delivery, b: Delivery) -> Bool {
            a.topic == b.topic && a.id == b.id && a.qos == b.qos && a.retain == b.retain && a.payload == b.payload
                && a.properties.contentType == b.properties.contentType
                && a.properties.user.map { [$0.key, $0.value] } == b.properties.user.map { [$0.key, $0.value] }
        }
    }

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
        case publish(Delivery)
        /// QoS 2, the sender's second step: the receiver answers PUBCOMP.
        case pubrel(id: UInt16)
        /// The QoS granted to each filter of a SUBSCRIBE, in order (≥ 128: refused).
        case suback(id: UInt16, granted: [Int32])
        /// Anything else a client need not act on (AUTH, UNSUBACK).
        case other
    }

    struct Will {
        var topic: String
        var payload: [UInt8]
        var qos: Int32
        var retain: Bool
    }

    // MARK: Writing

    static func varint(_ n: Int, into out: inout [UInt8]) { out.append(count: varintSize(n)) { $0.varint(n) } }

    /// Bytes of MQTT's variable-length integer for `n`.
    static func varintSize(_ n: Int) -> Int { n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4 }

    static func u16(_ n: Int, into out: inout [UInt8]) { out.append(count: 2) { $0.u16(n) } }

    static func u32(_ n: UInt32, into out: inout [UInt8]) { out.append(count: 4) { $0.u32(n) } }

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
    /// `maximumPacketSize` (MQTT 5): the largest packet the client reads; the broker drops a larger
    /// message for it rather than send it.
    static func connect(
        clientID: String, v5: Bool, keepAlive: Int, sessionExpiry: UInt32?, will: Will?,
        username: String?, password: String?, maximumPacketSize: UInt32? = nil
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
            if let maximumPacketSize {
                props.append(0x27)
                u32(maximumPacketSize, into: &props)
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
    /// (with their length) for MQTT 5, nil for 3.1.1. With `sentAt` (Unix seconds), the properties'
    /// last 13 bytes, a `sent_at` encoded once, go out as that time's stamp instead.
    static func publish(
        _ m: OutgoingMessage, qos: Int32, retain: Bool, duplicate: Bool, id: UInt16, properties: [UInt8]?, sentAt: Double? = nil,
        into out: inout some PacketSink
    ) {
        let payload = m.bytes.count - m.topicLength - 1
        let remaining = 2 + m.topicLength + (qos > 0 ? 2 : 0) + (properties?.count ?? 0) + payload
        out.append(count: 1 + varintSize(remaining) + remaining) { w in
            w.put(0x30 | (duplicate ? 0x08 : 0) | UInt8(qos << 1) | (retain ? 0x01 : 0))
            w.varint(remaining)
            w.u16(m.topicLength)
            m.bytes.withUnsafeBufferPointer { b in
                w.put(UnsafeBufferPointer(rebasing: b[..<m.topicLength]))
                if qos > 0 { w.u16(Int(id)) }
                properties?.withUnsafeBufferPointer { p in
                    guard let sentAt, p.count >= MessageProperties.stampWidth else { return w.put(p) }
                    w.put(UnsafeBufferPointer(rebasing: p[..<(p.count - MessageProperties.stampWidth)]))
                    w.digits(MessageProperties.milliseconds(sentAt), count: MessageProperties.stampWidth)
                }
                w.put(UnsafeBufferPointer(rebasing: b[(m.topicLength + 1)...]))
            }
        }
    }

    /// A packet that is its first byte and a packet id, reason 0 (which MQTT 5 lets the two bytes
    /// mean): PUBACK, PUBREC, PUBREL and PUBCOMP (§3.4–3.7).
    static func acknowledgement(_ first: UInt8, id: UInt16, into out: inout some PacketSink) {
        out.append(count: 4) { w in
            w.put(first)
            w.put(2)
            w.u16(Int(id))
        }
    }

    static let puback: UInt8 = 0x40, pubrec: UInt8 = 0x50, pubrel: UInt8 = 0x62, pubcomp: UInt8 = 0x70

    /// SUBSCRIBE (§3.8): every filter at `qos`, in one packet.
    static func subscribe(id: UInt16, filters: [String], qos: Int32, v5: Bool) -> [UInt8] {
        var body: [UInt8] = []
        u16(Int(id), into: &body)
        if v5 { body.append(0) }
        for filter in filters {
            string(Array(filter.utf8), into: &body)
            body.append(UInt8(qos))
        }
        var out: [UInt8] = []
        frame(0x82, body, into: &out)
        return out
    }

    static let pingreq: [UInt8] = [0xC0, 0]
    /// The largest packet a publisher reads from a broker, bytes: acknowledgements and a CONNACK,
    /// all small, so that a hostile broker cannot make 10,000 connections hold 256 MB each.
    static let maxIncoming = 65_536
    static let disconnect: [UInt8] = [0xE0, 0]
    /// The largest packet MQTT can frame: a remaining length of at most four bytes (§1.5.5).
    static let largestPacket = 1 + 4 + 268_435_455

    // MARK: Reading

    /// The whole packet at the start of `bytes`, and its length; nil when more bytes are needed.
    /// Throws on a length that MQTT does not allow, or over `limit`.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, v5: Bool, limit: Int = maxIncoming) throws(MQTTPacketError) -> (Incoming, Int)? {
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
        // Refused before it is buffered.
        if remaining > limit { throw MQTTPacketError(text: "a packet of \(remaining) bytes (at most \(limit) expected)") }
        guard bytes.count >= k + remaining else { return nil }
        let body = UnsafeBufferPointer(rebasing: bytes[k..<(k + remaining)])
        return (try decode(first: bytes[0], body: body, v5: v5), k + remaining)
    }

    private static func decode(first: UInt8, body: UnsafeBufferPointer<UInt8>, v5: Bool) throws(MQTTPacketError) -> Incoming {
        func id() throws(MQTTPacketError) -> UInt16 {
            guard body.count >= 2 else { throw MQTTPacketError(text: "an acknowledgement without a packet id") }
            return UInt16(body[0]) << 8 | UInt16(body[1])
        }
        let reason = body.count >= 3 ? Int32(body[2]) : 0
        switch first >> 4 {
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
        case 3: return .publish(try delivery(flags: first & 0x0F, body: body, v5: v5))
        case 4: return .puback(id: try id(), reason: reason)
        case 5: return .pubrec(id: try id(), reason: reason)
        case 6: return .pubrel(id: try id())
        case 7: return .pubcomp(id: try id(), reason: reason)
        case 9:
            let packetID = try id()
            var codes = 2
            if v5 { codes += try properties(UnsafeBufferPointer(rebasing: body[2...])) { _, _ in } }
            return .suback(id: packetID, granted: body[codes...].map { Int32($0) })
        case 13: return .pingresp
        case 14: return .disconnect(reason: body.isEmpty ? 0 : Int32(body[0]))
        default: return .other
        }
    }

    /// A PUBLISH's topic, packet id, properties (the content type and user properties kept) and
    /// payload; `flags` are the low four bits of its first byte.
    private static func delivery(flags: UInt8, body: UnsafeBufferPointer<UInt8>, v5: Bool) throws(MQTTPacketError) -> Delivery {
        let qos = Int32((flags >> 1) & 3)
        guard qos < 3 else { throw MQTTPacketError(text: "a PUBLISH at QoS 3") }
        guard body.count >= 2 else { throw MQTTPacketError(text: "a PUBLISH without a topic") }
        var k = 2 + (Int(body[0]) << 8 | Int(body[1]))
        guard k <= body.count else { throw MQTTPacketError(text: "a topic longer than its PUBLISH") }
        var d = Delivery(
            topic: String(decoding: UnsafeBufferPointer(rebasing: body[2..<k]), as: UTF8.self), id: 0, qos: qos, retain: flags & 1 != 0, payload: [])
        if qos > 0 {
            guard k + 2 <= body.count else { throw MQTTPacketError(text: "a PUBLISH without a packet id") }
            d.id = UInt16(body[k]) << 8 | UInt16(body[k + 1])
            k += 2
        }
        if v5 {
            k += try properties(UnsafeBufferPointer(rebasing: body[k...])) { _, _ in
            } text: { id, first, second in
                if id == 0x03 { d.properties.contentType = String(decoding: first, as: UTF8.self) }
                if id == 0x26, let second { d.properties.user.append((String(decoding: first, as: UTF8.self), String(decoding: second, as: UTF8.self))) }
            }
        }
        d.payload = Array(UnsafeBufferPointer(rebasing: body[k...]))
        return d
    }

    /// Walks an MQTT 5 property list (its length first), reporting the integer-valued ones to
    /// `found` and the strings (a user property's two) to `text`; returns the bytes it took.
    @discardableResult
    private static func properties(
        _ b: UnsafeBufferPointer<UInt8>, _ found: (UInt8, Int) -> Void,
        text: (UInt8, UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>?) -> Void = { _, _, _ in }
    ) throws(MQTTPacketError) -> Int {
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
        func bytes() throws(MQTTPacketError) -> UnsafeBufferPointer<UInt8> {
            let n = try int(2)
            try need(n)
            defer { k += n }
            return UnsafeBufferPointer(rebasing: b[k..<(k + n)])
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
            case 0x03, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1A, 0x1C, 0x1F: text(id, try bytes(), nil)
            case 0x26:
                let key = try bytes()
                text(id, key, try bytes())
            default: throw MQTTPacketError(text: "an unknown property 0x\(String(id, radix: 16))")
            }
        }
        return end
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
