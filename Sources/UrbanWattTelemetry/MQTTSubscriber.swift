import CMosquitto
import Foundation
import Synchronization

/// The listener's connection over libmosquitto: connect with retries, subscribe, and a network
/// thread of its own that reconnects after `Backoff`. Publishing goes through `MQTTClientPool`.
/// Callbacks reach this object through libmosquitto's user-data pointer; `deinit` stops the thread
/// before the handle is destroyed, so no callback outlives the client.
///
/// An explicit state machine, every change under one lock (`condition`) and broadcast, so that
/// waiting is waiting on the condition (bounded by a deadline; only the backoff between two
/// connection attempts sleeps):
/// `stopped` → `connecting` (CONNECT sent, or reconnecting) → `connected` → `disconnecting`
/// (DISCONNECT sent) → `stopped` (the network thread has ended).
/// `@unchecked Sendable`: `condition` guards all mutable state; the callbacks have their own lock.
public final class MQTTSubscriber: @unchecked Sendable {
    public enum State: Sendable, Equatable { case stopped, connecting, connected, disconnecting }

    public let settings: MQTTSettings
    private let handle: OpaquePointer
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var state = State.stopped
    private var connackCode: Int32?
    private var stopping = false
    private var gaveUp = false
    /// libmosquitto reported the disconnection we asked for: the DISCONNECT packet is out.
    private var disconnectWritten = false
    private var networkThread: Thread?

    private struct Callbacks {
        var message: (@Sendable (String, [UInt8], Bool, MessageProperties) -> Void)?
        var connection: (@Sendable (Bool) -> Void)?
        var subscribed: (@Sendable ([Int32]) -> Void)?
    }

    private let callbacks = Mutex(Callbacks())

    /// Called on the network thread for every message received: (topic, payload, retained, its MQTT 5 properties).
    public var onMessage: (@Sendable (String, [UInt8], Bool, MessageProperties) -> Void)? {
        get { callbacks.withLock { $0.message } }
        set { callbacks.withLock { $0.message = newValue } }
    }

    /// Called on the network thread for each SUBACK, with the granted QoS per filter (≥ 128: refused).
    public var onSubscribed: (@Sendable ([Int32]) -> Void)? {
        get { callbacks.withLock { $0.subscribed } }
        set { callbacks.withLock { $0.subscribed = newValue } }
    }

    /// Called on the network thread when the connection is lost or comes back.
    public var onConnectionChange: (@Sendable (Bool) -> Void)? {
        get { callbacks.withLock { $0.connection } }
        set { callbacks.withLock { $0.connection = newValue } }
    }

    private static let libraryReady: Bool = { mosquitto_lib_init() == 0 }()

