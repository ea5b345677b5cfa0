import Foundation
import TestSupport
import Testing

/// The red team's findings of issue 22 that are about what a command echoes or accepts, each kept
/// fixed by a test.
@Suite struct RedTeamTests {
    static let secret = "s3cr3t-Pa55"

    /// A file that is not a scenario, named by `extends` or given directly, is refused at its first
    /// line and none of it is printed.
    @Test func aFileThatIsNotAScenarioIsNeverQuoted() throws {
        let (dir, _) = try CLI.scenario("")
        let shadow = dir.appendingPathComponent("shadow").path
        try "root:$6$\(Self.secret):19000:0:99999:7:::\nuser:x:1000\n".write(toFile: shadow, atomically: true, encoding: .utf8)
        let child = dir.appendingPathComponent("child.yaml").path
        try "urbanwatt: 1\nname: child\nextends: \(shadow)\n".write(toFile: child, atomically: true, encoding: .utf8)
        for file in [child, shadow] {
            let r = try CLI.run(["validate", file])
            #expect(r.status == 65, "\(r.stderr)")
            #expect(r.stderr.contains("\(shadow):1:1: error: not an UrbanWatt scenario"), "\(r.stderr)")
            #expect(!(r.stdout + r.stderr).contains(Self.secret) && !(r.stdout + r.stderr).contains("root"), "\(r.stderr)")
        }
    }

    @Test func aPasswordInAURLIsNeverPrinted() throws {
        let mqtt = try CLI.run(["run", "--mqtt", "mqtt://user:\(Self.secret)@127.0.0.1", "--quiet"])
        #expect(mqtt.status == 64, "\(mqtt.stderr)")
        #expect(mqtt.stderr.contains("mqtt://user:***@127.0.0.1") && !mqtt.stderr.contains(Self.secret), "\(mqtt.stderr)")
        let influx = try CLI.run(["listen", "--mqtt", "mqtt://127.0.0.1:9", "--influx", "ftp://u:\(Self.secret)@h/write?db=x&p=\(Self.secret)"])
        #expect(influx.status == 64, "\(influx.stderr)")
        #expect(!influx.stderr.contains(Self.secret), "\(influx.stderr)")
    }

    @Test(arguments: ["nan", "inf", "1e308", "-0.1", "1.5"])
    func aToleranceThatCannotFailIsRefused(value: String) throws {
        let r = try CLI.run(["check", "--tolerance=\(value)"])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("--tolerance expects a relative tolerance from 0 to 1"), "\(r.stderr)")
    }
}
