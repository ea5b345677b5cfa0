import NIOCore
import Testing
@testable import UrbanWattTelemetry

/// The pool's own MQTT codec against packets laid out by hand from the MQTT 5.0 and 3.1.1 specifications.
@Suite struct MQTTPacketTests {
    @Test func aCleanMQTT311ConnectIsThirteenBytesAfterItsHeader() {
        let p = MQTTPacket.connect(clientID: "a", v5: false, keepAlive: 30, sessionExpiry: nil, will: nil, username: nil, password: nil)
        // §3.1.2: protocol name, level 4, flags (clean session), keep-alive 30; §3.1.3: the client id.
        #expect(p == [0x10, 13, 0, 4, 0x4D, 0x51, 0x54, 0x54, 4, 0x02, 0, 30, 0, 1, 0x61])
    }

    @Test func anMQTT5ConnectCarriesItsSessionWillAndCredentials() {
        let will = MQTTPacket.Will(topic: "t", payload: Array("x".utf8), qos: 1, retain: true)
        let p = MQTTPacket.connect(clientID: "c", v5: true, keepAlive: 30, sessionExpiry: 3600, will: will, username: "u", password: "p")
        // Flags: user 0x80, password 0x40, will retain 0x20, will QoS 1 (0x08), will 0x04; no clean start.
        // Properties: session expiry (0x11) 3600; the will's properties are empty.
        #expect(
            p == [
                0x10, 32, 0, 4, 0x4D, 0x51, 0x54, 0x54, 5, 0xEC, 0, 30, 5, 0x11, 0, 0, 0x0E, 0x10,
                0, 1, 0x63, 0, 0, 1, 0x74, 0, 1, 0x78, 0, 1, 0x75, 0, 1, 0x70,
            ])
    }

    @Test func publishesAtEachQoS() {
        let m = OutgoingMessage(topic: "a/b", payload: "hi")
        var out: [UInt8] = []
        MQTTPacket.publish(m, qos: 1, retain: false, duplicate: false, id: 1, properties: [0], into: &out)
        #expect(out == [0x32, 10, 0, 3, 0x61, 0x2F, 0x62, 0, 1, 0, 0x68, 0x69])
        out = []
        MQTTPacket.publish(m, qos: 0, retain: true, duplicate: true, id: 9, properties: nil, into: &out)
        #expect(out == [0x39, 7, 0, 3, 0x61, 0x2F, 0x62, 0x68, 0x69])
        out = []
        MQTTPacket.acknowledgement(MQTTPacket.pubrel, id: 258, into: &out)
        #expect(out == [0x62, 2, 1, 2])
    }

    /// The size the pool checks against the broker's maximum packet size is the size it writes.
    @Test(arguments: [(Int32(0), false), (1, true), (2, true), (1, false)])
    func thePacketSizeItChecksIsTheSizeItWrites(qos: Int32, v5: Bool) {
        let m = OutgoingMessage(topic: "urbanwatt/x/" + String(repeating: "n", count: 200), payload: String(repeating: "p", count: 20_000))
        let props = v5 ? MQTTPacket.publishProperties(.telemetry(.senml), expiry: 60) : nil
        var out: [UInt8] = []
        MQTTPacket.publish(m, qos: qos, retain: false, duplicate: false, id: 7, properties: props, into: &out)
        #expect(m.packetSize(qos: qos, properties: props) == out.count)
    }

    /// A `sent_at` stamped as the packet is written is the same bytes as properties stamped first,
    /// and a connection's ByteBuffer receives the same bytes as an array.
    @Test func aStampWrittenInPlaceAndABufferGiveTheSameBytes() {
        let m = OutgoingMessage(topic: "urbanwatt/x/n-1", payload: "{}")
        let at = 1_765_000_000.1234
        var stampedFirst: [UInt8] = []
        let stamped = MQTTPacket.publishProperties(MessageProperties.telemetry(.json).stamped(at), expiry: nil)
        MQTTPacket.publish(m, qos: 1, retain: false, duplicate: false, id: 3, properties: stamped, into: &stampedFirst)
        #expect(String(decoding: stampedFirst.suffix(15), as: UTF8.self) == "1765000000123{}")
        let once = MQTTPacket.publishProperties(.telemetry(.json), expiry: nil)
        var inPlace: [UInt8] = []
        MQTTPacket.publish(m, qos: 1, retain: false, duplicate: false, id: 3, properties: once, sentAt: at, into: &inPlace)
        #expect(inPlace == stampedFirst)
        var buffer = ByteBuffer()
        MQTTPacket.publish(m, qos: 1, retain: false, duplicate: false, id: 3, properties: once, sentAt: at, into: &buffer)
        MQTTPacket.acknowledgement(MQTTPacket.pubrel, id: 258, into: &buffer)
        #expect(Array(buffer.readableBytesView) == stampedFirst + [0x62, 2, 1, 2])
    }

    /// A message MQTT cannot frame (a remaining length over 268,435,455 bytes) is refused before
    /// it is queued, under 3.1.1 too, where the broker states no limit.
    @Test func aPacketOverMQTTsLimitIsRefused() {
        let pool = MQTTClientPool(MQTTSettings(url: BrokerURL("mqtt://127.0.0.1:1")!, clientID: "t"), clients: 1)
        // Topic "a", NUL, a payload of 268,435,453 bytes: a remaining length of 2 + 1 + 268,435,453
        // = 268,435,456, one over; 1 + 4 + 268,435,456 bytes in all.
        let message = OutgoingMessage(bytes: [UInt8](repeating: 0x61, count: 268_435_455), topicLength: 1)
        #expect(message.packetSize(qos: 0, properties: nil) == MQTTPacket.largestPacket + 1)
        guard case .rejected(let why) = pool.send(message, qos: 0, retain: false, expiry: nil) else {
            Issue.record("not refused")
            return
        }
        #expect(why.contains("larger than MQTT's maximum packet size (268435460 bytes)"))
    }

    @Test func variableLengthsFollowTheSpecification() {
        var out: [UInt8] = []
        MQTTPacket.varint(321, into: &out)
        #expect(out == [0xC1, 0x02])
        out = []
        MQTTPacket.varint(268_435_455, into: &out)
        #expect(out == [0xFF, 0xFF, 0xFF, 0x7F])
    }

    func read(_ bytes: [UInt8], v5: Bool = true) throws -> (MQTTPacket.Incoming, Int)? {
        try bytes.withUnsafeBufferPointer { b throws(MQTTPacketError) in try MQTTPacket.read(b, v5: v5) }
    }

    @Test func readsConnackPropertiesAndSkipsTheRest() throws {
        // Receive maximum 20, a user property (skipped), maximum packet size 4096.
        let connack: [UInt8] = [0x20, 18, 0, 0, 15, 0x21, 0, 20, 0x26, 0, 1, 0x6B, 0, 1, 0x76, 0x27, 0, 0, 0x10, 0]
        let (p, n) = try #require(try read(connack))
        #expect(n == connack.count)
        #expect(p == .connack(reason: 0, maximumPacketSize: 4096, receiveMaximum: 20, serverKeepAlive: nil))
        // MQTT 3.1.1 return code 5, "not authorized", is MQTT 5's 0x87.
        #expect(try read([0x20, 2, 0, 5], v5: false)?.0 == .connack(reason: 0x87, maximumPacketSize: nil, receiveMaximum: nil, serverKeepAlive: nil))
    }

    @Test func readsAcknowledgementsWholeOrWaitsForMore() throws {
        #expect(try read([0x40, 2, 0, 7])?.0 == .puback(id: 7, reason: 0))
        #expect(try read([0x40, 3, 0, 7, 0x87])?.0 == .puback(id: 7, reason: 0x87))
        #expect(try read([0x50, 2, 1, 0])?.0 == .pubrec(id: 256, reason: 0))
        #expect(try read([0x70, 2, 0, 1])?.0 == .pubcomp(id: 1, reason: 0))
        #expect(try read([0xD0, 0])?.0 == .pingresp)
        #expect(try read([0xE0, 1, 0x8E])?.0 == .disconnect(reason: 0x8E))
        #expect(try read([0x40, 2, 0]) == nil)
        #expect(try read([0x40]) == nil)
    }

    @Test func refusesWhatMQTTDoesNotAllow() {
        #expect(throws: MQTTPacketError.self) { try read([0x40, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) }
        // A 16 MB packet is refused from its length alone, before its bytes arrive.
        #expect(throws: MQTTPacketError.self) { try read([0x30, 0x80, 0x80, 0x80, 0x08]) }
        #expect(throws: MQTTPacketError.self) { try read([0x40, 1, 0]) }
        // A property list that claims more than the packet holds.
        #expect(throws: MQTTPacketError.self) { try read([0x20, 4, 0, 0, 9, 0x21]) }
        #expect(throws: MQTTPacketError.self) { try read([0x20, 4, 0, 0, 1, 0x7F]) }
    }

    /// Whatever a hostile broker sends, reading ends in a packet, a wait for more bytes or an
    /// error, never a trap: 200,000 random byte strings, half of them with a plausible first byte.
    @Test func randomBytesNeverTrap() {
        var g = SystemRandomNumberGenerator()
        var outcomes = [0, 0, 0]
        for k in 0..<200_000 {
            var bytes = (0..<Int.random(in: 0...40, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
            if k % 2 == 0 && !bytes.isEmpty { bytes[0] = [0x20, 0x40, 0x50, 0x70, 0xD0, 0xE0].randomElement(using: &g)! }
            if k % 4 == 0 && bytes.count > 1 { bytes[1] = UInt8(bytes.count - 2) }
            do {
                if let (_, n) = try read(bytes, v5: k % 3 != 0) {
                    #expect(n <= bytes.count)
                    outcomes[0] += 1
                } else {
                    outcomes[1] += 1
                }
            } catch {
                outcomes[2] += 1
            }
        }
        #expect(outcomes.allSatisfy { $0 > 0 }, "packets, waits, errors: \(outcomes)")
    }
}