    public init(_ settings: MQTTSettings) throws(MosquittoError) {
        _ = MQTTSubscriber.libraryReady
        self.settings = settings
        guard let h = mosquitto_new(settings.clientID, !settings.persistentSession, nil) else {
            throw MosquittoError(code: Int32(MOSQ_ERR_NOMEM.rawValue), operation: "mosquitto_new")
        }
        handle = h
        mosquitto_user_data_set(h, Unmanaged.passUnretained(self).toOpaque())
        try MosquittoError.check(mosquitto_threaded_set(h, true), "mosquitto_threaded_set")
        let protocolVersion = Int32(settings.version == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311)
        try MosquittoError.check(mosquitto_int_option(h, MOSQ_OPT_PROTOCOL_VERSION, protocolVersion), "set protocol version")
        if settings.version == .v5, let maximum = settings.receiveMaximum {
            try MosquittoError.check(mosquitto_int_option(h, MOSQ_OPT_RECEIVE_MAXIMUM, maximum), "set receive maximum")
        }
        if let user = settings.url.username {
            try MosquittoError.check(mosquitto_username_pw_set(h, user, settings.password), "set username")
        }
        if settings.url.tls {
            try MosquittoError.check(
                mosquitto_tls_set(h, settings.caFile, settings.caFile == nil ? "/etc/ssl/certs" : nil, settings.certFile, settings.keyFile, nil), "TLS set-up")
        }
        mosquitto_connect_v5_callback_set(h) { _, obj, rc, _, _ in
            MQTTSubscriber.from(obj).connected(rc)
        }
        mosquitto_disconnect_v5_callback_set(h) { _, obj, _, _ in MQTTSubscriber.from(obj).disconnected() }
        mosquitto_subscribe_v5_callback_set(h) { _, obj, _, count, granted, _ in
            let codes: [Int32] = (0..<Int(count)).map { k in granted.map { $0[k] } ?? 128 }
            MQTTSubscriber.from(obj).onSubscribed?(codes)
        }
        mosquitto_message_v5_callback_set(h) { _, obj, message, props in
            guard let m = message?.pointee, let topic = m.topic else { return }
            let payload = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(m.payloadlen))) } ?? []
            MQTTSubscriber.from(obj).onMessage?(String(cString: topic), payload, m.retain, MessageProperties(reading: props))
        }
    }

    deinit {
        stop()
        mosquitto_destroy(handle)
    }

    private static func from(_ obj: UnsafeMutableRawPointer?) -> MQTTSubscriber {
        Unmanaged<MQTTSubscriber>.fromOpaque(obj!).takeUnretainedValue()
    }

    private func connected(_ rc: Int32) {
        condition.lock()
        connackCode = rc
        if rc == 0 && state == .connecting { state = .connected }
        condition.broadcast()
        condition.unlock()
        if rc == 0 { onConnectionChange?(true) }
    }

    private func disconnected() {
        condition.lock()
        // A lost connection is reconnected; one we closed stays closed.
        if state == .connected { state = .connecting }
        if state == .disconnecting { disconnectWritten = true }
        condition.broadcast()
        condition.unlock()
        onConnectionChange?(false)
    }

    public var currentState: State {
        condition.lock()
        defer { condition.unlock() }
        return state
    }

    /// True once the network thread has given up reconnecting.
    public var hasGivenUp: Bool {
        condition.lock()
        defer { condition.unlock() }
        return gaveUp
    }

    /// Connects, retrying with backoff until `reconnectTimeout`, and waits for the broker's answer.
    public func connect() throws(ConnectFailure) {
        let deadline = Date().addingTimeInterval(settings.reconnectTimeout)
        var backoff = Backoff()
        var lastError = ""
        while true {
            var props: OpaquePointer? = nil
            if settings.version == .v5 && settings.persistentSession {
                mosquitto_property_add_int32(&props, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), 3600)
            }
            let rc = mosquitto_connect_bind_v5(handle, settings.url.host, Int32(settings.url.port), settings.keepAlive, nil, props)
            mosquitto_property_free_all(&props)
            if rc == Int32(MOSQ_ERR_SUCCESS.rawValue) {
                startNetworkThread()
                switch waitForConnack(until: deadline) {
                case .some(0): return
                case .some(let code) where MQTTReason.isAuthRefusal(code):
                    stop()
                    throw .refused(
                        "\(settings.url) refused the connection: \(MQTTReason.text(code)) (check the user name and URBANWATT_MQTT_PASSWORD / --password-file)")
                case .some(let code):
                    stop()
                    throw .unavailable("\(settings.url) refused the connection: \(MQTTReason.text(code))")
                case .none:
                    stop()
                    lastError = settings.url.tls ? "no answer to the TLS handshake or CONNECT (wrong CA, certificate or port?)" : "no CONNACK"
                }
            } else {
                lastError = MosquittoError(code: rc, operation: "connect").description
                if rc == Int32(MOSQ_ERR_TLS.rawValue) { lastError += " (TLS: check --cafile, --cert and --key)" }
            }
            if Date() >= deadline { throw .unavailable("cannot reach the broker at \(settings.url) within \(Int(settings.reconnectTimeout)) s: \(lastError)") }
            // A backoff on the caller's thread before the next attempt (no network thread runs yet).
            Thread.sleep(forTimeInterval: min(backoff.next(), max(0, deadline.timeIntervalSinceNow)))
        }
    }

    private func waitForConnack(until deadline: Date) -> Int32? {
        condition.lock()
        defer { condition.unlock() }
        while connackCode == nil && !gaveUp && Date() < deadline { _ = condition.wait(until: min(deadline, Date().addingTimeInterval(0.1))) }
        return connackCode
    }

    private func startNetworkThread() {
        condition.lock()
        stopping = false
        gaveUp = false
        connackCode = nil
        state = .connecting
        condition.unlock()
        // Unowned: `deinit` stops and joins this thread before the client goes.
        let thread = Thread { [unowned self] in
            self.networkLoop()
            self.condition.lock()
            self.state = .stopped
            self.networkThread = nil
            self.condition.broadcast()
            self.condition.unlock()
        }
        thread.name = "mqtt-network"
        condition.lock()
        networkThread = thread
        condition.unlock()
        thread.start()
    }

    private var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    /// Runs libmosquitto's loop; on a lost connection reconnects with exponential backoff and jitter.
    private func networkLoop() {
        while !isStopping {
            let rc = mosquitto_loop(handle, 100, 1)
            if rc == Int32(MOSQ_ERR_SUCCESS.rawValue) || isStopping { continue }
            if rc == Int32(MOSQ_ERR_CONN_REFUSED.rawValue), let code = connackSnapshot(), MQTTReason.isAuthRefusal(code) { break }
            let lost = Date()
            var backoff = Backoff()
            while !isStopping {
                if pause(backoff.next()) { return }
                if mosquitto_reconnect(handle) == Int32(MOSQ_ERR_SUCCESS.rawValue) { break }
                if Date().timeIntervalSince(lost) > settings.reconnectTimeout {
                    condition.lock()
                    gaveUp = true
                    condition.broadcast()
                    condition.unlock()
                    return
                }
            }
        }
    }

    /// Waits `seconds` (a reconnect backoff) unless asked to stop; true when asked.
    private func pause(_ seconds: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let until = Date().addingTimeInterval(seconds)
        while !stopping && Date() < until { _ = condition.wait(until: until) }
        return stopping
    }

    private func connackSnapshot() -> Int32? {
        condition.lock()
        defer { condition.unlock() }
        return connackCode
    }

    public func subscribe(_ filter: String, qos: Int32) throws(MosquittoError) {
        try MosquittoError.check(mosquitto_subscribe_v5(handle, nil, filter, qos, 0, nil), "subscribe to \(filter)")
    }

    /// Sends DISCONNECT (so the broker does not publish the last will), waits until the network
    /// thread has written it (libmosquitto then reports the disconnection), and stops the thread.
    public func disconnect() {
        condition.lock()
        let wasConnected = state == .connected
        if wasConnected { state = .disconnecting }
        disconnectWritten = false
        condition.unlock()
        if wasConnected && mosquitto_disconnect(handle) == Int32(MOSQ_ERR_SUCCESS.rawValue) {
            condition.lock()
            let deadline = Date().addingTimeInterval(2)
            while state == .disconnecting && !disconnectWritten && Date() < deadline { _ = condition.wait(until: deadline) }
            condition.unlock()
        }
        stop()
    }

    /// Stops the network thread and waits until it has ended.
    public func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        condition.broadcast()
        while networkThread != nil { condition.wait() }
        state = .stopped
    }
}

extension MessageProperties {
    /// The content type and user properties of a received message (none under MQTT 3.1.1).
    init(reading props: OpaquePointer?) {
        self.init()
        guard let props else { return }
        var text: UnsafeMutablePointer<CChar>? = nil
        if mosquitto_property_read_string(props, Int32(MQTT_PROP_CONTENT_TYPE.rawValue), &text, false) != nil, let t = text {
            contentType = String(cString: t)
            free(t)
        }
        var at: OpaquePointer? = props
        var skipFirst = false
        while let current = at {
            var key: UnsafeMutablePointer<CChar>? = nil, value: UnsafeMutablePointer<CChar>? = nil
            guard let found = mosquitto_property_read_string_pair(current, Int32(MQTT_PROP_USER_PROPERTY.rawValue), &key, &value, skipFirst) else { break }
            if let k = key, let v = value { user.append((String(cString: k), String(cString: v))) }
            free(key)
            free(value)
            at = found
            skipFirst = true
        }
    }
}
