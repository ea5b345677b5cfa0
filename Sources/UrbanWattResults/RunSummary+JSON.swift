public import UrbanWattCore

/// `summary.json` and back: the only place that knows its keys. The writing side keeps the
/// contract's key order byte for byte (the goldens check it); the reading side (`compare`, the
/// listener's `done` status) names the key and what it found when a file is not a summary.
extension RunSummary {
    public func json() -> JSONValue {
        var sections: [(String, JSONValue)] = [
            ("urbanwatt_version", .string(version)),
            ("scenario", .string(scenario)),
            ("seed", .seed(seed)),
            (
                "period",
                .object([
                    ("start", .string(period.start)), ("end", .string(period.end)),
                    ("step_s", .integer(period.stepSeconds)), ("steps", .integer(period.steps)),
                ])
            ),
            ("complete", .bool(complete)),
            ("totals", totals.json()),
            ("by_layer", .object(byLayer.map { ($0.name, $0.value.json()) })),
            ("by_kind", .object(byKind.map { ($0.name, $0.value.json()) })),
            ("by_district", .object(byDistrict.map { ($0.name, $0.value.json()) })),
            ("by_fleet", .object(byFleet.map { ($0.name, $0.json()) })),
            (
                "by_year",
                .object(
                    byYear.map { y in
                        (
                            String(y.year),
                            .object(
                                y.figures.fields() + [
                                    ("by_layer", .object(y.byLayer.map { ($0.name, $0.value.json()) })), ("balance", y.balance.json()),
                                ] + (y.co2Views.isEmpty ? [] : [("co2_views", CarbonView.json(y.co2Views))])
                                    + (lifecycle?.byYear.first { $0.name == String(y.year) }.map { [("lifecycle", .object($0.value.fields()))] } ?? []))
                        )
                    })
            ),
            ("ict", ict.json()),
        ]
        if let lifecycle { sections.append(("lifecycle", lifecycle.json())) }
        if !payback.isEmpty { sections.append(("payback", .object(payback.map { ($0.name, $0.value.json()) }))) }
        if !sci.isEmpty { sections.append(("sci", .object(sci.map { ($0.name, $0.value.json()) }))) }
        if !co2Views.isEmpty { sections.append(("co2_views", CarbonView.json(co2Views))) }
        // Indirect effects, in a scenario that declares any: each, and their savings by carrier.
        if !effects.isEmpty {
            sections.append(("effects", .object(effects.map { ($0.name, $0.value.json()) })))
        }
        sections += [
            (
                "balance",
                .object(
                    balance.fields() + [
                        ("by_fleet", .object(balanceByFleet.map { ($0.name, $0.value.json()) })),
                        ("by_district", .object(balanceByDistrict.map { ($0.name, $0.value.json()) })),
                        ("by_carrier", .object(byCarrier.map { ($0.name, $0.value.json()) })),
                    ])
            ),
            (
                "assumptions",
                .object(
                    assumptions.map { group in
                        (
                            group.name,
                            .array(
                                group.value.map { a in
                                    .object([("key", .string(a.key)), ("value", .number(a.value)), ("unit", .string(a.unit)), ("source", .string(a.source))])
                                })
                        )
                    })
            ),
            (
                "telemetry",
                .object(
                    [
                        ("generated", .integer(telemetry.generated)), ("published", .integer(telemetry.published)), ("dropped", .integer(telemetry.dropped)),
                    ]
                        + (telemetry.clients > 0
                            ? [
                                ("clients", .integer(telemetry.clients)), ("connect_s", .number(((telemetry.connectSeconds ?? 0) * 1000).rounded() / 1000)),
                            ] : []))
            ),
        ]
        if let uncertainty { sections.append(("uncertainty", uncertainty.json())) }
        sections.append(
            (
                "run",
                .object([
                    ("wall_s", .number((run.wallSeconds * 1000).rounded() / 1000)),
                    ("node_steps", .integer(run.nodeSteps)),
                    ("shard", .string(run.shard)),
                ])
            ))
        return .object(sections)
    }

    /// Reads a summary written by `json()`; the error names the key and what it found.
    public init(json: JSONValue) throws(JSONReader.Failure) {
        do {
            try self.init(reading: JSONReader(json))
        } catch let failure as JSONReader.Failure {
            throw failure
        } catch {
            throw JSONReader.Failure(path: "", expected: "a summary", found: "\(error)")
        }
    }

