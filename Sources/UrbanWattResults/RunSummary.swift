public import UrbanWattCore

/// A run's results as values: what `summary.json` holds, read by property by every consumer (the
/// report, the terminal tables, `compare`, the `done` status, the listener). JSON is written and
/// read only at the edge (`RunSummary+JSON.swift`), in the contract's key order.
public struct RunSummary: Sendable, Equatable {
    public struct Period: Sendable, Equatable {
        public var start: String
        public var end: String
        public var stepSeconds: Int
        public var steps: Int
    }

    /// Energy, the highest mean power of a step, and the carbon and cost of that energy (nil where
    /// the grid gives none).
    public struct Figures: Sendable, Equatable {
        public var energyKWh: Double
        public var peakKW: Double
        public var co2Kg: Double?
        public var cost: Double?
    }

    /// Energy with its carbon and cost, without a peak (a layer within a year).
    public struct Amount: Sendable, Equatable {
        public var energyKWh: Double
        public var co2Kg: Double?
        public var cost: Double?
    }

    /// A value under a name, in the order the summary lists them (layers, districts, years).
    public struct Named<Value: Sendable & Equatable>: Sendable, Equatable {
        public var name: String
        public var value: Value
    }

    public struct Totals: Sendable, Equatable {
        public var energyKWh: Double
        public var peakKW: Double
        /// When the peak is reached, ISO 8601 UTC; nil for a run without steps.
        public var peakAt: String?
        public var co2Kg: Double?
        public var cost: Double?
        public var currency: String?

        public init(energyKWh: Double, peakKW: Double, peakAt: String? = nil, co2Kg: Double? = nil, cost: Double? = nil, currency: String? = nil) {
            (self.energyKWh, self.peakKW, self.peakAt, self.co2Kg, self.cost, self.currency) = (energyKWh, peakKW, peakAt, co2Kg, cost, currency)
        }
    }

    public struct Fleet: Sendable, Equatable {
        public var name: String
        public var figures: Figures
        public var kind: String
        public var layer: String
        public var district: String
        /// Nodes at the last step.
        public var nodes: Int
        /// Radio uplinks and other data units the fleet sent along `via` (not MQTT messages: those
        /// are `telemetry`'s).
        public var uplinks: Int
        public var bytes: Int
        /// The shortest, 5th-percentile and mean battery life in years, for battery-powered fleets.
        public var batteryLifeYears: (min: Double, p5: Double, mean: Double)?
        /// What the equipment the fleet replaces would have used (`replaces:`).
        public var baselineKWh: Double?

        public static func == (a: Fleet, b: Fleet) -> Bool {
            a.name == b.name && a.figures == b.figures && a.kind == b.kind && a.layer == b.layer && a.district == b.district && a.nodes == b.nodes
                && a.uplinks == b.uplinks && a.bytes == b.bytes && a.baselineKWh == b.baselineKWh
                && a.batteryLifeYears.map { [$0.min, $0.p5, $0.mean] } == b.batteryLifeYears.map { [$0.min, $0.p5, $0.mean] }
        }
    }

    public struct Year: Sendable, Equatable {
        public var year: Int
        public var figures: Figures
        public var byLayer: [Named<Amount>]
        public var balance: Balance
        /// The year's CO2 in each view the grid asks for.
        public var co2Views: [Named<CarbonView>] = []
    }

    /// The balance in one unit (kWh, kg CO2 or cost): what the replaced equipment would have
    /// served, the savings of efficiency (baseline − reference) and those ICT enables (reference −
    /// actual), what rebounds take back, the ICT overhead, and the net: ICT overhead − ICT-enabled
    /// savings + their rebound, the headline; and beside it the net less efficiency savings too
    /// (`Breakdown+Balance.swift`).
    public struct Parts: Sendable, Equatable {
        public var baseline: Double
        public var savingsEfficiency: Double
        public var savingsICT: Double
        /// Both savings.
        public var savings: Double
        /// What rebounds take back of both savings, and of the ICT-enabled ones (`rebound:`).
        public var rebound: Double
        public var reboundICT: Double
        public var ictOverhead: Double
        public var net: Double
        public var netWithEfficiency: Double
    }

    public struct Balance: Sendable, Equatable {
        public var kWh: Parts
        public var co2Kg: Parts?
        public var cost: Parts?
    }

