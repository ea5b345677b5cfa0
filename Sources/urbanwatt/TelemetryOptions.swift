import ArgumentParser
import UrbanWattCore
import UrbanWattTelemetry

/// What and how `run --mqtt` publishes.
struct TelemetryOptions: ParsableArguments, Sendable {
    @Option(help: "nodes (one message per node per telemetry interval) or fleets (one per fleet per step).", completion: Completions.telemetry)
    var telemetry: String = "nodes"

    @Option(help: "Payload format: json, senml, fiware-ul, fiware-json or influx (InfluxDB line protocol).", completion: Completions.payload)
    var payload: String = "json"

    @Option(help: "Topic template with {scenario} {district} {kind} {layer} {fleet} {node} (and {apikey}).")
    var topic: String?

    @Option(help: "FIWARE IoT Agent API key for the fiware payloads.")
    var apikey: String = "urbanwatt"

    @Option(help: "Publish only this share of nodes, e.g. 10%, chosen by each node's random stream.")
    var sample: String = "100%"

    @Option(help: "Seconds between messages of nodes that are not sensors (sensors publish per uplink), e.g. 15min.")
    var interval: String = "15min"

    @Option(help: "QoS 0, 1 or 2.", completion: Completions.qos)
    var qos: Int32 = 0

    @Flag(help: "Publish telemetry retained.")
    var retain = false

    @Option(help: "MQTT 5 message expiry, e.g. 1h.")
    var expiry: String?

    @Option(help: "max (as fast as the broker accepts), realtime, or simulated seconds per wall second.", completion: Completions.speed)
    var speed: String = "max"

    @Option(help: "Messages held while the broker is slow or away; full: pause (max speed) or drop the oldest.")
    var maxQueued: Int = 100_000

    @Flag(help: "Exit 0 even when messages were dropped (by default a run that dropped any writes its results and exits 1).")
    var allowDrops = false

    @Option(
        help: "MQTT connections to spread the nodes over (1 to 100000), each with its own client id {client-id}-{k}, session and last will, on one event loop.")
    var clients: Int = 1

    @Option(help: "Open at most this many connections a second (0.1 to 1000000); default: as fast as the broker answers.")
    var connectRate: Double?

    static let clientsRange = 1...100_000
    static let connectRateRange: ClosedRange<Double> = 0.1...1_000_000

    func validate() throws {
        if TelemetryConfig.Mode(rawValue: telemetry) == nil { throw ValidationError("--telemetry expects nodes or fleets, got \"\(telemetry)\"") }
        if PayloadFormat(rawValue: payload) == nil {
            throw ValidationError("--payload expects json, senml, fiware-ul, fiware-json or influx, got \"\(payload)\"")
        }
        if !(0...2).contains(qos) { throw ValidationError("--qos expects 0, 1 or 2") }
        if !(1...10_000_000).contains(maxQueued) { throw ValidationError("--max-queued expects 1 to 10000000 messages, got \(maxQueued)") }
        guard case .success(let s) = QuantityParser.parse(sample, as: .fraction), s > 0, s <= 1 else {
            throw ValidationError("--sample expects a share such as 10%, got \"\(sample)\"")
        }
        if speedValue == .invalid { throw ValidationError("--speed expects max, realtime or simulated seconds per second from 0.001 to 1e9, got \"\(speed)\"") }
        _ = try OptionValues.duration(interval, option: "--interval", range: TelemetryOptions.intervalRange)
        if let expiry { _ = try OptionValues.duration(expiry, option: "--expiry", range: TelemetryOptions.expiryRange) }
        // `payload` is one of `PayloadFormat`'s values (checked just above).
        do { _ = try TopicTemplate(topic ?? PayloadFormat(rawValue: payload)!.defaultTopic) } catch { throw ValidationError(error.description) }
        if !TelemetryOptions.clientsRange.contains(clients) { throw ValidationError("--clients expects 1 to 100000 connections, got \(clients)") }
        if let connectRate, !TelemetryOptions.connectRateRange.contains(connectRate) {
            throw ValidationError("--connect-rate expects 0.1 to 1000000 connections a second, got \(connectRate)")
        }
        if !Name.isValid(apikey) { throw ValidationError("--apikey: " + Name.problem(apikey, what: "an API key")) }
    }

    static let intervalRange: ClosedRange<Double> = 1...86_400
    /// MQTT 5 carries the expiry as 32-bit seconds; a year is far beyond any broker's use of it.
    static let expiryRange: ClosedRange<Double> = 1...Dimension.yearSeconds

    enum Speed: Equatable { case max, factor(Double), invalid }

    var speedValue: Speed {
        switch speed {
        case "max": return .max
        case "realtime": return .factor(1)
        default: if let v = Double(speed), (0.001...1e9).contains(v) { return .factor(v) } else { return .invalid }
        }
    }

    func config(step: Int64) throws -> TelemetryConfig {
        // `payload` and `telemetry` are each one of their type's values (`validate()` checked them).
        let format = PayloadFormat(rawValue: payload)!
        var c = TelemetryConfig(topic: try TopicTemplate(topic ?? format.defaultTopic))
        c.mode = TelemetryConfig.Mode(rawValue: telemetry)!
        c.format = format
        c.apikey = apikey
        if case .success(let s) = QuantityParser.parse(sample, as: .fraction) { c.sample = s }
        if case .success(let i) = QuantityParser.parse(interval, as: .duration) {
            guard Int64(i) % step == 0 || Int64(i) < step else {
                throw CommandFailure(ExitStatus.usage, "--interval (\(interval)) must be a whole number of steps (\(step) s)")
            }
            c.interval = max(step, Int64(i))
        }
        return c
    }

    var sessionOptions: TelemetrySession.Options {
        var o = TelemetrySession.Options()
        o.qos = qos
        o.retain = retain
        if let expiry, let e = try? OptionValues.duration(expiry, option: "--expiry", range: TelemetryOptions.expiryRange) { o.expiry = UInt32(e.rounded()) }
        if case .factor(let f) = speedValue { o.speed = f }
        o.maxQueued = maxQueued
        o.clients = clients
        o.connectRate = connectRate
        return o
    }
}
