import CMosquitto
import Foundation

/// The libmosquitto connection as the publisher's transport.
extension MQTTClient: BrokerConnection {
    public func send(_ message: OutgoingMessage, qos: Int32, retain: Bool, expiry: UInt32?) -> SendResult {
        noteStatus(message, retain: retain)
        let rc = message.bytes.withUnsafeBytes { raw in
            publish(
                cTopic: raw.baseAddress!.assumingMemoryBound(to: CChar.self),
                payload: UnsafeRawBufferPointer(rebasing: raw[(message.topicLength + 1)...]),
                qos: qos, retain: retain, expiry: expiry,
                properties: message.isStatus ? MessageProperties(contentType: "application/json") : telemetryProperties.stamped(Date().timeIntervalSince1970))
        }
        switch rc {
        case Int32(MOSQ_ERR_SUCCESS.rawValue): return .accepted
        // At QoS ≥ 1 libmosquitto queues the message before it tries the socket, and sends it again
        // on reconnect: it is on its way. Handing it over a second time would publish it twice.
        case Int32(MOSQ_ERR_NO_CONN.rawValue), Int32(MOSQ_ERR_CONN_LOST.rawValue): return qos >= 1 ? .accepted : .disconnected
        case Int32(MOSQ_ERR_NOMEM.rawValue): return .disconnected
        case Int32(MOSQ_ERR_OVERSIZE_PACKET.rawValue), Int32(MOSQ_ERR_PAYLOAD_SIZE.rawValue):
            let limit = maximumPacketSize.map { " (\($0) bytes)" } ?? ""
            return .rejected("a message of \(message.bytes.count) bytes on \(message.shortTopic) is larger than the broker's maximum packet size\(limit)")
        default:
            return .rejected("cannot publish on \(message.shortTopic): \(MosquittoError(code: rc, operation: "publish").description)")
        }
    }

    public func setHandlers(acknowledged: (@Sendable (Int32) -> Void)?, connection: (@Sendable (Bool) -> Void)?) {
        if let acknowledged {
            onPublished = { @Sendable _, reason in acknowledged(reason) }
        } else {
            onPublished = nil
        }
        onConnectionChange = connection
    }
}