    /// What an indirect effect (`effects:`), or all of them on one carrier, saved: in the
    /// carrier's unit (kWh or l), what rebounds took back of it, and the net saving's carbon and cost.
    public struct CarrierSaving: Sendable, Equatable {
        public var carrier: String
        public var unit: String
        public var saved: Double
        public var rebound: Double
        public var co2Kg: Double?
        public var cost: Double?
    }

    /// The balance in one carrier's final energy, in its unit: what the ICT used of it (electricity
    /// only), the ICT-enabled savings and their rebound, and the net with its carbon and cost. The
    /// carriers' nets add up to the balance's net in CO2 and cost.
    public struct CarrierBalance: Sendable, Equatable {
        public var unit: String
        public var used: Double
        public var saved: Double
        public var rebound: Double
        public var net: Double { used - saved + rebound }
        public var netCO2Kg: Double?
        public var netCost: Double?
    }

    /// The ICT energy inside the boundary (the overhead) and what `boundary:` leaves out.
    public struct ICT: Sendable, Equatable {
        public struct Excluded: Sendable, Equatable {
            public var fleet: String
            public var amount: Amount
            public var reason: String
        }

        public var total: Amount
        public var byLayer: [Named<Amount>]
        public var byKind: [Named<Amount>]
        public var byDistrict: [Named<Amount>]
        public var byFleet: [Named<Amount>]
        public var byYear: [Named<Amount>]
        public var excluded: [Excluded]
    }

    public struct Telemetry: Sendable, Equatable {
        /// Messages generated, acknowledged by the broker, and dropped.
        public var generated = 0
        public var published = 0
        public var dropped = 0
        /// MQTT connections used (0: the summary names none) and the seconds it took to open them.
        public var clients = 0
        public var connectSeconds: Double?

        public init(generated: Int = 0, published: Int = 0, dropped: Int = 0, clients: Int = 0, connectSeconds: Double? = nil) {
            (self.generated, self.published, self.dropped, self.clients, self.connectSeconds) = (generated, published, dropped, clients, connectSeconds)
        }
    }

    /// The 5th, 50th and 95th percentiles of a figure over Monte Carlo runs.
    public struct Band: Sendable, Equatable {
        public var p5: Double
        public var p50: Double
        public var p95: Double
    }

    /// The `uncertainty` section of a `--runs` run.
    public struct Uncertainty: Sendable, Equatable {
        public var runs: Int
        public var requested: Int
        /// Draws outside a quantity's valid range, drawn again, and their share of all draws.
        public var redraws: Int
        public var redrawShare: Double
        /// energy_kwh, peak_kw, co2_kg, cost.
        public var totals: [Named<Band>]
        /// Each year's energy.
        public var byYear: [Named<Band>]
        /// savings_kwh, ict_overhead_kwh, net_kwh, and in CO2 and cost where the grid gives them.
        public var balance: [Named<Band>]
        /// Each layer's and each fleet's energy_kwh, co2_kg and cost.
        public var byLayer: [Named<[Named<Band>]>]
        public var byFleet: [Named<[Named<Band>]>]
        /// With `embodied:`: incurred_co2e_kg and amortised_co2e_kg over the period.
        public var lifecycle: [Named<Band>] = []
        /// Each view of the grid's CO2 the scenario asks for: its co2_kg and net_co2_kg.
        public var co2Views: [Named<[Named<Band>]>] = []
        /// Every uncertain input with what it explains of the answer, the strongest first.
        public var drivers: [Driver] = []
    }

    /// An uncertain input and how much of the answer's spread follows it over the runs: Spearman's
    /// rank correlation and the first-order share of variance (`Drivers`), each against the net
    /// (in CO2 where the grid gives it, else kWh) and the total energy.
    public struct Driver: Sendable, Equatable {
        public var input: String
        public var rankCorrelation: [Named<Double>]
        public var firstOrder: [Named<Double>]
    }

    /// The run itself: wall time, node steps, and which shard.
    public struct RunFacts: Sendable, Equatable {
        public var wallSeconds: Double
        public var nodeSteps: Int
        public var shard: String
    }

