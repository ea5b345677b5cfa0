import Dispatch
public import Foundation
import Synchronization
import UrbanWattCore
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Writes the listener's aggregates to an InfluxDB 1.x `/write` endpoint: per fleet and simulated
/// step, the energy and messages received, as `urbanwatt_fleet,scenario=…,layer=…,district=…,kind=…,fleet=…
/// energy_j=…,messages=…i <step start>`: the tags of the node lines (`--payload influx`,
/// measurement `urbanwatt`) without the node, so both sit in one database and group alike. A background thread writes the steps that changed once a
/// second, up to 5,000 lines a request, retrying a failed request three times with backoff. A
/// step written again carries its whole total, so a late message corrects it instead of adding a
/// point. Memory is bounded: beyond `maximumSteps` fleet-steps, new ones are dropped and counted.
///
/// `@unchecked Sendable`: `lock` guards the totals, the steps to write, the counts, the deadline and
/// `stopping`; `thread` is set by `start` and read by `stop`, both on the owner's thread.
public final class InfluxWriter: @unchecked Sendable {
    public struct Counts: Sendable, Equatable {
        /// Lines InfluxDB accepted (a fleet-step written again counts again).
        public var written = 0
        /// Requests that failed after their retries, and fleet-steps dropped for want of room.
        public var failedRequests = 0
        public var dropped = 0
        public var lastError: String?
    }

    public static let maximumSteps = 2_000_000
    static let batch = 5000

    let url: URL
    /// How long one write may take before it counts as failed: URLSession on Linux never gave up on
    /// a server that accepts the connection and never answers.
    public static let requestTimeout = 10.0
    /// No write starts after this (listen's `--timeout`, plus one request for the last write).
    public var deadline: Date? {
        get { lock.withLock { end } }
        set { lock.withLock { end = newValue } }
    }
    private var end: Date?
    /// Every known fleet's (scenario, layer, district); read outside the lock.
    let labels: @Sendable () -> [String: (scenario: String, layer: String, district: String, kind: String)]
    private let lock = NSLock()
    private var totals: [Key: (energy: Double, messages: Int)] = [:]
    private var dirty = Set<Key>()
    private var counts = Counts()
    private var thread: Thread?
    private var stopping = false
    private let stopped = DispatchSemaphore(value: 0)

    struct Key: Hashable {
        var fleet: String
        var start: Int64
    }

    /// nil when `text` is not an http(s) URL with a host.
    public init?(url text: String, labels: @escaping @Sendable () -> [String: (scenario: String, layer: String, district: String, kind: String)]) {
        guard let u = URL(string: text), ["http", "https"].contains(u.scheme ?? ""), u.host != nil else { return nil }
        url = u
        self.labels = labels
    }

    /// Why `text` cannot be an InfluxDB write URL, or nil.
    public static func problem(_ text: String) -> String? {
        guard let u = URL(string: text), ["http", "https"].contains(u.scheme ?? ""), u.host != nil else {
            return "expected an http URL such as http://127.0.0.1:8086/write?db=urbanwatt, got \"\(Redaction.url(String(text.prefix(200))).prefix(80))\""
        }
        return nil
    }

    /// Adds a counted message's energy to its fleet's step of `dt` seconds.
    public func add(fleet: String, time: Double, energy: Double, step dt: Double) {
        // A reading closes an interval: it belongs to the step it ends, as the run's figures do.
        let start = Int64(((time - 1e-6) / dt).rounded(.down) * dt)
        let key = Key(fleet: fleet, start: start)
        lock.withLock {
            if totals[key] == nil && totals.count >= InfluxWriter.maximumSteps {
                counts.dropped += 1
                return
            }
            totals[key, default: (0, 0)].energy += energy
            totals[key, default: (0, 0)].messages += 1
            dirty.insert(key)
        }
    }

    public var currentCounts: Counts { lock.withLock { counts } }

    /// Starts writing once a second in the background.
    public func start() {
        let t = Thread { [self] in
            while !lock.withLock({ stopping }) {
                Thread.sleep(forTimeInterval: 1)
                _ = flush(final: false)
            }
            stopped.signal()
        }
        thread = t
        t.start()
    }

