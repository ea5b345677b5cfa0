import Foundation
import TestSupport
import Testing

/// Certificates made with openssl for one test: a CA, a server certificate for 127.0.0.1 and a
/// client certificate, plus an unrelated CA.
struct TestPKI {
    let folder: URL
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    init() throws {
        folder = CLI.temporaryFolder()
        let script = """
            set -e
            cd "\(folder.path)"
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=UrbanWatt test CA" 2>/dev/null
            openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.crt -days 2 -subj "/CN=Another CA" 2>/dev/null
            printf "subjectAltName=IP:127.0.0.1,DNS:localhost\\n" > san.ext
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile san.ext 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=urbanwatt" 2>/dev/null
            openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2 2>/dev/null
            chmod 644 *.key   # the broker reads them after dropping root
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        try p.run()
        p.waitUntilExit(within: childTimeLimit)
        guard p.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// A mosquitto that speaks only TLS with the server certificate, and requires a client one.
    func broker() throws -> Broker {
        try Broker(
            listener: """
                allow_anonymous true
                cafile \(path("ca.crt"))
                certfile \(path("server.crt"))
                keyfile \(path("server.key"))
                require_certificate true

                """)
    }
}

@Suite(.serialized) struct TLSTests {
    /// One connection and twenty, all through NIOSSL.
    @Test func mqttsWithTheRightCAAndClientCertificateWorksAndAWrongCAFailsClearly() throws {
        let pki = try TestPKI()
        let broker = try pki.broker()
        defer { broker.stop() }
        let url = "mqtts://127.0.0.1:\(broker.port)"
        let scenario = try writeTelemetryScenario()
        let out = CLI.temporaryFolder().path
        for clients in ["1", "20"] {
            let good = try CLI.run([
                "run", scenario, "--out", out, "--quiet", "--mqtt", url, "--cafile", pki.path("ca.crt"),
                "--cert", pki.path("client.crt"), "--key", pki.path("client.key"), "--qos", "1", "--clients", clients,
            ])
            #expect(good.status == 0, "\(good.stderr)\n\(broker.log)")
            let t = telemetry(try summary(out))
            #expect(t.published == t.generated && t.generated > 7000, "\(clients) clients")
            // Every connection went through TLS with the client's certificate: the broker names each.
            if clients == "20" { #expect(broker.log.contains("-20 (p"), "\(broker.log)") }
            let bad = try CLI.run([
                "run", scenario, "--out", CLI.temporaryFolder().path, "--quiet", "--mqtt", url, "--cafile", pki.path("other-ca.crt"),
                "--cert", pki.path("client.crt"), "--key", pki.path("client.key"), "--reconnect-timeout", "2", "--clients", clients,
            ])
            #expect(bad.status == 69)
            #expect(bad.stderr.contains("TLS"), "\(bad.stderr)")
        }
        // Without its client certificate the broker refuses the handshake, and the error says TLS.
        let anonymous = try CLI.run([
            "run", scenario, "--out", CLI.temporaryFolder().path, "--quiet", "--mqtt", url, "--cafile", pki.path("ca.crt"),
            "--reconnect-timeout", "2", "--clients", "3",
        ])
        #expect(anonymous.status == 69 && anonymous.stderr.contains("TLS"), "\(anonymous.stderr)")
    }

    /// The listener over TLS, through the same pool and NIOSSL as publishing: it hears a whole run
    /// at QoS 2 (the energy to 1e-6, no gaps, no duplicates); with the wrong CA it exits 69, saying TLS.
    @Test func theListenerHearsARunOverTLS() throws {
        let pki = try TestPKI()
        let broker = try pki.broker()
        defer { broker.stop() }
        let tls = [
            "--mqtt", "mqtts://127.0.0.1:\(broker.port)", "--cafile", pki.path("ca.crt"), "--cert", pki.path("client.crt"), "--key", pki.path("client.key"),
        ]
        let listenOut = CLI.temporaryFolder().path
        let listener = try Listener(tls + ["--until-done", "--timeout", "60", "--qos", "2", "--out", listenOut])
        let out = CLI.temporaryFolder().path
        let run = try CLI.run(["run", try writeTelemetryScenario(), "--out", out, "--quiet", "--qos", "2"] + tls)
        #expect(run.status == 0, "\(run.stderr)")
        let (status, stderr) = listener.finish()
        #expect(status == 0, "\(stderr)")
        let heard = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: listenOut + "/listen-summary.json"))) as! [String: Any]
        let total = (heard["totals"] as! [String: Any])["energy_kwh"] as! Double
        #expect(abs(total - energyKWh(try summary(out))) / energyKWh(try summary(out)) < 1e-6)
        let checks = heard["checks"] as! [String: Int]
        #expect(checks["seq_gaps"] == 0 && checks["duplicates"] == 0)

        var wrong = tls
        wrong[3] = pki.path("other-ca.crt")
        let refused = try CLI.run(["listen"] + wrong + ["--timeout", "2", "--quiet", "--out", CLI.temporaryFolder().path])
        #expect(refused.status == 69 && refused.stderr.contains("TLS"), "\(refused.stderr)")
    }
}
