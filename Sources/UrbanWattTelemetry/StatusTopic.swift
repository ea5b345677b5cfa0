package import UrbanWattCore
package import UrbanWattResults

/// The retained status of a run, `urbanwatt/{scenario}/status`: `running` on connect (with the fleets,
/// so listeners can place every node), `done` with the totals, `interrupted`, and `offline` as the
/// last will.
package enum StatusTopic {
    package static func topic(_ scenario: String) -> String { "urbanwatt/\(scenario)/status" }
    package static let filter = "urbanwatt/+/status"

    package static func running(_ s: Scenario, config: TelemetryConfig, runID: String) -> String {
        JSONValue.object([
            ("state", .string("running")),
            ("scenario", .string(s.name)),
            ("run_id", .string(runID)),
            ("seed", .seed(s.seed)),
            ("start", .string(s.start.description)),
            ("end", .string(s.end.description)),
            ("step_s", .integer(Int(s.step))),
            ("telemetry", .string(config.mode.rawValue)),
            ("payload", .string(config.format.rawValue)),
            // The topic level that names each message's district, for a listener to place a fleet
            // that moves (absent when the topics do not name it).
            ("district_level", config.topic.districtLevel.map(JSONValue.integer) ?? .null),
            (
                "fleets",
                .object(
                    s.fleets.map { f in
                        (
                            f.name,
                            .object(
                                [("kind", .string(f.kind.rawValue)), ("layer", .string(f.layer.rawValue)), ("district", .string(f.districtLabel))]
                                    + (f.presence.map { [("districts", .array($0.districts.map(JSONValue.string)))] } ?? []))
                        )
                    })
            ),
        ]).compact()
    }

    /// `done` or `interrupted`, with the run id of `running`, the totals, the balance, the message
    /// counts and the messages generated per fleet (a listener counts those it never got as gaps).
    package static func done(
        _ s: Scenario, runID: String, totals: RunSummary.Totals?, balance: RunSummary.Balance? = nil, counts: TelemetrySession.Counts,
        messagesByFleet: [Int] = [], state: String = "done"
    ) -> String {
        var fields: [(String, JSONValue)] = [("state", .string(state)), ("scenario", .string(s.name)), ("run_id", .string(runID))]
        if let totals { fields.append(("totals", totals.json())) }
        if let balance { fields.append(("balance", balance.json())) }
        fields += [("generated", .integer(counts.generated)), ("published", .integer(counts.published)), ("dropped", .integer(counts.dropped))]
        if messagesByFleet.count == s.fleets.count {
            fields.append(("messages_by_fleet", .object(zip(s.fleets, messagesByFleet).map { ($0.name, .integer($1)) })))
        }
        return JSONValue.object(fields).compact()
    }

    /// The last will: the broker publishes it when the run's connection dies without a word (kill -9,
    /// out of memory, a lost host), and a listener following that run ends on it.
    package static func offline(runID: String) -> String { "{\"state\":\"offline\",\"run_id\":\"\(runID)\"}" }
}
