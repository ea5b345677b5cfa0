import UrbanWattCore

/// What a run knows besides the simulation: version, wall time, telemetry counters.
public struct RunInfo: Sendable {
    public var version: String
    public var wallSeconds: Double
    /// Telemetry messages generated, acknowledged by the broker, and dropped by flow control.
    public var generated: Int
    public var published: Int
    public var dropped: Int
    /// MQTT connections the telemetry used, and the seconds it took to open them (0, nil: none).
    public var clients = 0
    public var connectSeconds: Double?
    /// The `uncertainty` section of a `--runs` run.
    public var uncertainty: JSONValue?
    /// Stopped before all it was asked to do (Ctrl-C during the Monte Carlo runs).
    public var interrupted = false

    public init(version: String = UrbanWattVersion.current, wallSeconds: Double, generated: Int = 0, published: Int = 0, dropped: Int = 0,
                uncertainty: JSONValue? = nil) {
        self.version = version
        self.wallSeconds = wallSeconds
        self.generated = generated
        self.published = published
        self.dropped = dropped
        self.uncertainty = uncertainty
    }
}

/// Builds `summary.json` with its keys in the contract's order.
public enum SummaryBuilder {
    public static func summary(_ b: Breakdown, run: RunInfo) -> JSONValue {
        let r = b.result
        let s = r.scenario
        /// Energy, peak, and the carbon and cost of that energy (null when the grid does not give them).
        func energyPeak(_ g: Breakdown.Group, _ span: Breakdown.Span) -> [(String, JSONValue)] {
            [("energy_kwh", .number(b.kWh(g, span))), ("peak_kw", .number(b.peak(g, span).kW))] + carbonCost(g, span)
        }
        func carbonCost(_ g: Breakdown.Group, _ span: Breakdown.Span) -> [(String, JSONValue)] {
            [("co2_kg", b.co2(g, span).map(JSONValue.number) ?? .null), ("cost", b.cost(g, span).map(JSONValue.number) ?? .null)]
        }
        let totalPeak = b.peak(.total)
        var totals: [(String, JSONValue)] = [
            ("energy_kwh", .number(b.kWh(.total))),
            ("peak_kw", .number(totalPeak.kW)),
            ("peak_at", b.steps > 0 ? .string(isoUTC(r.clock.time(totalPeak.step))) : .null),
        ]
        totals.append(("co2_kg", b.co2(.total).map(JSONValue.number) ?? .null))
        totals.append(("cost", b.cost(.total).map(JSONValue.number) ?? .null))
        totals.append(("currency", s.grid.currency.map(JSONValue.string) ?? .null))

        let byLayer = JSONValue.object(Layer.allCases.map { ($0.rawValue, .object(energyPeak(.layer($0), .all))) })
        let byKind = JSONValue.object(FleetKind.allCases.filter { k in s.fleets.contains { $0.kind == k } }.map { k in
            (k.rawValue, .object(energyPeak(.kind(k), .all)))
        })
        let byDistrict = JSONValue.object(s.districts.map { ($0, .object(energyPeak(.district($0), .all))) })
        let byFleet = JSONValue.object(s.fleets.enumerated().map { i, fleet in
            var fields = energyPeak(.fleet(i), .all)
            fields += [
                ("kind", .string(fleet.kind.rawValue)),
                ("layer", .string(fleet.layer.rawValue)),
                ("district", .string(fleet.district)),
                ("nodes", .integer(b.nodes(fleet: i))),
                ("messages", .integer(b.messages(fleet: i))),
                ("bytes", .integer(b.bytes(fleet: i))),
            ]
            let lives = r.batteryLives[i]
            if let mean = lives.mean, let p5 = lives.percentile(5) {
                // The mean hides the nodes that die first: the shortest life and the 5th percentile too.
                let year = 365.25 * 86_400
                fields.append(("battery_life_years", .object([
                    ("min", .number(lives.minimum / year)), ("p5", .number(p5 / year)), ("mean", .number(mean / year)),
                ])))
            }
            if fleet.replaces != nil { fields.append(("baseline_kwh", .number(b.kWh(.baseline(i))))) }
            return (fleet.name, .object(fields))
        })
        let byYear = JSONValue.object(b.years.map { year, span in
            var fields = energyPeak(.total, span)
            fields.append(("by_layer", .object(Layer.allCases.map {
                ($0.rawValue, .object([("energy_kwh", .number(b.kWh(.layer($0), span)))] + carbonCost(.layer($0), span)))
            })))
            return (String(year), .object(fields))
        })
        let bal = b.balance
        var balanceFields: [(String, JSONValue)] = [
            ("baseline_kwh", .number(bal.baseline)), ("savings_kwh", .number(bal.savings)),
            ("ict_overhead_kwh", .number(bal.ict)), ("net_kwh", .number(bal.net)),
        ]
        for (suffix, value) in [("co2_kg", b.balanceCO2), ("cost", b.balanceCost)] {
            balanceFields += [
                ("baseline_\(suffix)", value.map { .number($0.baseline) } ?? .null), ("savings_\(suffix)", value.map { .number($0.savings) } ?? .null),
                ("ict_overhead_\(suffix)", value.map { .number($0.ict) } ?? .null), ("net_\(suffix)", value.map { .number($0.net) } ?? .null),
            ]
        }
        let balance = JSONValue.object(balanceFields)
        // Every coefficient with its value, unit and source (a docs/sources.md key, or "scenario").
        func item(_ a: Assumption) -> JSONValue {
            .object([("key", .string(a.key)), ("value", .number(a.value)), ("unit", .string(a.unit)), ("source", .string(a.source))])
        }
        var grid: [Assumption] = []
        if let c = b.meanCarbon { grid.append(Assumption("carbon_intensity", c, "g/kWh (mean over the period)", "scenario")) }
        if let p = b.meanPrice { grid.append(Assumption("price", p, "\(s.grid.currency ?? "")/kWh (mean over the period)", "scenario")) }
        let assumptions = JSONValue.object([("grid", .array(grid.map(item)))] + s.fleets.map { f in
            (f.name, .array(f.model.assumptions(given: f.given).map(item)))
        })
        var sections: [(String, JSONValue)] = [
            ("urbanwatt_version", .string(run.version)),
            ("scenario", .string(s.name)),
            ("seed", .seed(s.seed)),
            ("period", .object([
                ("start", .string(s.start.description)), ("end", .string(s.end.description)),
                ("step_s", .integer(Int(r.clock.step))), ("steps", .integer(r.clock.count)),
            ])),
            ("complete", .bool(r.complete && !run.interrupted)),
            ("totals", .object(totals)),
            ("by_layer", byLayer),
            ("by_kind", byKind),
            ("by_district", byDistrict),
            ("by_fleet", byFleet),
            ("by_year", byYear),
            ("balance", balance),
            ("assumptions", assumptions),
            ("telemetry", .object([
                ("generated", .integer(run.generated)), ("published", .integer(run.published)), ("dropped", .integer(run.dropped)),
            ] + (run.clients > 0 ? [
                ("clients", .integer(run.clients)), ("connect_s", .number(((run.connectSeconds ?? 0) * 1000).rounded() / 1000)),
            ] : []))),
        ]
        if let u = run.uncertainty { sections.append(("uncertainty", u)) }
        sections.append(
            ("run", .object([
                ("wall_s", .number((run.wallSeconds * 1000).rounded() / 1000)),
                ("node_steps", .integer(r.nodeSteps)),
                ("shard", .string(r.shard.description)),
            ])))
        return .object(sections)
    }
}