    private init(reading r: JSONReader) throws {
        version = try r.string("urbanwatt_version")
        scenario = try r.string("scenario")
        seed = try r.seed("seed")
        let p = try r.object("period")
        period = Period(start: try p.string("start"), end: try p.string("end"), stepSeconds: try p.int("step_s"), steps: try p.int("steps"))
        complete = try r.bool("complete")
        totals = try Totals(try r.object("totals"))
        byLayer = try r.object("by_layer").entries { Named(name: $0, value: try Figures($1)) }
        byKind = try r.object("by_kind").entries { Named(name: $0, value: try Figures($1)) }
        byDistrict = try r.object("by_district").entries { Named(name: $0, value: try Figures($1)) }
        byFleet = try r.object("by_fleet").entries { name, f in
            var battery: (min: Double, p5: Double, mean: Double)?
            if let life = try f.optionalObject("battery_life_years") { battery = (try life.double("min"), try life.double("p5"), try life.double("mean")) }
            return Fleet(
                name: name, figures: try Figures(f), kind: try f.string("kind"), layer: try f.string("layer"), district: try f.string("district"),
                nodes: try f.int("nodes"), uplinks: try f.optionalInt("uplinks") ?? f.int("messages"), bytes: try f.int("bytes"),
                batteryLifeYears: battery,
                baselineKWh: try f.optionalDouble("baseline_kwh"))
        }
        byYear = try r.object("by_year").entries { year, y in
            guard let number = Int(year) else { throw y.failure(expected: "a calendar year as its key", found: year) }
            // Summaries written before the yearly balance have none: zeros stand in.
            let balance = try y.optionalObject("balance").map { try Balance($0) }
            return Year(
                year: number, figures: try Figures(y), byLayer: try y.object("by_layer").entries { Named(name: $0, value: try Amount($1)) },
                balance: balance ?? Balance(kWh: .zero, co2Kg: nil, cost: nil), co2Views: try CarbonView.read(y.optionalObject("co2_views")))
        }
        ict =
            try r.optionalObject("ict").map { try ICT($0) }
            ?? ICT(
                total: RunSummary.Amount(energyKWh: 0, co2Kg: nil, cost: nil), byLayer: [], byKind: [],
                byDistrict: [], byFleet: [], byYear: [], excluded: [])
        lifecycle = try r.optionalObject("lifecycle").map { try LifeCycle($0) }
        payback = try r.optionalObject("payback")?.entries { Named(name: $0, value: try Payback($1)) } ?? []
        sci = try r.optionalObject("sci")?.entries { Named(name: $0, value: try FleetSCI($1)) } ?? []
        co2Views = try CarbonView.read(r.optionalObject("co2_views"))
        if lifecycle != nil {
            lifecycle?.byYear = try r.object("by_year").entries { year, y in
                Named(name: year, value: try y.optionalObject("lifecycle").map { try LifeCycleFigures($0) } ?? LifeCycleFigures())
            }
        }
        let b = try r.object("balance")
        balance = try Balance(b)
        balanceByFleet = try b.optionalObject("by_fleet")?.entries { Named(name: $0, value: try Balance($1)) } ?? []
        balanceByDistrict = try b.optionalObject("by_district")?.entries { Named(name: $0, value: try Balance($1)) } ?? []
        effects = try r.optionalObject("effects")?.entries { Named(name: $0, value: try CarrierSaving($1)) } ?? []
        // Summaries written before the carriers' balance have none, or the effects' sums by carrier
        // (with `carrier` and no `used`): neither is a balance by carrier.
        byCarrier =
            try b.optionalObject("by_carrier")?.entries { name, c in
                c.has("used") || !c.has("carrier") ? Named(name: name, value: try CarrierBalance(c)) : nil
            }.compactMap { $0 } ?? []
        // The figures above are what a summary is read for (`compare`); what follows is read where
        // it can be, so that a summary of an earlier version (without redraw_share, say) still compares.
        assumptions =
            (try? r.object("assumptions").entries { group, list in
                Named(
                    name: group,
                    value: try list.items { a in
                        Assumption(try a.string("key"), try a.double("value"), try a.string("unit"), try a.string("source"))
                    })
            }) ?? []
        let t = try? r.object("telemetry")
        telemetry = Telemetry(
            generated: (try? t?.int("generated")) ?? 0, published: (try? t?.int("published")) ?? 0,
            dropped: (try? t?.int("dropped")) ?? 0, clients: (try? t?.optionalInt("clients")) ?? 0,
            connectSeconds: (try? t?.optionalDouble("connect_s")) ?? nil)
        uncertainty = (try? r.optionalObject("uncertainty")).flatMap { u in u.flatMap { try? Uncertainty($0) } }
        let facts = try? r.object("run")
        run = RunFacts(
            wallSeconds: (try? facts?.double("wall_s")) ?? 0, nodeSteps: (try? facts?.int("node_steps")) ?? 0,
            shard: (try? facts?.string("shard")) ?? "1/1")
    }
}