    public var version: String
    public var scenario: String
    public var seed: UInt64
    public var period: Period
    /// False when interrupted, or when fewer Monte Carlo runs finished than asked.
    public var complete: Bool
    public var totals: Totals
    public var byLayer: [Named<Figures>]
    public var byKind: [Named<Figures>]
    public var byDistrict: [Named<Figures>]
    public var byFleet: [Fleet]
    public var byYear: [Year]
    public var ict: ICT
    public var balance: Balance
    public var balanceByFleet: [Named<Balance>]
    public var balanceByDistrict: [Named<Balance>]
    /// Each effect's saving.
    public var effects: [Named<CarrierSaving>]
    /// The balance by carrier: electricity, then each declared carrier.
    public var byCarrier: [Named<CarrierBalance>]
    /// Every coefficient with its value, unit and source: the grid's, then each fleet's.
    public var assumptions: [Named<[Assumption]>]
    public var telemetry: Telemetry
    /// With `embodied:` on any fleet: devices installed, replaced and retired, their CO2e and waste.
    public var lifecycle: LifeCycle?
    /// When each measure pays back, in CO2e and in money.
    public var payback: [Named<Payback>] = []
    /// The Software Carbon Intensity of each fleet with `functional_unit:`.
    public var sci: [Named<FleetSCI>] = []
    /// The CO2 in each view the grid asks for (`marginal:`, `upstream:`, `supply:`), the average first.
    public var co2Views: [Named<CarbonView>] = []
    public var uncertainty: Uncertainty?
    public var run: RunFacts

    /// The balance of a fleet, or of a district.
    public func balance(fleet name: String) -> Balance? { balanceByFleet.first { $0.name == name }?.value }
    public func balance(district name: String) -> Balance? { balanceByDistrict.first { $0.name == name }?.value }

    /// The figures of `layer`.
    public func layer(_ layer: Layer) -> Figures? { byLayer.first { $0.name == layer.rawValue }?.value }
}

