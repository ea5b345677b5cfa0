import ArgumentParser
import Foundation
import UrbanWattCore
import UrbanWattResults
import UrbanWattTelemetry

extension UrbanWatt {
    struct Listen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Subscribe to telemetry, aggregate it live, and write listen-summary.json with the same totals a run writes.")

        @OptionGroup var broker: BrokerOptions

        @Option(help: "Topic filter; MQTT 5 shared subscriptions ($share/GROUP/FILTER) split a stream between listeners.")
        var topic: String = "urbanwatt/#"

        @Option(help: "QoS of the subscription.")
        var qos: Int32 = 1

        @Flag(help: "Stop at the next `done` status (a retained one from an earlier run is ignored).")
        var untilDone = false

        @Option(help: "Stop after this many seconds.")
        var timeout: Double?

        @Option(help: "Folder for listen-summary.json.")
        var out: String = "out/listen"

        @Flag(help: "No live table.")
        var quiet = false

        func validate() throws {
            if broker.mqtt == nil { throw ValidationError("--mqtt is required") }
            if !(0...2).contains(qos) { throw ValidationError("--qos expects 0, 1 or 2") }
        }

        func run() throws {
            guard let settings = try broker.settings(defaultClientID: "urbanwatt-listen-\(getpid())") else { return }
            let listener: TelemetryListener
            do {
                listener = try TelemetryListener(settings: settings, filter: topic, qos: qos)
                try listener.start()
            } catch let error as ConnectFailure {
                printError("urbanwatt: \(error)")
                if case .refused = error { throw ExitStatus.noPermission }
                throw ExitStatus.unavailable
            } catch {
                printError("urbanwatt: \(error)")
                throw ExitStatus.unavailable
            }
            Interrupt.install()
            let live = !quiet && isatty(2) == 1
            var lastDraw = Date.distantPast
            let done = listener.wait(untilDone: untilDone, timeout: timeout, shouldStop: Interrupt.requested) {
                guard live, Date().timeIntervalSince(lastDraw) > 0.5 else { return }
                lastDraw = Date()
                FileHandle.standardError.write(Data(("\u{1B}[H\u{1B}[2J" + LiveTable.render(listener.snapshot)).utf8))
            }
            listener.stop()
            let aggregate = listener.snapshot
            do {
                let folder = OutputFolder(path: out)
                try folder.create()
                try folder.write("listen-summary.json", aggregate.summary().serialized())
            } catch {
                printError("urbanwatt: \(error)")
                throw ExitStatus.cannotCreate
            }
            if !quiet { print(LiveTable.render(aggregate), terminator: "") }
            if untilDone && !done {
                printError("urbanwatt: stopped before a `done` status arrived")
                throw Interrupt.requested() ? ExitStatus.interrupted : ExitStatus.unavailable
            }
        }
    }
}

/// The listener's table: messages and energy by layer and fleet.
enum LiveTable {
    static func render(_ a: Aggregator) -> String {
        let s = a.summary()
        var rows = [["layer / fleet", "messages", "energy kWh"]]
        for section in ["by_layer", "by_fleet"] {
            if case .object(let pairs)? = s[section] {
                for (name, v) in pairs { rows.append([name, String(Int(v["messages"]?.doubleValue ?? 0)), SummaryTable.number(v["energy_kwh"]?.doubleValue ?? 0)]) }
            }
        }
        let head = "listening: \(a.messages) messages, \(SummaryTable.number(a.energyKWh)) kWh, \(a.duplicates) duplicates, \(a.gaps) gaps\n"
        return head + SummaryTable.table(rows).joined(separator: "\n") + "\n"
    }
}