extension RunSummary.Figures {
    func fields() -> [(String, JSONValue)] {
        [("energy_kwh", .number(energyKWh)), ("peak_kw", .number(peakKW)), ("co2_kg", .optional(co2Kg)), ("cost", .optional(cost))]
    }

    func json() -> JSONValue { .object(fields()) }

    init(_ r: JSONReader) throws {
        self.init(
            energyKWh: try r.figure("energy_kwh"), peakKW: try r.figure("peak_kw"), co2Kg: try r.optionalDouble("co2_kg"), cost: try r.optionalDouble("cost"))
    }
}

extension RunSummary.Amount {
    func fields() -> [(String, JSONValue)] { [("energy_kwh", .number(energyKWh)), ("co2_kg", .optional(co2Kg)), ("cost", .optional(cost))] }

    func json() -> JSONValue { .object(fields()) }

    init(_ r: JSONReader) throws {
        self.init(energyKWh: try r.figure("energy_kwh"), co2Kg: try r.optionalDouble("co2_kg"), cost: try r.optionalDouble("cost"))
    }
}

extension RunSummary.Totals {
    public func json() -> JSONValue {
        .object([
            ("energy_kwh", .number(energyKWh)), ("peak_kw", .number(peakKW)), ("peak_at", peakAt.map(JSONValue.string) ?? .null),
            ("co2_kg", .optional(co2Kg)), ("cost", .optional(cost)), ("currency", currency.map(JSONValue.string) ?? .null),
        ])
    }

    public init(_ r: JSONReader) throws {
        self.init(
            energyKWh: try r.figure("energy_kwh"), peakKW: try r.figure("peak_kw"), peakAt: try r.optionalString("peak_at"),
            co2Kg: try r.optionalDouble("co2_kg"), cost: try r.optionalDouble("cost"), currency: try r.optionalString("currency"))
    }
}

extension RunSummary.Fleet {
    func json() -> JSONValue {
        var fields =
            figures.fields() + [
                ("kind", .string(kind)), ("layer", .string(layer)), ("district", .string(district)),
                ("nodes", .integer(nodes)), ("uplinks", .integer(uplinks)), ("bytes", .integer(bytes)),
            ]
        if let life = batteryLifeYears {
            fields.append(("battery_life_years", .object([("min", .number(life.min)), ("p5", .number(life.p5)), ("mean", .number(life.mean))])))
        }
        if let baselineKWh { fields.append(("baseline_kwh", .number(baselineKWh))) }
        return .object(fields)
    }
}

extension RunSummary.Balance {
    /// The measures and units of the balance's keys, in the contract's order: `savings_ict_co2_kg`.
    public static let measures = [
        "baseline", "savings_efficiency", "savings_ict", "savings", "rebound", "rebound_ict", "ict_overhead", "net",
        "net_with_efficiency",
    ]
    static let units = ["kwh", "co2_kg", "cost"]

    func fields() -> [(String, JSONValue)] {
        zip(Self.units, [kWh, co2Kg, cost]).flatMap { unit, parts in
            Self.measures.map { m in ("\(m)_\(unit)", .optional(parts.map { $0.value(m) })) }
        }
    }

    public func json() -> JSONValue { .object(fields()) }