extension RunSummary {
    /// The summary of a run's figures and what the run knows besides (`RunInfo`).
    public init(_ b: Breakdown, run info: RunInfo) {
        let r = b.result
        let s = r.scenario
        func figures(_ g: Breakdown.Group, _ span: Breakdown.Span = .all) -> Figures {
            Figures(energyKWh: b.kWh(g, span), peakKW: b.peak(g, span).kW, co2Kg: b.co2(g, span), cost: b.cost(g, span))
        }
        let totalPeak = b.peak(.total)
        version = info.version
        scenario = s.name
        seed = s.seed
        period = Period(start: s.start.description, end: s.end.description, stepSeconds: Int(r.clock.step), steps: r.clock.count)
        complete = r.complete && !info.interrupted
        totals = Totals(
            energyKWh: b.kWh(.total), peakKW: totalPeak.kW, peakAt: b.steps > 0 ? isoUTC(r.clock.time(totalPeak.step)) : nil,
            co2Kg: b.co2(.total), cost: b.cost(.total), currency: s.grid.currency)
        byLayer = Layer.allCases.map { Named(name: $0.rawValue, value: figures(.layer($0))) }
        byKind = FleetKind.allCases.filter { k in s.fleets.contains { $0.kind == k } }.map { Named(name: $0.rawValue, value: figures(.kind($0))) }
        byDistrict = s.districts.map { Named(name: $0, value: figures(.district($0))) }
        byFleet = s.fleets.enumerated().map { i, fleet in
            let lives = r.batteryLives[i]
            let year = Dimension.yearSeconds
            // The mean hides the nodes that die first: the shortest life and the 5th percentile too.
            let battery = lives.mean.flatMap { mean in lives.percentile(5).map { (min: lives.minimum / year, p5: $0 / year, mean: mean / year) } }
            return Fleet(
                name: fleet.name, figures: figures(.fleet(i)), kind: fleet.kind.rawValue, layer: fleet.layer.rawValue, district: fleet.districtLabel,
                nodes: b.nodes(fleet: i), uplinks: b.uplinks(fleet: i), bytes: b.bytes(fleet: i), batteryLifeYears: battery,
                baselineKWh: fleet.replaces != nil ? b.kWh(.baseline(i)) : nil)
        }
        byYear = b.years.map { year, span in
            Year(
                year: year, figures: figures(.total, span),
                byLayer: Layer.allCases.map {
                    Named(name: $0.rawValue, value: Amount(energyKWh: b.kWh(.layer($0), span), co2Kg: b.co2(.layer($0), span), cost: b.cost(.layer($0), span)))
                }, balance: b.balance(span), co2Views: CarbonView.views(b, span))
        }
        co2Views = CarbonView.views(b)
        ict = ICT(b)
        let life = LifeCycle.fleets(b)
        lifecycle = LifeCycle(b, fleets: life)
        payback = Payback.measures(b)
        sci = FleetSCI.fleets(b, lifecycle: life)
        balance = b.balance()
        // By fleet, the measures and the fleets that enable effects: any other fleet's balance is its
        // ICT part (`ict.by_fleet`).
        let enabling = Set(s.effects.map(\.enabledBy))
        balanceByFleet = s.fleets.indices.filter { s.fleets[$0].replaces != nil || s.fleets[$0].reference != nil || enabling.contains(s.fleets[$0].name) }
            .map { Named(name: s.fleets[$0].name, value: b.balance(fleets: [$0])) }
        // By district, those with fleets: an empty one has nothing to weigh.
        balanceByDistrict = s.districts.compactMap { d in
            let fleets = b.fleets(in: d)
            return fleets.isEmpty ? nil : Named(name: d, value: b.balance(fleets: fleets, in: d))
        }
        let present = Set(s.fleets.map(\.name))
        let saved = s.effects.indices.filter { present.contains(s.effects[$0].enabledBy) }.map { Named(name: s.effects[$0].name, value: b.effectSaving($0)) }
        effects = saved
        // Each carrier's effects are savings in it; electricity's also the measures' and its ICT use.
        let sums = Self.byCarrier(saved)
        var others: [Named<CarrierBalance>] = []
        for c in s.carriers {
            let list = sums.filter { $0.name == c.name }.map(\.value)
            others.append(
                Named(
                    name: c.name,
                    value: CarrierBalance(
                        unit: c.unit, used: 0, saved: list.reduce(0) { $0 + $1.saved }, rebound: list.reduce(0) { $0 + $1.rebound },
                        netCO2Kg: RunSummary.total(list, \.co2Kg).map { -$0 } ?? (balance.co2Kg == nil ? nil : 0),
                        netCost: RunSummary.total(list, \.cost).map { -$0 } ?? (balance.cost == nil ? nil : 0))))
        }
        func electricity(_ net: Double?, _ other: (CarrierBalance) -> Double?) -> Double? {
            net.map { n in others.reduce(n) { $0 - (other($1.value) ?? 0) } }
        }
        let power = CarrierBalance(
            unit: "kWh", used: balance.kWh.ictOverhead, saved: balance.kWh.savingsICT, rebound: balance.kWh.reboundICT,
            netCO2Kg: electricity(balance.co2Kg?.net, \.netCO2Kg), netCost: electricity(balance.cost?.net, \.netCost))
        byCarrier = [Named(name: "electricity", value: power)] + others
        let grid = s.grid.assumptions(meanCarbon: b.meanCarbon, meanPrice: b.meanPrice, citations: s.citations)
        assumptions =
            [Named(name: "grid", value: grid)] + s.fleets.map { Named(name: $0.name, value: $0.assumptions(currency: s.grid.currency, citations: s.citations)) }
            // Group names with a space, which no fleet name has.
            + (s.effects.isEmpty
                ? []
                : [
                    Named(
                        name: "indirect effects",
                        value: s.effects.filter { present.contains($0.enabledBy) }.flatMap { e in
                            [
                                Assumption(
                                    "\(e.name).rate", e.rate,
                                    "\(s.carrier(named: e.carrier)?.unit ?? "kWh") a year per \(e.driver) of \(e.enabledBy), \(e.carrier)", e.source)
                            ]
                                + (e.perNode != 1 || e.driver != "node"
                                    ? [Assumption("\(e.name).per_node", e.perNode, "\(e.driver) per node", "scenario")] : [])
                                + (e.rebound > 0 ? [Assumption("\(e.name).rebound", e.rebound, "fraction", "scenario")] : [])
                        })
                ])
            + s.carriers.map { c in
                Named(
                    name: "carrier \(c.name)",
                    value: (c.carbon.map {
                        [
                            Assumption(
                                "carbon_intensity", $0.points.map(\.value).reduce(0, +) / Double($0.points.count),
                                c.unit == "l" ? "g/l (mean of the listed years)" : "g/kWh (mean of the listed years)", "scenario")
                        ]
                    } ?? [])
                        + (c.price.map {
                            [
                                Assumption(
                                    "price", $0.points.map(\.value).reduce(0, +) / Double($0.points.count),
                                    "\(s.grid.currency ?? "")/\(c.unit) (mean of the listed years)", "scenario")
                            ]
                        } ?? []))
            }
            + (ict.excluded.isEmpty
                ? []
                : [
                    Named(
                        name: "ICT boundary",
                        value: ict.excluded.map {
                            Assumption("exclude.\($0.fleet)", $0.amount.energyKWh, "kWh of ICT left out of the overhead", $0.reason)
                        })
                ])
        telemetry = Telemetry(
            generated: info.generated, published: info.published, dropped: info.dropped, clients: info.clients,
            connectSeconds: info.clients > 0 ? info.connectSeconds : nil)
        uncertainty = info.uncertainty
        run = RunFacts(wallSeconds: info.wallSeconds, nodeSteps: r.nodeSteps, shard: r.shard.description)
    }
}

