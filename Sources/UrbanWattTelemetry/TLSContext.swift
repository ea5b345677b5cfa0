import NIOCore
import NIOSSL

/// `mqtts://` for the pool: NIOSSL's client context from `--cafile` (else the system's roots),
/// `--cert` and `--key`, made once for all connections.
enum TLSContext {
    static func make(_ settings: MQTTSettings) throws(ConnectFailure) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        do {
            if let ca = settings.caFile { configuration.trustRoots = .file(ca) }
            if let cert = settings.certFile {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
            }
            if let key = settings.keyFile { configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)) }
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .unavailable("cannot set up TLS for \(settings.url): \(error)")
        }
    }

    /// True when `host` is an IPv4 or IPv6 address, which TLS may not name in SNI.
    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