    public init(_ r: JSONReader) throws {
        /// Every part in `unit`, or nil when one is null (a grid without carbon or price). The
        /// rebound, new in 0.9, is 0 in a summary without it.
        func parts(_ unit: String) throws -> RunSummary.Parts? {
            var v: [Double] = []
            for m in Self.measures {
                let key = "\(m)_\(unit)"
                if m.hasPrefix("rebound"), r.value[key] == nil { v.append(0); continue }
                guard let x = try r.optionalDouble(key) else { return nil }
                v.append(x)
            }
            return RunSummary.Parts(
                baseline: v[0], savingsEfficiency: v[1], savingsICT: v[2], savings: v[3], rebound: v[4], reboundICT: v[5],
                ictOverhead: v[6], net: v[7], netWithEfficiency: v[8])
        }
        guard let kWh = try parts("kwh") else {
            throw r.failure(expected: Self.measures.map { "\($0)_kwh" }.joined(separator: ", ") + " as numbers", found: "null")
        }
        self.init(kWh: kWh, co2Kg: try parts("co2_kg"), cost: try parts("cost"))
    }
}

extension RunSummary.Parts {
    static let zero = RunSummary.Parts(
        baseline: 0, savingsEfficiency: 0, savingsICT: 0, savings: 0, rebound: 0, reboundICT: 0, ictOverhead: 0, net: 0,
        netWithEfficiency: 0)

    /// A part by its key's measure (`RunSummary.Balance.measures`).
    public func value(_ measure: String) -> Double {
        switch measure {
        case "baseline": baseline
        case "savings_efficiency": savingsEfficiency
        case "savings_ict": savingsICT
        case "savings": savings
        case "rebound": rebound
        case "rebound_ict": reboundICT
        case "ict_overhead": ictOverhead
        case "net_with_efficiency": netWithEfficiency
        default: net
        }
    }

    /// Every part is a number (a status or summary read from elsewhere may hold infinities).
    public var isFinite: Bool { RunSummary.Balance.measures.allSatisfy { value($0).isFinite } }
}

extension RunSummary.CarrierSaving {
    func json() -> JSONValue {
        .object([
            ("carrier", .string(carrier)), ("unit", .string(unit)), ("saved", .number(saved)), ("rebound", .number(rebound)),
            ("co2_kg", .optional(co2Kg)), ("cost", .optional(cost)),
        ])
    }

    init(_ r: JSONReader) throws {
        self.init(
            carrier: try r.string("carrier"), unit: try r.string("unit"), saved: try r.double("saved"), rebound: try r.double("rebound"),
            co2Kg: try r.optionalDouble("co2_kg"), cost: try r.optionalDouble("cost"))
    }
}

extension RunSummary.CarrierBalance {
    func json() -> JSONValue {
        .object([
            ("unit", .string(unit)), ("used", .number(used)), ("saved", .number(saved)), ("rebound", .number(rebound)), ("net", .number(net)),
            ("net_co2_kg", .optional(netCO2Kg)), ("net_cost", .optional(netCost)),
        ])
    }

    init(_ r: JSONReader) throws {
        self.init(
            unit: try r.string("unit"), used: try r.double("used"), saved: try r.double("saved"), rebound: try r.double("rebound"),
            netCO2Kg: try r.optionalDouble("net_co2_kg"), netCost: try r.optionalDouble("net_cost"))
    }
}

extension RunSummary.ICT {
    func json() -> JSONValue {
        func amounts(_ list: [RunSummary.Named<RunSummary.Amount>]) -> JSONValue { .object(list.map { ($0.name, $0.value.json()) }) }
        return .object(
            total.fields() + [
                ("by_layer", amounts(byLayer)), ("by_kind", amounts(byKind)), ("by_district", amounts(byDistrict)), ("by_fleet", amounts(byFleet)),
                ("by_year", amounts(byYear)),
                ("excluded", .object(excluded.map { ($0.fleet, .object($0.amount.fields() + [("reason", .string($0.reason))])) })),
            ])
    }

    init(_ r: JSONReader) throws {
        func amounts(_ key: String) throws -> [RunSummary.Named<RunSummary.Amount>] {
            try r.object(key).entries { RunSummary.Named(name: $0, value: try RunSummary.Amount($1)) }
        }
        self.init(
            total: try RunSummary.Amount(r), byLayer: try amounts("by_layer"), byKind: try amounts("by_kind"), byDistrict: try amounts("by_district"),
            byFleet: try amounts("by_fleet"), byYear: try amounts("by_year"),
            excluded: try r.object("excluded").entries {
                RunSummary.ICT.Excluded(fleet: $0, amount: try RunSummary.Amount($1), reason: try $1.string("reason"))
            })
    }
}

