import NIOCore
import Testing
@testable import UrbanWattTelemetry

/// One pool connection's MQTT session without a socket: the bytes it writes for the bytes it is
/// given, laid out by hand from MQTT 5.0 §3.2–3.7 and 3.1.1 §3.
@Suite struct PoolConnectionTests {
    /// What the session wrote: each packet's first byte and, for a PUBLISH at QoS ≥ 1, its id.
    static func packets(_ bytes: [UInt8]) -> [(first: UInt8, id: Int?)] {
        var k = 0
        var found: [(UInt8, Int?)] = []
        while k < bytes.count {
            let first = bytes[k]
            var length = 0, shift = 0, n = k + 1
            repeat {
                length |= Int(bytes[n] & 0x7F) << shift
                shift += 7
                n += 1
            } while bytes[n - 1] & 0x80 != 0
            var id: Int?
            if first >> 4 == 3 && (first >> 1) & 3 > 0 {
                let topic = Int(bytes[n]) << 8 | Int(bytes[n + 1])
                id = Int(bytes[n + 2 + topic]) << 8 | Int(bytes[n + 3 + topic])
            }
            found.append((first, id))
            k = n + length
        }
        return found
    }

    final class Heard {
        var acknowledged: [Int32] = []
        var connacks: [Int32] = []
    }

    static func connection(_ heard: Heard) -> (PoolConnection, PoolConnection.Events) {
        let c = PoolConnection(index: 0, clientID: "t", connectPacket: [0x10, 0])
        let events = PoolConnection.Events(
            acknowledged: { heard.acknowledged.append($0) }, connected: { _, reason, _ in heard.connacks.append(reason) },
            properties: { _ in ([0], nil) })
        return (c, events)
    }

    /// What the session gives the socket, and the QoS 0 messages among it.
    static func written(_ c: PoolConnection, now: Double) -> (bytes: [UInt8], qos0: Int)? {
        c.writeOutput(now: now) { buffer, qos0 in (Array(buffer.readableBytesView), qos0) }
    }

    /// Opens `c` and answers its CONNECT with `connack`: accepted, unless it says otherwise.
    static func open(_ c: PoolConnection, _ events: PoolConnection.Events, connack: [UInt8] = [0x20, 3, 0, 0, 0], v5: Bool = true) -> Bool {
        _ = c.begin(now: 0)
        c.opened()
        _ = written(c, now: 0)
        return feed(c, connack, v5: v5, now: 0, events)
    }

    /// Hands `bytes` to the session as the socket would.
    static func feed(_ c: PoolConnection, _ bytes: [UInt8], v5: Bool, now: Double, _ events: PoolConnection.Events) -> Bool {
        bytes.withUnsafeBytes { c.receive($0, v5: v5, now: now, events: events) }
    }

    static func item(_ k: Int, qos: Int32) -> PoolConnection.Item {
        PoolConnection.Item(message: OutgoingMessage(topic: "t/\(k)", payload: "x"), qos: qos, retain: false)
    }

    @Test func theReceiveMaximumHoldsMessagesBackAndAReconnectionSendsTheRestAgainAsDuplicates() {
        let heard = Heard()
        let (c, events) = Self.connection(heard)
        _ = c.begin(now: 0)
        c.opened()
        #expect(Self.written(c, now: 0)?.bytes == [0x10, 0], "CONNECT goes first")
        // CONNACK (§3.2): flags 0, reason 0, properties: receive maximum (0x21) 2.
        #expect(Self.feed(c, [0x20, 6, 0, 0, 3, 0x21, 0, 2], v5: true, now: 0, events))
        #expect(heard.connacks == [0] && c.state == .up)
        for k in 0..<3 { c.enqueue(Self.item(k, qos: 1), events: events) }
        let first = Self.packets(Self.written(c, now: 0)?.bytes ?? [])
        #expect(first.map(\.first) == [0x32, 0x32] && first.map(\.id) == [1, 2], "two in flight, the third held back")
        #expect(c.unacknowledged == 3)
        // PUBACK (§3.4) for id 1, reason 0: acknowledged, and the third goes out as id 3.
        #expect(Self.feed(c, [0x40, 3, 0, 1, 0], v5: true, now: 0, events))
        #expect(heard.acknowledged == [0])
        #expect(Self.packets(Self.written(c, now: 0)?.bytes ?? []).map(\.id) == [3])
        // The connection drops: ids 2 and 3 go again after the next CONNACK, in order, marked DUP.
        _ = c.begin(now: 1)
        c.opened()
        _ = Self.written(c, now: 1)
        #expect(Self.feed(c, [0x20, 3, 0, 0, 0], v5: true, now: 1, events))
        let again = Self.packets(Self.written(c, now: 1)?.bytes ?? [])
        #expect(again.map(\.first) == [0x3A, 0x3A] && again.map(\.id) == [2, 3])
        #expect(c.connections == 2 && c.unacknowledged == 2)
    }

