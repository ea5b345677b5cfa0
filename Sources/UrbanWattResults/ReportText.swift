import Foundation
import UrbanWattCore

/// The report's prose and tables: the result in sentences, the tables a planner reads, the
/// uncertainty, the assumptions with their sources, and how each model computes.
enum ReportText {
    static func e(_ s: String) -> String { SVGPlot.escape(s) }
    /// "… uses 880 MWh (334 t CO₂, 264,000 EUR) …", in the report's unit, with the carbon and cost
    /// the grid gives.
    static func amount(_ b: Breakdown, kWh: Double, co2: Double?, cost: Double?) -> String {
        var extra: [String] = []
        if let co2 { extra.append("\(SummaryTable.number(co2 / 1000)) t CO₂") }
        if let cost { extra.append("\(SummaryTable.money(cost)) \(b.result.scenario.grid.currency ?? "")") }
        return b.reportUnit.text(kWh) + (extra.isEmpty ? "" : " (\(extra.joined(separator: ", ")))")
    }

    static func summary(_ b: Breakdown, summary: RunSummary) -> String {
        let s = b.result.scenario
        let total = b.kWh(.total)
        let balance = b.balance()
        let bal = balance.kWh, co2 = balance.co2Kg, cost = balance.cost
        var p: [String] = []
        let span = "\(s.start) to \(s.end)"
        p.append("From \(span), the simulated fleets of \(e(s.name)) use \(amount(b, kWh: total, co2: b.co2(.total), cost: b.cost(.total))).")
        let share = total > 0 ? FixedDecimal.format(100 * bal.ictOverhead / total, digits: 1) : "0"
        p.append(
            "Its ICT — sensors, radios, servers and the controllers and electronics inside lights, signals and chargers — uses \(amount(b, kWh: bal.ictOverhead, co2: co2?.ictOverhead, cost: cost?.ictOverhead)), \(share) % of it."
        )
        let verdict = bal.net < 0 ? "the savings the ICT makes possible exceed what it uses" : "the ICT uses more than the savings it makes possible"
        let rebound = bal.reboundICT != 0 || (co2?.reboundICT ?? 0) != 0 ? ", what rebounds take back counted again," : ""
        p.append(
            "<strong>Net, the ICT overhead less the savings only ICT makes possible (dimming, smart charging, indirect effects)\(rebound) is \(amount(b, kWh: bal.net, co2: co2?.net, cost: cost?.net)): \(verdict).</strong>"
        )
        // The indirect effects by carrier, electricity's too, after rebound.
        let carriers = summary.effectsByCarrier.map { (name: $0.name, unit: $0.value.unit, kept: $0.value.saved - $0.value.rebound, co2: $0.value.co2Kg) }
        if !carriers.isEmpty {
            let parts = carriers.map { c in
                (c.unit == "kWh" ? b.reportUnit.text(c.kept) : "\(SummaryTable.number(c.kept)) \(c.unit)") + " of \(c.name)"
                    + (c.co2.map { " (\(SummaryTable.number($0 / 1000)) t CO₂)" } ?? "")
            }
            p.append(
                "Of those savings, indirect effects the ICT enables (<code>effects:</code> and building heat, each with its source under Assumptions) save \(parts.joined(separator: ", ")), after rebound."
            )
        }
        if bal.baseline > 0 {
            p.append(
                "Newer equipment saves a further \(amount(b, kWh: bal.savingsEfficiency, co2: co2?.savingsEfficiency, cost: cost?.savingsEfficiency)) against the \(b.reportUnit.text(bal.baseline)) of what it replaces, with no ICT needed; counting that too, the net would be \(b.reportUnit.text(bal.netWithEfficiency))."
            )
        } else {
            p.append("No fleet declares what it replaces (`replaces:`), so there are no efficiency savings beside those of the ICT.")
        }
        if let top = s.fleets.enumerated().map({ ($1.name, b.kWh(.fleet($0))) }).max(by: { $0.1 < $1.1 }), total > 0 {
            let layer = Layer.allCases.max { b.kWh(.layer($0)) < b.kWh(.layer($1)) }!
            p.append(
                "The largest user is the fleet \(e(top.0)) (\(FixedDecimal.format(100 * top.1 / total, digits: 1)) %), the largest layer \(layer.rawValue) (\(FixedDecimal.format(100 * b.kWh(.layer(layer)) / total, digits: 1)) %)."
            )
        }
        if summary.totals.peakAt != nil {
            p.append("The highest power, \(b.reportUnit.powerText(b.peak(.total).kW)), is reached at \(localTime(b, step: b.peak(.total).step)).")
        }
        if !b.result.complete { p.append("<strong>The run was interrupted: these figures cover only what was simulated.</strong>") }
        return p.map { "<p>\($0)</p>" }.joined(separator: "\n")
    }

