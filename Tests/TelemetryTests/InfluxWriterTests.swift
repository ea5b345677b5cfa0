import Foundation
import TestSupport
import Testing
import UrbanWattCore
@testable import UrbanWattTelemetry

/// `listen --influx`: a run streams through a real mosquitto, the listener writes per-fleet, per-step
/// aggregates to a real InfluxDB, and InfluxDB sums them back to the run's energies and messages.
@Suite(.serialized) struct InfluxWriterTests {
    @Test func aRealInfluxDBHoldsTheRunPerFleetAndStep() throws {
        let broker = try Broker()
        defer { broker.stop() }
        let db = try LocalService.influxDB()
        defer { db.stop() }
        let listener = try Listener([
            "--mqtt", broker.url, "--until-done", "--timeout", "60", "--influx", "http://127.0.0.1:\(db.port)/write?db=urbanwatt",
            "--out", CLI.temporaryFolder().path,
        ])
        let (s, l) = try streamThrough(broker, to: listener)
        #expect(l.status == 0, "\(l.stderr)")

        func rows(_ q: String) throws -> [(tag: String, values: [Double])] {
            let answer = try JSONParser.parse(try db.http("POST", "query", form: [("q", q), ("db", "urbanwatt")]))
            guard case .array(let results)? = answer["results"], case .array(let series)? = results.first?["series"] else { return [] }
            return series.compactMap { one in
                guard case .array(let values)? = one["values"], case .array(let row)? = values.first else { return nil }
                return (one["tags"]?["fleet"]?.stringValue ?? "", row.dropFirst().compactMap(\.doubleValue))
            }
        }
        let fleets = s["by_fleet"] as! [String: [String: Any]]
        let perFleet = try rows("SELECT sum(energy_j), sum(messages), count(energy_j) FROM urbanwatt_fleet GROUP BY fleet")
        #expect(perFleet.count == fleets.count)
        var messages = 0.0
        for (fleet, v) in perFleet {
            let kWh = fleets[fleet]!["energy_kwh"] as! Double
            #expect(abs(v[0] / 3.6e6 - kWh) <= 1e-9 * kWh, "\(fleet): InfluxDB \(v[0] / 3.6e6) kWh, run \(kWh) kWh")
            // One point per fleet and 15-minute step of the day (plus the last messages at midnight).
            #expect(v[2] >= 1 && v[2] <= 97, "\(fleet): \(v[2]) points")
            messages += v[1]
        }
        #expect(Int(messages) == telemetry(s).published)
        // Tags from the run's `running` status.
        #expect(try rows("SELECT count(energy_j) FROM urbanwatt_fleet WHERE district = 'north' GROUP BY fleet").map(\.tag).sorted() == ["lights", "meters"])
        #expect(l.stderr.contains("aggregate lines written to InfluxDB"))
    }

    /// A database that is not there, a closed port and a server that never answers are found before
    /// the stream, not after it: exit 69 with one line saying why, within the check's 5 s.
    @Test func aMissingDatabaseFailsAtTheStart() throws {
        let broker = try Broker()
        defer { broker.stop() }
        let db = try LocalService.influxDB()
        defer { db.stop() }
        let missing = try CLI.run([
            "listen", "--mqtt", broker.url, "--timeout", "60", "--influx", "http://127.0.0.1:\(db.port)/write?db=nosuchdb",
            "--out", CLI.temporaryFolder().path,
        ])
        #expect(missing.status == 69, "\(missing.stderr)")
        #expect(
            missing.stderr.contains("--influx: http://127.0.0.1:\(db.port)/write?db=nosuchdb does not take writes: HTTP 404")
                && missing.stderr.contains("database not found"), "\(missing.stderr)")
        #expect(missing.stderr.split(separator: "\n").count == 1, "one line: \(missing.stderr)")
        #expect(!missing.stderr.contains("listening on"), "it fails before subscribing")
        let closed = try CLI.run([
            "listen", "--mqtt", broker.url, "--timeout", "60", "--influx", "http://127.0.0.1:\(Broker.freePort())/write?db=x",
            "--out", CLI.temporaryFolder().path,
        ])
        #expect(closed.status == 69 && closed.stderr.contains("does not take writes"), "\(closed.stderr)")
    }

    /// A database that goes away during the stream: every later write fails after its retries, and
    /// listen says so at the end with exit 69.
    @Test func anInfluxDBLostDuringTheStreamIsNotSilent() throws {
        let broker = try Broker()
        defer { broker.stop() }
        let db = try LocalService.influxDB()
        let listener = try Listener([
            "--mqtt", broker.url, "--until-done", "--timeout", "60", "--influx", "http://127.0.0.1:\(db.port)/write?db=urbanwatt",
            "--out", CLI.temporaryFolder().path,
        ])
        db.stop()
        let r = try CLI.run(["run", try writeTelemetryScenario(), "--mqtt", broker.url, "--qos", "1", "--out", CLI.temporaryFolder().path, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let l = listener.finish()
        #expect(l.status == 69 && l.stderr.contains("writes failed after retries"), "\(l.stderr)")
    }

    /// A server that accepts the connection and never answers (a socket listening, never read):
    /// the start's check gives up after 5 s.
    @Test func anInfluxDBThatNeverAnswersFailsAtTheStart() throws {
        let broker = try Broker()
        defer { broker.stop() }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        #expect(listen(fd, 64) == 0)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let started = Date()
        let l = try CLI.run([
            "listen", "--mqtt", broker.url, "--timeout", "30", "--influx", "http://127.0.0.1:\(port)/write?db=x",
            "--out", CLI.temporaryFolder().path + "/l",
        ])
        #expect(Date().timeIntervalSince(started) < 5 + 3, "\(l.stderr)")
        #expect(l.status == 69 && l.stderr.contains("no answer within 5 s"), "\(l.stderr)")
    }
}
