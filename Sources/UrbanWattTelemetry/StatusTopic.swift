import UrbanWattCore

/// The retained status of a run, `urbanwatt/{scenario}/status`: `running` on connect (with the fleets,
/// so listeners can place every node), `done` with the totals, `interrupted`, and `offline` as the
/// last will.
public enum StatusTopic {
    public static func topic(_ scenario: String) -> String { "urbanwatt/\(scenario)/status" }
    public static let filter = "urbanwatt/+/status"

    public static func running(_ s: Scenario, config: TelemetryConfig) -> String {
        JSONValue.object([
            ("state", .string("running")),
            ("scenario", .string(s.name)),
            ("seed", .integer(Int(truncatingIfNeeded: s.seed))),
            ("start", .string(s.start.description)),
            ("end", .string(s.end.description)),
            ("telemetry", .string(config.mode.rawValue)),
            ("payload", .string(config.format.rawValue)),
            ("fleets", .object(s.fleets.map { f in
                (f.name, .object([("kind", .string(f.kind.rawValue)), ("layer", .string(f.layer.rawValue)), ("district", .string(f.district))]))
            })),
        ]).compact()
    }

    public static func done(_ s: Scenario, totals: JSONValue?, published: Int, dropped: Int, state: String = "done") -> String {
        var fields: [(String, JSONValue)] = [("state", .string(state)), ("scenario", .string(s.name))]
        if let totals { fields.append(("totals", totals)) }
        fields += [("published", .integer(published)), ("dropped", .integer(dropped))]
        return JSONValue.object(fields).compact()
    }

    public static let offline = "{\"state\":\"offline\"}"
}
