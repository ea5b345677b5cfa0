import Dispatch
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
public import NIOCore

/// Serves `GET /metrics` (the Prometheus text format from `render`) on a loopback or LAN address
/// while the listener runs: Hummingbird's HTTP/1 server on SwiftNIO, on its own task, hardened
/// against a client that would starve it. Headers are limited (8 KiB a field, 16 KiB in all, 100
/// fields: two requests with 1 MB headers pinned both cores of the server this replaced), an idle
/// connection is closed after `idleTimeout`, and at most `maximumConnections` are open at once, so
/// idle clients cannot exhaust the open-files limit and stop the accept loop.
///
/// `@unchecked Sendable`: `task` is set by `init` and cleared by `stop`, both on the owner's thread;
/// the server runs in that task.
public final class MetricsServer: @unchecked Sendable {
    private var task: Task<Void, any Error>?
    public static let idleTimeout: TimeAmount = .seconds(10)
    public static let maximumConnections = 64
    /// The server's own log lines (started, shut down) would interleave with the live table.
    static let quiet: Logger = {
        var logger = Logger(label: "urbanwatt.metrics")
        logger.logLevel = .critical
        return logger
    }()

    /// "127.0.0.1:9464" → (host, port), or why not: an IPv4 address (or `localhost`) and a port from 1 to 65535.
    public static func parse(_ text: String) -> Result<(host: String, port: UInt16), AddressError> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let port = UInt16(parts[1]), port > 0 else {
            return .failure(AddressError(description: "expected HOST:PORT such as 127.0.0.1:9464, got \"\(text.prefix(80))\""))
        }
        let host = parts[0] == "localhost" ? "127.0.0.1" : String(parts[0])
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil && ($0.count == 1 || !$0.hasPrefix("0")) }) else {
            return .failure(AddressError(description: "expected an IPv4 address such as 127.0.0.1 before the port, got \"\(host.prefix(80))\""))
        }
        return .success((host, port))
    }

    public struct AddressError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts serving and returns once the socket listens; throws when it cannot (address in use).
    public init(host: String, port: UInt16, render: @escaping @Sendable () -> String) throws {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: PrometheusText.contentType], body: .init(byteBuffer: ByteBuffer(string: render())))
        }
        let started = DispatchSemaphore(value: 0)
        let failure = Failure()
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(maxHeaderFieldSize: 8 * 1024, maxHeaderListSize: 16 * 1024, maxHeaderFieldCount: 100)
        let app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: Self.idleTimeout, httpDecoderConfiguration: decoder)),
            configuration: .init(
                address: .hostname(host, port: Int(port)), serverName: "urbanwatt",
                availableConnectionsDelegate: MaximumAvailableConnections(Self.maximumConnections)),
            onServerRunning: { _ in started.signal() },
            logger: Self.quiet)
        task = Task {
            do {
                try await app.runService(gracefulShutdownSignals: [])
            } catch {
                failure.set(error)
                started.signal()
                throw error
            }
        }
        guard started.wait(timeout: .now() + 10) == .success else { throw Failure.NotListening() }
        if let error = failure.error { throw error }
    }

    /// Stops serving: the task's cancellation shuts the server down gracefully.
    public func stop() {
        task?.cancel()
        task = nil
    }

    /// `@unchecked Sendable`: `lock` guards the error the server task stores and `init` reads.
    private final class Failure: @unchecked Sendable {
        struct NotListening: Error, CustomStringConvertible {
            var description: String { "the server did not start listening within 10 s" }
        }
        private let lock = NSLock()
        private var stored: (any Error)?
        var error: (any Error)? { lock.withLock { stored } }
        func set(_ e: any Error) { lock.withLock { stored = e } }
    }
}