    /// Stops the background writer and writes what is left; false when some of it could not be written.
    public func stop() -> Bool {
        if thread != nil {
            lock.withLock { stopping = true }
            stopped.wait()
        }
        return flush(final: true)
    }

    /// Writes the fleet-steps that changed. Before the final write, fleets whose labels are not yet
    /// known (no `running` status seen) wait, so a fleet never gets two series.
    func flush(final: Bool) -> Bool {
        let pending: [(Key, (energy: Double, messages: Int))] = lock.withLock {
            let keys = dirty
            dirty.removeAll()
            return keys.map { ($0, totals[$0]!) } // a key is dirty only once it is in totals
        }
        let known = pending.isEmpty ? [:] : labels()
        var lines: [String] = []
        var written: [Key] = []
        var waiting: [Key] = []
        for (key, t) in pending.sorted(by: { ($0.0.start, $0.0.fleet) < ($1.0.start, $1.0.fleet) }) {
            guard let l = known[key.fleet] ?? (final ? ("", "?", "?", "?") : nil) else {
                waiting.append(key)
                continue
            }
            var w = ByteWriter(capacity: 160)
            // Line protocol has no empty tag value.
            for (k, (name, value)) in [("scenario", l.scenario), ("layer", l.layer), ("district", l.district), ("kind", l.kind), ("fleet", key.fleet)]
                .enumerated()
            {
                w.text(k == 0 ? "urbanwatt_fleet," : ",")
                w.text(name)
                w.text("=")
                w.influxTag(value.isEmpty ? "none" : value)
            }
            w.text(" energy_j="); w.number(t.energy)
            w.text(",messages="); w.integer(t.messages)
            w.text("i "); w.integer(Int(key.start) * 1_000_000_000)
            lines.append(String(decoding: w.bytes, as: UTF8.self))
            written.append(key)
        }
        var ok = true
        var failed: [Key] = []
        for first in stride(from: 0, to: lines.count, by: InfluxWriter.batch) {
            let range = first..<min(lines.count, first + InfluxWriter.batch)
            let slice = lines[range]
            if let error = post(slice.joined(separator: "\n")) {
                ok = false
                lock.withLock {
                    counts.failedRequests += 1
                    counts.lastError = error
                }
                failed += written[range]
            } else {
                lock.withLock { counts.written += slice.count }
            }
        }
        // What could not be written yet stays to be written with the next flush.
        lock.withLock { dirty.formUnion(waiting + failed) }
        return ok
    }

    /// Whether the endpoint takes writes, asked before the stream rather than after it: an empty
    /// write, which InfluxDB 1.x answers 204, or 404 "database not found", 401 without the right
    /// credentials. nil when it does, else why, in one line.
    public func check(timeout: Double = 5) -> String? {
        // InfluxDB 2's 1.x-compatible /write answers an empty write 400 "writing requires points":
        // it took the request, its database is there.
        post("", attempts: 1, timeout: timeout).flatMap { $0.contains("requires points") ? nil : $0 }.map {
            "\(Redaction.url(url.absoluteString)) does not take writes: \($0.split(separator: "\n").joined(separator: " "))"
        }
    }

    /// POSTs `body`, retrying three times (0.5, 1, 2 s) by default; nil on success, else why.
    private func post(_ body: String, attempts: Int = 4, timeout: Double = InfluxWriter.requestTimeout) -> String? {
        var why = ""
        for attempt in 0..<attempts {
            if attempt > 0 { Thread.sleep(forTimeInterval: 0.5 * Double(1 << (attempt - 1))) }
            let limit = min(timeout, deadline.map { $0.timeIntervalSinceNow } ?? .infinity)
            guard limit > 0 else { return why.isEmpty ? "past the listen's --timeout" : why }
            let (status, text) = HTTPPost.send(url, body: Data(body.utf8), headers: ["Content-Type": "text/plain; charset=utf-8"], timeout: limit)
            if (200..<300).contains(status) { return nil }
            why = status == 0 ? text : "HTTP \(status) \(text)"
            // A request InfluxDB refuses as malformed will not succeed on a retry.
            if status == 400 { break }
        }
        return why
    }
}