    /// A table; the columns in `text` are left-aligned prose (units, sources), the others figures.
    /// `text` escaped, with `names` in backticks set as code.
    static func prose(_ text: String) -> String {
        let parts = e(text).split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count % 2 == 1 else { return e(text) } // an odd backtick: leave it as written
        return parts.enumerated().map { $0.offset % 2 == 1 ? "<code>\($0.element)</code>" : String($0.element) }.joined()
    }

    /// When a step starts, on the scenario's local clock: "2034-12-31 19:00 (Europe/Berlin)", or
    /// "… 18:00 UTC".
    static func localTime(_ b: Breakdown, step: Int) -> String {
        let time = b.result.clock.localText(step, minutes: true)
        let zone = b.scenario.zone.identifier
        return zone == "UTC" ? "\(time) UTC" : "\(time) (\(zone))"
    }

    /// A coefficient as a reader takes it in: a year as written (2015, not 2,015), thousands
    /// grouped, small values in decimals (0.000005, not 5e-06).
    static func value(_ a: Assumption) -> String {
        let v = a.value
        if a.unit == "year" && v.rounded() == v { return String(Int(v)) }
        if abs(v) >= 1000 { return SummaryTable.number(v) }
        if v != 0 && abs(v) < 0.001 {
            let digits = min(15, 2 - Int(log10(abs(v)).rounded(.down)))
            return FixedDecimal.format(v, digits: digits).trimmingZeros
        }
        return String(format: "%g", v)
    }

    /// Rows of a table that fits on an A4 page: on paper it moves whole to the next page rather than
    /// break; a longer one breaks between rows and repeats its header.
    static let rowsOnAPage = 40