extension RunSummary.Uncertainty {
    public func json() -> JSONValue {
        func bands(_ list: [RunSummary.Named<RunSummary.Band>]) -> JSONValue { .object(list.map { ($0.name, $0.value.json()) }) }
        func groups(_ list: [RunSummary.Named<[RunSummary.Named<RunSummary.Band>]>]) -> JSONValue { .object(list.map { ($0.name, bands($0.value)) }) }
        var sections: [(String, JSONValue)] = [
            ("runs", .integer(runs)), ("requested", .integer(requested)), ("redraws", .integer(redraws)), ("redraw_share", .number(redrawShare)),
            ("totals", bands(totals)),
            ("by_year", .object(byYear.map { ($0.name, .object([("energy_kwh", $0.value.json())])) })),
        ]
        if !balance.isEmpty { sections.append(("balance", bands(balance))) }
        if !byLayer.isEmpty { sections.append(("by_layer", groups(byLayer))) }
        if !byFleet.isEmpty { sections.append(("by_fleet", groups(byFleet))) }
        if !lifecycle.isEmpty { sections.append(("lifecycle", bands(lifecycle))) }
        if !co2Views.isEmpty { sections.append(("co2_views", groups(co2Views))) }
        if !drivers.isEmpty {
            func values(_ list: [RunSummary.Named<Double>]) -> JSONValue { .object(list.map { ($0.name, .number($0.value)) }) }
            sections.append(
                (
                    "drivers",
                    .array(
                        drivers.map { d in
                            .object([("input", .string(d.input)), ("rank_correlation", values(d.rankCorrelation)), ("first_order", values(d.firstOrder))])
                        })
                ))
        }
        return .object(sections)
    }

    init(_ r: JSONReader) throws {
        func bands(_ o: JSONReader?) throws -> [RunSummary.Named<RunSummary.Band>] {
            try o?.entries { RunSummary.Named(name: $0, value: try RunSummary.Band($1)) } ?? []
        }
        func groups(_ key: String) throws -> [RunSummary.Named<[RunSummary.Named<RunSummary.Band>]>] {
            try r.optionalObject(key)?.entries { RunSummary.Named(name: $0, value: try bands($1)) } ?? []
        }
        self.init(
            runs: try r.int("runs"), requested: try r.int("requested"), redraws: try r.int("redraws"), redrawShare: try r.double("redraw_share"),
            totals: try bands(r.object("totals")),
            byYear: try r.object("by_year").entries { RunSummary.Named(name: $0, value: try RunSummary.Band($1.object("energy_kwh"))) },
            balance: try bands(r.optionalObject("balance")), byLayer: try groups("by_layer"), byFleet: try groups("by_fleet"),
            lifecycle: try bands(r.optionalObject("lifecycle")), co2Views: try groups("co2_views"),
            drivers: try r.optionalArray("drivers")?.map { d in
                func values(_ key: String) throws -> [RunSummary.Named<Double>] {
                    try d.object(key).entries { RunSummary.Named(name: $0, value: try $1.number()) }
                }
                return RunSummary.Driver(input: try d.string("input"), rankCorrelation: try values("rank_correlation"), firstOrder: try values("first_order"))
            } ?? [])
    }

    /// The band of a total (energy_kwh, peak_kw, co2_kg, cost) or balance key (net_kwh).
    public func total(_ key: String) -> RunSummary.Band? { totals.first { $0.name == key }?.value }
    public func balance(_ key: String) -> RunSummary.Band? { balance.first { $0.name == key }?.value }
    public func year(_ year: Int) -> RunSummary.Band? { byYear.first { $0.name == String(year) }?.value }
}

extension RunSummary.Band {
    func json() -> JSONValue { .object([("p5", .number(p5)), ("p50", .number(p50)), ("p95", .number(p95))]) }

    init(_ r: JSONReader) throws {
        self.init(p5: try r.double("p5"), p50: try r.double("p50"), p95: try r.double("p95"))
    }
}

extension JSONValue {
    /// A number, or null.
    static func optional(_ x: Double?) -> JSONValue { x.map(JSONValue.number) ?? .null }
}