    @Test func qos2ReleasesOnPubrecAndCompletesOnPubcomp() {
        let heard = Heard()
        let (c, events) = Self.connection(heard)
        #expect(Self.open(c, events))
        c.enqueue(Self.item(0, qos: 2), events: events)
        #expect(Self.packets(Self.written(c, now: 0)?.bytes ?? []).map(\.first) == [0x34])
        // PUBREC (§3.5) → PUBREL (§3.6, first byte 0x62) → PUBCOMP (§3.7): acknowledged once.
        #expect(Self.feed(c, [0x50, 2, 0, 1], v5: true, now: 0, events))
        #expect(Self.written(c, now: 0)?.bytes == [0x62, 2, 0, 1] && heard.acknowledged.isEmpty)
        #expect(Self.feed(c, [0x70, 2, 0, 1], v5: true, now: 0, events))
        #expect(heard.acknowledged == [0] && c.unacknowledged == 0)
    }

    /// A read may end inside a packet, or hold several: three PUBACKs (§3.4, 3.1.1 form) over reads
    /// of 6, 3 and 3 bytes are each acknowledged once, in order, when their last byte comes.
    @Test func packetsSplitAcrossReadsAreReadWhole() {
        let heard = Heard()
        let (c, events) = Self.connection(heard)
        #expect(Self.open(c, events))
        for k in 0..<3 { c.enqueue(Self.item(k, qos: 1), events: events) }
        _ = Self.written(c, now: 0)
        #expect(Self.feed(c, [0x40, 2, 0, 1, 0x40, 2], v5: true, now: 0, events))
        #expect(heard.acknowledged == [0] && c.unacknowledged == 2)
        #expect(Self.feed(c, [0, 2, 0x40], v5: true, now: 0, events))
        #expect(heard.acknowledged == [0, 0] && c.unacknowledged == 1)
        #expect(Self.feed(c, [2, 0, 3], v5: true, now: 0, events))
        #expect(heard.acknowledged == [0, 0, 0] && c.unacknowledged == 0)
    }

    /// A PUBLISH of 60,000 bytes read 1,024 bytes at a time, the last read also carrying a whole
    /// second one, is delivered once and whole, then the second.
    @Test func aLargePacketComingAReadAtATimeIsDeliveredWhole() {
        let (c, events) = Self.connection(Heard())
        var got: [MQTTPacket.Delivery] = []
        events.message = { got.append($0) }
        #expect(Self.open(c, events))
        var stream: [UInt8] = []
        let big = OutgoingMessage(bytes: [0x74, 0] + [UInt8](repeating: 7, count: 60_000), topicLength: 1)
        MQTTPacket.publish(big, qos: 0, retain: false, duplicate: false, id: 0, properties: [0], into: &stream)
        MQTTPacket.publish(OutgoingMessage(topic: "u", payload: "x"), qos: 0, retain: false, duplicate: false, id: 0, properties: [0], into: &stream)
        for start in stride(from: 0, to: stream.count, by: 1024) {
            #expect(Self.feed(c, Array(stream[start..<min(start + 1024, stream.count)]), v5: true, now: 0, events))
        }
        #expect(got.map(\.topic) == ["t", "u"] && got.first?.payload == [UInt8](repeating: 7, count: 60_000))
    }

    /// MQTT 3.1.1 cannot say a quota; mosquitto holds a client to 20 QoS 2 messages in flight and
    /// drops a 3.1.1 connection that sends a 21st, so the session keeps to 20.
    @Test func under311TwentyAreInFlightAtMost() {
        let heard = Heard()
        let (c, events) = Self.connection(heard)
        // CONNACK (3.1.1 §3.2): session present 0, return code 0, no properties.
        #expect(Self.open(c, events, connack: [0x20, 2, 0, 0], v5: false))
        for k in 0..<25 { c.enqueue(Self.item(k, qos: 2), events: events) }
        #expect(Self.packets(Self.written(c, now: 0)?.bytes ?? []).count == 20)
        #expect(c.unacknowledged == 25)
    }

