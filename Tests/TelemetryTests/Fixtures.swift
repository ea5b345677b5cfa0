import Foundation
import TestSupport
import Testing

/// A small city for the broker tests: sensors whose uplink interval does not divide the step,
/// devices, street lights, EV chargers and a data centre, over one day.
let telemetryScenario = """
    urbanwatt: 1
    name: teletown
    seed: 4
    location: {latitude: 51.31, longitude: 9.48, timezone: Europe/Berlin}
    period: {start: 2025-06-01, end: 2025-06-02, step: 15 min}
    profiles:
      evening: {weekday: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.4, 0.6, 0.9, 1.0, 0.9, 0.7, 0.5, 0.3, 0.2]}
    districts: [centre, north]
    fleets:
      - {name: parking, kind: sensor, count: 40, jitter: 10%, radio: {type: lorawan, spreading_factor: {7: 50%, 12: 50%}},
         uplink: {interval: 10 min, payload: 11 B}, via: gw}
      - {name: meters, kind: sensor, district: north, count: 10, radio: {type: nbiot}, uplink: {interval: 1 h, payload: 20 B}, via: gw}
      - {name: gw, kind: gateway, count: 2, power: 3 W, via: dc}
      - {name: dc, kind: datacenter, it_power: 2 kW, pue: 1.5, per_gb: 1 kWh/GB}
      - {name: lights, kind: streetlight, district: north, count: 12, power: 40 W, jitter: 5%}
      - {name: chargers, kind: ev-charger, count: 4, power: 11 kW, standby: 5 W, sessions: {per_day: 3, energy: 10 kWh, profile: evening}}
    """

func writeTelemetryScenario() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("teletown-\(UUID().uuidString).yaml").path
    try telemetryScenario.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

func summary(_ folder: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json"))) as! [String: Any]
}

func energyKWh(_ s: [String: Any]) -> Double { (s["totals"] as! [String: Any])["energy_kwh"] as! Double }
func telemetry(_ s: [String: Any]) -> (published: Int, dropped: Int, generated: Int) {
    let t = s["telemetry"] as! [String: Any]
    func count(_ key: String) -> Int { (t[key] as! NSNumber).intValue }
    return (count("published"), count("dropped"), count("generated"))
}

/// Runs the test scenario against `broker` with `arguments`, stops the broker once the first
/// telemetry message has reached it, for `outage` seconds (the fault under test), and returns the
/// run's exit status, summary and stderr, and whether the run was still going when the broker came
/// back (so the outage fell inside it).
func runThroughAnOutage(_ broker: Broker, _ arguments: [String], outage: Double = 2) throws
    -> (status: Int32, summary: [String: Any], stderr: String, overlapped: Bool)
{
    let out = CLI.temporaryFolder().path
    let run = Process()
    run.executableURL = CLI.binary
    run.arguments = ["run", try writeTelemetryScenario(), "--out", out, "--quiet", "--mqtt", broker.url] + arguments
    let err = PipeText()
    run.standardError = err.pipe
    let stream = try Subscriber.watching(broker)
    try run.run()
    stream.waitForTelemetry()
    let runningAtStop = run.isRunning
    broker.stop()
    Thread.sleep(forTimeInterval: outage)
    try broker.start()
    let runningAtRestart = run.isRunning
    run.waitUntilExit(within: childTimeLimit)
    let stderr = err.finish()
    return (run.terminationStatus, try summary(out), stderr, runningAtStop && runningAtRestart)
}