    static func table(_ head: [String], _ rows: [[String]], text: Set<Int> = []) -> String {
        func cell(_ tag: String, _ k: Int, _ v: String) -> String { "<\(tag)\(text.contains(k) ? " class=\"t\"" : "")>\(e(v))</\(tag)>" }
        return "<table\(rows.count <= rowsOnAPage ? " class=\"whole\"" : "")><thead><tr>" + head.enumerated().map { cell("th", $0.offset, $0.element) }.joined()
            + "</tr></thead>\n"
            + rows.map { "<tr>" + $0.enumerated().map { cell("td", $0.offset, $0.element) }.joined() + "</tr>" }.joined(separator: "\n") + "</table>"
    }

    /// The balance of each calendar year, in the report's unit and t CO₂: the ICT overhead, the
    /// savings it enables, the net, and the efficiency savings apart.
    static func balanceByYear(_ b: Breakdown) -> String {
        let u = b.reportUnit
        let head =
            ["year", "ICT overhead \(u.energy)", "ICT-enabled savings \(u.energy)", "net \(u.energy)"] + (b.hasCarbon ? ["net t CO₂"] : [])
            + ["efficiency savings \(u.energy)", "net with efficiency \(u.energy)"]
        let rows = b.years.map { year, span -> [String] in
            let balance = b.balance(span)
            let k = balance.kWh
            return [String(year), u.number(k.ictOverhead), u.number(k.savingsICT - k.reboundICT), u.number(k.net)]
                + (balance.co2Kg.map { [SummaryTable.number($0.net / 1000)] } ?? []) + [u.number(k.savingsEfficiency), u.number(k.netWithEfficiency)]
        }
        return "<h3>Balance by year</h3>" + table(head, rows)
    }

    /// The same electricity's CO2 in each view the grid asks for (`co2_views`), where it asks for any.
    static func carbonViews(_ summary: RunSummary) -> String {
        guard !summary.co2Views.isEmpty else { return "" }
        let head = ["view", "t CO₂", "g/kWh over the load", "ICT overhead t CO₂", "ICT-enabled savings t CO₂", "net t CO₂"]
        let rows = summary.co2Views.map { v -> [String] in
            let t = { (x: Double) in SummaryTable.number(x / 1000) }
            return [
                v.name.replacingOccurrences(of: "_", with: " "), t(v.value.co2Kg), SummaryTable.number(v.value.gramsPerKWh), t(v.value.balance.ictOverhead),
                t(v.value.balance.savingsICT - v.value.balance.reboundICT), t(v.value.balance.net),
            ]
        }
        return
            "<h3>CO₂ in each view of the grid</h3><p>The same electricity at the average intensity (location-based, the headline unless <code>bisko: true</code>), with the fuel chains' upstream emissions, at the marginal intensity, and market-based with the supply contract.</p>"
            + table(head, rows, text: [0])
    }

    /// The balance in each carrier's final energy, where a scenario has carriers beside electricity.
    static func balanceByCarrier(_ summary: RunSummary) -> String {
        let currency = summary.totals.currency ?? "cost"
        let hasCarbon = summary.balance.co2Kg != nil, hasCost = summary.balance.cost != nil
        let head =
            ["carrier", "unit", "ICT used", "ICT-enabled savings", "rebound", "net"] + (hasCarbon ? ["net t CO₂"] : []) + (hasCost ? ["net \(currency)"] : [])
        let u = summary.reportUnit
        let rows = summary.byCarrier.map { c -> [String] in
            let v = c.value
            // Energy carriers in the report's unit; litres as they are.
            let (unit, n) = v.unit == "kWh" ? (u.energy, { (x: Double) in u.number(x) }) : (v.unit, { SummaryTable.number($0) })
            return [c.name, unit, n(v.used), n(v.saved), n(v.rebound), n(v.net)]
                + (hasCarbon ? [v.netCO2Kg.map { SummaryTable.number($0 / 1000) } ?? ""] : []) + (hasCost ? [v.netCost.map(SummaryTable.money) ?? ""] : [])
        }
        return "<h3>Balance by carrier</h3>" + table(head, rows, text: [0, 1])
    }

    /// Energy, share, peak, CO₂ and cost by layer, year, district and fleet.
    static func tables(_ b: Breakdown, summary: RunSummary) -> String {
        let total = b.kWh(.total)
        let currency = b.result.scenario.grid.currency ?? "cost"
        let u = b.reportUnit
        let head = ["energy \(u.energy)", "share", "peak \(u.power)"] + (b.hasCarbon ? ["t CO₂"] : []) + (b.hasPrice ? [currency] : [])
        func row(_ name: String, _ g: Breakdown.Group, _ span: Breakdown.Span = .all, share: Bool = true) -> [String] {
            let kWh = b.kWh(g, span)
            return [
                name, u.number(kWh), share ? SummaryTable.percent(kWh, of: total) : "",
                u.powerNumber(b.peak(g, span).kW),
            ]
                + (b.co2(g, span).map { [SummaryTable.number($0 / 1000)] } ?? []) + (b.cost(g, span).map { [SummaryTable.money($0)] } ?? [])
        }
        var out =
            "<h3>By layer</h3>"
            + table(
                ["layer"] + head,
                Layer.allCases.map { row($0.rawValue, .layer($0)) }
                    + [row("total", .total)])
        out += "<h3>By year</h3>" + table(["year"] + head, b.years.map { row(String($0.year), .total, $0.span, share: true) })
        out += balanceByYear(b)
        if summary.byCarrier.count > 1 || !summary.effects.isEmpty { out += balanceByCarrier(summary) }
        out += carbonViews(summary)
        let districts = b.result.scenario.districts
        let (shownDistricts, districtNote) = largest(districts.map { b.kWh(.district($0)) }, what: "districts", unit: u)
        out += "<h3>By district</h3>" + table(["district"] + head, shownDistricts.map { row(districts[$0], .district(districts[$0])) }) + districtNote
        let (shownFleets, fleetNote) = largest(b.scenario.fleets.indices.map { b.kWh(.fleet($0)) }, what: "fleets", unit: u)
        let fleets = shownFleets.map { i in
            let f = b.scenario.fleets[i]
            let r = row(f.name, .fleet(i))
            return [r[0], f.kind.rawValue, f.layer.rawValue, String(b.nodes(fleet: i))] + r.dropFirst()
        }
        out += "<h3>By fleet</h3>" + table(["fleet", "kind", "layer", "nodes"] + head, fleets, text: [1, 2]) + fleetNote
        return out
    }

    /// Rows a table shows at the most: a page of 300,000 districts was 214 MB and took 853 MB to write.
    static let maximumRows = 1000

    /// The indices of the items a table shows, given each one's energy: all in order, or the
    /// `maximumRows` with the most energy, largest first, with a sentence for what the others use.
    static func largest(_ energy: [Double], what: String, unit: ReportUnit) -> (shown: [Int], note: String) {
        guard energy.count > maximumRows else { return (Array(energy.indices), "") }
        let ranked = energy.indices.sorted { energy[$0] > energy[$1] }
        let rest = ranked.dropFirst(maximumRows).reduce(0.0) { $0 + energy[$1] }
        return (
            Array(ranked.prefix(maximumRows)),
            "<p>The \(maximumRows) \(what) with the most energy of \(energy.count); the other \(energy.count - maximumRows) use \(unit.text(rest)) together (summary.json holds every one).</p>"
        )
    }

    static func uncertainty(_ u: RunSummary.Uncertainty?, unit: ReportUnit) -> String {
        guard let u else {
            return
                "<p>This run used the central value of every parameter. Run with <code>--runs N</code> for p5–p95 bands of the totals, years, balance, layers and fleets, drawn from the distributions the scenario gives.</p>"
        }
        // Each figure in words and in the report's units: energy in its unit, CO₂ in t, money rounded.
        func row(_ name: String, _ band: RunSummary.Band) -> [String] {
            let values = [band.p5, band.p50, band.p95]
            var words = name
            let shown: [String]
            if words.hasSuffix("_kwh") {
                words.removeLast(4)
                (words, shown) = (words + " \(unit.energy)", values.map(unit.number))
            } else if words.hasSuffix("_co2_kg") || words.hasSuffix("co2_kg") {
                words = String(words.dropLast(6)) + "CO₂ t"
                shown = values.map { SummaryTable.number($0 / 1000) }
            } else if words.hasSuffix("_kw") {
                words.removeLast(3)
                (words, shown) = (words + " \(unit.power)", values.map(unit.powerNumber))
            } else if words.hasSuffix("cost") {
                shown = values.map(SummaryTable.money)
            } else {
                shown = values.map(SummaryTable.number)
            }
            return [words.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "  ", with: " ").trimmingCharacters(in: .whitespaces)] + shown
        }
        let rows =
            u.totals.map { row($0.name, $0.value) } + u.balance.map { row("balance: \($0.name)", $0.value) }
            + u.byYear.map { row("\($0.name) energy_kwh", $0.value) }
            + u.co2Views.flatMap { view in view.value.map { row("\(view.name) view: \($0.name)", $0.value) } }
        return
            "<p>\(u.runs) Monte Carlo runs, each with its own draw of every uncertain parameter; the bands are their 5th, 50th and 95th percentiles. The yearly bars above carry the p5–p95 whiskers.</p>"
            + balanceBands(u, unit: unit) + table(["figure", "p5", "p50", "p95"], rows, text: [0])
    }

    /// The ICT overhead, savings and net balance as whiskers from p5 to p95 around the median, in
    /// the report's unit.
    static func balanceBands(_ u: RunSummary.Uncertainty, unit: ReportUnit) -> String {
        let items = ["ict_overhead_kwh", "savings_ict_kwh", "net_kwh"].compactMap { k -> (String, Double, Double, Double)? in
            guard let b = u.balance(k) else { return nil }
            return (
                k.replacingOccurrences(of: "_kwh", with: "").replacingOccurrences(of: "_", with: " "), b.p5 / unit.kWhPer, b.p50 / unit.kWhPer,
                b.p95 / unit.kWhPer
            )
        }
        guard !items.isEmpty else { return "" }
        // `items` is not empty (the guard above).
        let lowest = min(0, items.map(\.1).min()!), high = max(0, items.map(\.3).max()!)
        // A round floor below zero, so the axis starts at a tick.
        let low = lowest < 0 ? -SVGPlot.niceCeiling(-lowest) : 0
        var plot = SVGPlot(
            title: "Balance over the Monte Carlo runs", xLabel: "", yLabel: "energy (\(unit.energy))", x: 0...Double(items.count),
            y: low...max(high, low + 1e-9))
        for (i, item) in items.enumerated() {
            let x = Double(i) + 0.5
            plot.rect(
                x0: x - 0.25, x1: x + 0.25, y0: item.1, y1: item.3, fill: item.0 == "net" ? "#e15759" : "#bab0ac",
                label: "\(item.0): p5 \(SummaryTable.number(item.1)), p50 \(SummaryTable.number(item.2)), p95 \(SummaryTable.number(item.3)) \(unit.energy)")
            plot.line([(x - 0.3, item.2), (x + 0.3, item.2)], stroke: "#000", width: 2)
        }
        let svg = plot.render(xTicks: items.enumerated().map { (Double($0.offset) + 0.5, $0.element.0) })
        return
            "<figure>\n\(svg)<figcaption>Each box spans p5 to p95 of the Monte Carlo runs, the line is the median; a net below zero: the ICT enables more savings than it uses.</figcaption></figure>"
            + tornado(u)
    }

    /// The ten inputs that explain most of the net's spread: bars of their rank correlation with it,
    /// each labelled with its first-order share of the variance.
    static func tornado(_ u: RunSummary.Uncertainty) -> String {
        let top = Array(u.drivers.prefix(10))
        guard let output = top.first?.rankCorrelation.first?.name else { return "" }
        var plot = SVGPlot(
            title: "What drives the net (\(output.replacingOccurrences(of: "_", with: " ")))", xLabel: "rank correlation with the net",
            yLabel: "", x: -1...1, y: 0...Double(top.count))
        for (i, d) in top.enumerated() {
            let rho = d.rankCorrelation.first?.value ?? 0, share = d.firstOrder.first?.value ?? 0
            let y = Double(top.count - i) - 0.5
            plot.rect(
                x0: min(0, rho), x1: max(0, rho), y0: y - 0.35, y1: y + 0.35, fill: rho < 0 ? "#59a14f" : "#e15759",
                label: "\(d.input): rank correlation \(FixedDecimal.format(rho, digits: 2)), first-order share \(FixedDecimal.format(100 * share, digits: 0)) %"
            )
            plot.text(
                "\(d.input) (\(FixedDecimal.format(100 * share, digits: 0)) %)", x: plot.px(rho < 0 ? 0.02 : -0.02), y: plot.py(y) + 4,
                anchor: rho < 0 ? "start" : "end", size: 10)
        }
        let svg = plot.render(xTicks: [(-1, "−1"), (-0.5, "−0.5"), (0, "0"), (0.5, "0.5"), (1, "1")], yTicks: false)
        return
            "<figure>\n\(svg)<figcaption>The uncertain inputs that explain most of the net's spread over the runs, strongest at the top: the bar is the rank correlation (right: a higher value raises the net), the percentage its first-order share of the variance (summary.json <code>uncertainty.drivers</code> lists every input).</figcaption></figure>"
    }

    static func assumptions(_ groups: [RunSummary.Named<[Assumption]>]) -> String {
        guard !groups.isEmpty else { return "<p>No assumptions recorded.</p>" }
        let intro =
            "<p>Every coefficient the run used, with its source: a key of the project's bibliography (<code>docs/sources.md</code>), a stated default, or <em>scenario</em> where the scenario gave it, with the keys and <em>(U)</em> its comment cites beside the figure (for a fleet written on one line, the line's comment). Count paths, trends and the grid's path are listed year by year.</p>"
        var rows: [[String]] = []
        var left = 0
        for group in groups {
            if rows.count >= maximumRows { left += group.value.count; continue }
            for (k, item) in group.value.enumerated() {
                rows.append([k == 0 ? group.name : "", item.key, value(item), item.unit, item.source])
            }
        }
        let more = left > 0 ? "<p>\(left) more coefficients of further fleets are in summary.json (`assumptions`).</p>" : ""
        // Each cited key links to its entry of the bibliography, quoted below the table.
        let keys = Bibliography.cited(in: rows.map { $0[4] }.joined(separator: " "))
        var html = table(["fleet", "coefficient", "value", "unit", "source"], rows, text: [0, 1, 3, 4])
        for key in keys { html = html.replacingOccurrences(of: "[\(e(key))]", with: "<a href=\"#src-\(e(key))\">[\(e(key))]</a>") }
        let sources =
            keys.isEmpty
            ? ""
            : "<h3 id=\"sources\">Sources cited</h3><dl class=\"sources\">"
                + keys.map { "<dt id=\"src-\(e($0))\">[\(e($0))]</dt><dd>\(Bibliography.html(Bibliography.entries[$0] ?? ""))</dd>" }.joined(separator: "\n")
                + "</dl>"
        return intro + html + more + sources
    }

    /// Which sessions model each charger fleet uses, and what its peak then means: the expected
    /// model's peak is that of the mean load, below what any one realisation shows (3,135 against
    /// 3,541 kW on mittelstadt-2035, 11 % lower).
    static func chargingModels(_ s: Scenario) -> String? {
        let chargers = s.fleets.compactMap { f in (f.model as? EVCharger).map { (f.name, $0.model) } }
        guard !chargers.isEmpty else { return nil }
        let drawn = chargers.filter { $0.1 == .drawn }.map(\.0), expected = chargers.filter { $0.1 == .expected }.map(\.0)
        var text = "<p><strong>Charging sessions.</strong> "
        if !drawn.isEmpty {
            text +=
                "Drawn (every session from its own random stream; the peak is that of one realisation of the sessions): \(e(drawn.joined(separator: ", "))). "
        }
        if !expected.isEmpty {
            text +=
                "Expected (the sessions' mean per day in closed form, queues included; the peak is the peak of the mean load, "
                + "lower than any one realisation's: 11 % on mittelstadt-2035): \(e(expected.joined(separator: ", "))). "
        }
        return text + "</p>"
    }

    static func methodology(_ b: Breakdown) -> String {
        let kinds = FleetKind.allCases.filter { k in b.result.scenario.fleets.contains { $0.kind == k } }
        var p = [
            "<p><strong>Engine.</strong> Each fleet is a cohort of nodes that differ only by their fixed random draws (jitter factor, uplink phase, spreading factor, charging sessions), each from the node's own stream keyed by seed, fleet and node, so nothing depends on the order of simulation. Every step of \(durationText(b.dt)) adds the energy of every fleet; traffic is routed along <code>via</code> from senders to gateways, links, networks, servers and data centres, which add their energy per byte and per message (a data centre's <code>per_message</code>), and a network its baseload share per node attached to it (the power model).</p>"
        ]
        for k in kinds { p.append("<p><strong>\(k.rawValue)</strong> (\(k.defaultLayer.rawValue)): \(prose(k.summary)).</p>") }
        if let note = chargingModels(b.result.scenario) { p.append(note) }
        let grid = b.result.scenario.grid
        p.append(
            "<p><strong>Carbon and cost.</strong> Each step's energy × the grid's carbon intensity (g/kWh) and price at that step, from constant values, year maps (linear between 1 January of the listed years), hourly shapes or a typical day per month scaled to a yearly path."
                + (grid.bisko
                    ? " The CO2 includes the fuel chains' upstream emissions (<code>bisko: true</code>, \(SummaryTable.number(100 * (grid.upstream ?? 0))) % on top of the direct intensity), for electricity only: other carriers keep their own intensity."
                    : "")
                + (grid.views.isEmpty
                    ? ""
                    : " Beside it, the same electricity's CO2 \(grid.views.dropFirst().map { "<em>\($0.rawValue.replacingOccurrences(of: "_", with: " "))</em>" }.joined(separator: ", ")) is in <code>co2_views</code> of summary.json.")
                + "</p>")
        p.append(
            "<p><strong>Balance.</strong> After ITU-T L.1480, a fleet is simulated in up to three cases: as the equipment it replaces (<code>replaces:</code>, the baseline), as itself with its ICT functions off (controller, dimming, smart charging: the reference, or <code>reference:</code>) and as it is. On the load served, efficiency savings = baseline − reference, ICT-enabled savings = reference − actual. The ICT overhead is the ICT part of every fleet: sensors, radios, servers, and the controllers and electronics of lights, signals and chargers, less what <code>boundary:</code> leaves out. Net = ICT overhead − ICT-enabled savings; net with efficiency = ICT overhead − both savings.</p>"
        )
        return p.joined(separator: "\n")
    }
}