    @Test func qos0IsCountedWhenWrittenAndLostWhileClosed() {
        let heard = Heard()
        let (c, events) = Self.connection(heard)
        c.enqueue(Self.item(0, qos: 0), events: events)
        #expect(Self.written(c, now: 0) == nil, "nothing is written while closed")
        #expect(Self.open(c, events))
        for k in 0..<3 { c.enqueue(Self.item(k, qos: 0), events: events) }
        #expect(Self.written(c, now: 0)?.qos0 == 3)
    }

    /// The listener's side, from MQTT 5.0 §3.3–3.9: a SUBSCRIBE of two filters; a SUBACK's codes;
    /// a QoS 1 PUBLISH with a content type and a user property, delivered and answered PUBACK; a
    /// QoS 2 one answered PUBREC and delivered once though sent again before its PUBREL, which is
    /// answered PUBCOMP; a QoS 0 one under 3.1.1, delivered and answered by nothing.
    @Test func theListenerAcknowledgesEachQoSAndDeliversQoS2Once() {
        final class Got {
            var messages: [MQTTPacket.Delivery] = []
            var granted: [Int32] = []
        }
        let got = Got()
        let (c, events) = Self.connection(Heard())
        events.message = { got.messages.append($0) }
        events.subscribed = { got.granted += $0 }
        #expect(Self.open(c, events))
        c.subscribe(["a/#", "b"], qos: 2, v5: true)
        // 0x82, 13 bytes: id 1, no properties, "a/#" at QoS 2, "b" at QoS 2 (§3.8).
        #expect(Self.written(c, now: 0)?.bytes == [0x82, 13, 0, 1, 0, 0, 3, 0x61, 0x2F, 0x23, 2, 0, 1, 0x62, 2])
        // SUBACK (§3.9): id 1, no properties, granted QoS 2 and refused (0x80).
        #expect(Self.feed(c, [0x90, 5, 0, 1, 0, 2, 0x80], v5: true, now: 0, events))
        #expect(got.granted == [2, 128])

        // QoS 1 on "t", id 7; properties: content type "x", user property k=v; payload "hi".
        let qos1: [UInt8] = [0x32, 19, 0, 1, 0x74, 0, 7, 11, 0x03, 0, 1, 0x78, 0x26, 0, 1, 0x6B, 0, 1, 0x76, 0x68, 0x69]
        #expect(Self.feed(c, qos1, v5: true, now: 0, events))
        #expect(Self.written(c, now: 0)?.bytes == [0x40, 2, 0, 7])
        var expected = MQTTPacket.Delivery(topic: "t", id: 7, qos: 1, retain: false, payload: Array("hi".utf8))
        expected.properties = MessageProperties(contentType: "x", user: [("k", "v")])
        #expect(got.messages == [expected])

        // QoS 2, id 9, no properties, no payload; then the same again, marked DUP (0x3C).
        #expect(Self.feed(c, [0x34, 6, 0, 1, 0x74, 0, 9, 0] + [0x3C, 6, 0, 1, 0x74, 0, 9, 0], v5: true, now: 0, events))
        #expect(Self.written(c, now: 0)?.bytes == [0x50, 2, 0, 9, 0x50, 2, 0, 9])
        #expect(got.messages.count == 2)
        #expect(Self.feed(c, [0x62, 2, 0, 9], v5: true, now: 0, events))
        #expect(Self.written(c, now: 0)?.bytes == [0x70, 2, 0, 9])
        // After its PUBREL, id 9 is free for the next message.
        #expect(Self.feed(c, [0x34, 6, 0, 1, 0x74, 0, 9, 0], v5: true, now: 0, events))
        #expect(got.messages.count == 3)

        // MQTT 3.1.1, QoS 0, retained: no packet id, no properties.
        let (old, oldEvents) = Self.connection(Heard())
        var heard311: [MQTTPacket.Delivery] = []
        let events311 = oldEvents
        events311.message = { heard311.append($0) }
        #expect(Self.open(old, events311, connack: [0x20, 2, 0, 0], v5: false))
        #expect(Self.feed(old, [0x31, 5, 0, 1, 0x74, 0x68, 0x69], v5: false, now: 0, events311))
        #expect(heard311 == [MQTTPacket.Delivery(topic: "t", id: 0, qos: 0, retain: true, payload: Array("hi".utf8))])
        #expect(Self.written(old, now: 0) == nil)
    }
}
