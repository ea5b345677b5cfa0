import Dispatch
import FlyingFox
import Foundation

/// Serves `GET /metrics` (the Prometheus text format from `render`) on a loopback or LAN address
/// while the listener runs; FlyingFox's HTTP server on its own task.
public final class MetricsServer: @unchecked Sendable {
    private let server: HTTPServer
    private var task: Task<Void, any Error>?

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
        server = HTTPServer(address: try .inet(ip4: host, port: port))
        let server = server
        let started = DispatchSemaphore(value: 0)
        let failure = Failure()
        task = Task {
            await server.appendRoute("GET /metrics") { _ in
                HTTPResponse(statusCode: .ok, headers: [.contentType: PrometheusText.contentType], body: Data(render().utf8))
            }
            do {
                try await server.run()
            } catch {
                failure.set(error)
                started.signal()
                throw error
            }
        }
        Task {
            try? await server.waitUntilListening(timeout: 5)
            started.signal()
        }
        started.wait()
        if let error = failure.error { throw error }
    }

    public func stop() {
        let server = server
        let done = DispatchSemaphore(value: 0)
        Task {
            await server.stop(timeout: 1)
            done.signal()
        }
        _ = done.wait(timeout: .now() + 2)
        task?.cancel()
    }

    private final class Failure: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: (any Error)?
        var error: (any Error)? { lock.withLock { stored } }
        func set(_ e: any Error) { lock.withLock { stored = e } }
    }
}