extension RunSummary.ICT {
    /// The ICT parts of every fleet inside the boundary, summed by layer, kind, district and year.
    init(_ b: Breakdown) {
        let s = b.scenario
        let inside = b.fleetsInOverhead
        func sum(_ fleets: [Int], _ span: Breakdown.Span = .all) -> RunSummary.Amount {
            let parts = fleets.map { b.ict(fleet: $0, span) }
            return RunSummary.Amount(
                energyKWh: parts.reduce(0) { $0 + $1.energyKWh }, co2Kg: RunSummary.total(parts, \.co2Kg),
                cost: RunSummary.total(parts, \.cost))
        }
        /// Each name of `names` with the sum of the fleets inside whose `key` it is.
        func by(_ names: [String], _ key: (UrbanWattCore.Fleet) -> String) -> [RunSummary.Named<RunSummary.Amount>] {
            let groups = Dictionary(grouping: inside) { key(s.fleets[$0]) }
            return names.map { RunSummary.Named(name: $0, value: sum(groups[$0] ?? [])) }
        }
        total = sum(inside)
        byLayer = by(Layer.allCases.map(\.rawValue)) { $0.layer.rawValue }
        byKind = by(FleetKind.allCases.filter { k in s.fleets.contains { $0.kind == k } }.map(\.rawValue)) { $0.kind.rawValue }
        byDistrict = s.districts.map { d in
            let parts = b.fleets(in: d).filter(inside.contains).map { b.ict(fleet: $0, in: d) }
            return RunSummary.Named(
                name: d,
                value: RunSummary.Amount(
                    energyKWh: parts.reduce(0) { $0 + $1.energyKWh }, co2Kg: RunSummary.total(parts, \.co2Kg), cost: RunSummary.total(parts, \.cost)))
        }
        byFleet = inside.map { RunSummary.Named(name: s.fleets[$0].name, value: b.ict(fleet: $0)) }
        byYear = b.years.map { RunSummary.Named(name: String($0.year), value: sum(inside, $0.span)) }
        excluded = s.fleets.indices.compactMap { i in
            s.boundary.reason(excluding: s.fleets[i]).map { Excluded(fleet: s.fleets[i].name, amount: b.ict(fleet: i), reason: $0) }
        }
    }
}

extension RunSummary {
    /// The sum of a figure the grid may not give (CO2, cost) over `items`: nil when any is nil.
    /// The effects' savings summed by carrier, in the order the carriers first appear.
    public var effectsByCarrier: [Named<CarrierSaving>] { Self.byCarrier(effects) }

    static func byCarrier(_ effects: [Named<CarrierSaving>]) -> [Named<CarrierSaving>] {
        var carriers: [String] = []
        for e in effects where !carriers.contains(e.value.carrier) { carriers.append(e.value.carrier) }
        return carriers.map { c in
            let list = effects.map(\.value).filter { $0.carrier == c }
            return Named(
                name: c,
                value: CarrierSaving(
                    carrier: c, unit: list[0].unit, saved: list.reduce(0) { $0 + $1.saved },
                    rebound: list.reduce(0) { $0 + $1.rebound }, co2Kg: total(list, \.co2Kg), cost: total(list, \.cost)))
        }
    }

    static func total<T>(_ items: [T], _ figure: (T) -> Double?) -> Double? {
        items.reduce(Optional(0.0)) { sum, item in sum.flatMap { s in figure(item).map { s + $0 } } }
    }
}
