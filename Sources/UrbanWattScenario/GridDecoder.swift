import UrbanWattCore
import Yams

/// Reads `grid:` (or `carriers: {electricity: …}`): carbon intensity and price, each a value or a
/// path by year, or shaped by hour; and the other views of the same electricity's CO2 (marginal,
/// upstream, BISKO) and its supply.
extension ScenarioDecoder {
    /// The grid is the electricity carrier: `grid:` or `carriers: {electricity: …}`, not both.
    static func gridCursor(_ top: [String: Cursor], reader r: YAMLReader) -> Cursor? {
        guard let c = top["carriers"], case .mapping(let m) = c.node, let e = m["electricity"] else { return top["grid"] }
        let electricity = Cursor(node: e, path: c.child("electricity"))
        guard let grid = top["grid"] else { return electricity }
        r.error(electricity, "electricity is given twice, here and as `grid:`\(grid.node.mark.map { " (line \($0.line))" } ?? ""); keep one")
        return grid
    }

    static func decodeGrid(_ c: Cursor, reader r: YAMLReader) -> Grid {
        guard
            let f = r.mapping(
                c, allowed: ["carbon_intensity", "price", "marginal", "upstream", "bisko", "supply"],
                what: "a mapping {carbon_intensity, price, marginal, upstream, bisko, supply}")
        else { return Grid() }
        var grid = Grid()
        if let ci = f["carbon_intensity"] { grid.carbon = signal(ci, reader: r) }
        if let p = f["price"] {
            var currency: String?
            if let shaped = shapedSignal(
                p, path: { prices($0, per: "kWh", currency: &currency, reader: r) }, value: { price($0, currency: &currency, reader: r) }, reader: r)
            {
                grid.price = shaped
                // Plain numbers in the table are in the path's currency: one of them must name it.
                if currency == nil {
                    r.error(p, "expected a currency: give the path, or a value of the table, with its unit, such as 0.30 EUR/kWh")
                    grid.price = nil
                }
            } else if !isShaped(p) {
                grid.price = prices(p, per: "kWh", currency: &currency, reader: r).map { .yearly($0) }
            }
            grid.currency = currency
        }
        // The other views of the same electricity's CO2 need its average intensity.
        for key in ["marginal", "upstream", "bisko", "supply"] where f["carbon_intensity"] == nil {
            if let v = f[key] { r.error(v, "`\(key)` is a view of the grid's CO2, so it needs the grid's `carbon_intensity` too") }
        }
        grid.marginal = f["marginal"].flatMap { signal($0, reader: r) }
        grid.upstream = f["upstream"].flatMap { r.fraction($0, maximum: 2) }
        if let b = f["bisko"], let on = r.bool(b) {
            if on && f["upstream"] == nil && f["carbon_intensity"] != nil {
                r.error(b, "BISKO counts the fuel chains' upstream emissions: give them as `upstream:`, such as 12% of the direct intensity")
            }
            grid.bisko = on
        }
        if let s = f["supply"],
            let m = r.mapping(s, allowed: ["green_share", "green", "residual"], what: "{green_share: 40%, green: 20 g/kWh, residual: 600 g/kWh}"),
            let share = r.required(m, "green_share", in: s, what: "the contracted green share of the electricity, such as 40%, or a year map of shares")
        {
            let green = m["green"].flatMap { r.quantity($0, .carbon) }, residual = m["residual"].flatMap { signal($0, reader: r) }
            if let shares = r.yearMap(share, .fraction, maximum: 1), m["green"] == nil || green != nil, m["residual"] == nil || residual != nil {
                grid.supply = Grid.Supply(greenShare: shares, green: green ?? 0, residual: residual)
            }
        }
        return grid
    }

    /// One price per kWh, such as 0.30 EUR/kWh (or a plain number, in the currency of the path).
    static func price(_ c: Cursor, currency: inout String?, reader r: YAMLReader) -> Double? {
        guard c.scalar != nil else {
            r.error(c, "expected a price such as 0.30 EUR/kWh or a plain number in the path's currency, got \(c.found)")
            return nil
        }
        if let text = c.scalar, let v = Double(text), v.isFinite, v >= 0 { return v }
        return prices(c, per: "kWh", currency: &currency, reader: r)?.value(at: 0, zone: .utc)
    }

    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func isShaped(_ c: Cursor) -> Bool {
        if case .mapping(let m) = c.node { return m.keys.contains { ["path", "by_month"].contains($0.scalar?.string ?? "") } }
        return false
    }

    /// `{path: {2025: 380 g/kWh, 2040: 80 g/kWh}, by_month: {jan: [24 values], …, dec: [...]}}`: a
    /// typical day per month, scaled to the yearly path when one is given; nil when `c` is not of
    /// this form or has mistakes (reported).
    static func shapedSignal(_ c: Cursor, path: (Cursor) -> YearMap?, value: (Cursor) -> Double?, reader r: YAMLReader) -> GridSignal? {
        guard isShaped(c), let f = r.mapping(c, allowed: ["path", "by_month"], what: "{path: a year map, by_month: {jan: [24 values], …, dec: [24 values]}}"),
            let table = r.required(f, "by_month", in: c, what: "a typical day per month: {jan: [24 values], …, dec: [24 values]}"),
            let m = r.mapping(table, allowed: months, what: "a typical day per month: {jan: [24 values], …, dec: [24 values]}")
        else { return nil }
        let missing = months.filter { m[$0] == nil }
        if !missing.isEmpty { r.error(table, "expected a typical day for each month, missing \(missing.joined(separator: ", "))") }
        var days: [Profile] = []
        for month in months {
            guard let day = m[month], let items = r.list(day, what: "24 hourly values (0:00 to 23:00)") else { continue }
            if items.count != 24 { r.error(day, "expected 24 hourly values (0:00 to 23:00), got \(items.count)"); continue }
            let values = items.compactMap(value)
            if values.count == 24 { days.append(Profile(weekday: values)) }
        }
        let scale = f["path"].map(path)
        // `scale` is nil without a path, else the path's value (nil when bad): `!` only after that nil check.
        guard days.count == 12, scale == nil || scale! != nil else { return nil }
        if scale != nil && GridSignal.yearMean(days) <= 0 {
            r.error(table, "expected a typical day with some value above zero, to scale to the path"); return nil
        }
        return .monthly(path: scale ?? nil, days: days)
    }

    /// A price per `per` (`kWh` or `l`), constant or a year map, in one currency throughout (`currency`,
    /// set by the first price read).
    static func prices(_ p: Cursor, per: String, currency: inout String?, reader r: YAMLReader) -> YearMap? {
        var seen = currency
        func price(_ c: Cursor) -> Double? {
            let parsed = c.scalar.flatMap { s in
                per == "l"
                    ? QuantityParser.parseLitrePrice(s).map { ($0.perLitre, $0.currency) }
                    : QuantityParser.parsePrice(s).map { ($0.perJoule * 3.6e6, $0.currency) }
            }
            guard let (value, code) = parsed else {
                r.error(c, "expected a price such as \"\(per == "l" ? "1.75 EUR/l" : "0.30 EUR/kWh")\", got \(c.found)")
                return nil
            }
            if let seen, seen != code { r.error(c, "expected one currency throughout, \(seen), got \(code)") }
            seen = seen ?? code
            return value
        }
        defer { currency = seen }
        if case .mapping = p.node, let pairs = r.pairs(p, what: "a year map of prices") {
            var points: [(Int, Double)] = []
            for pair in pairs {
                guard let y = Int(pair.key) else { r.error(pair.keyCursor, "expected a year such as 2025, got \"\(pair.key)\""); continue }
                if let v = price(pair.value) { points.append((y, v)) }
            }
            return points.isEmpty ? nil : YearMap(points: points)
        }
        return price(p).map { YearMap($0) }
    }

    /// Carbon intensity: constant, year map, `{hourly: [24 values]}` or `{path:, by_month:}`, in g/kWh.
    static func signal(_ c: Cursor, reader r: YAMLReader) -> GridSignal? {
        if isShaped(c) {
            return shapedSignal(c, path: { r.yearMap($0, .carbon) }, value: { r.quantity($0, .carbon) }, reader: r)
        }
        if case .mapping(let m) = c.node, m.count == 1, m.keys.first?.scalar?.string == "hourly" {
            let f = r.mapping(c, allowed: ["hourly"], what: "{hourly: [24 values]}")
            return f?["hourly"].flatMap { r.hourly($0, range: nil, dimension: .carbon) }.map { .hourly(Profile(weekday: $0)) }
        }
        // A mapping whose keys are not years was meant as another form: name the three there are.
        if case .mapping(let m) = c.node, let key = m.keys.compactMap({ $0.scalar?.string }).first(where: { Int($0) == nil }) {
            r.error(
                c,
                "expected a carbon intensity such as 380 g/kWh, a year map such as {2025: 380 g/kWh, 2035: 150 g/kWh}, "
                    + "{hourly: [24 values in g/kWh]} or {path: a year map, by_month: {jan: [24 values], …}}, got a mapping with `\(key)`"
                    + Suggestion.didYouMean(key, in: ["hourly", "path", "by_month"]))
            return nil
        }
        return r.yearMap(c, .carbon).map { .yearly($0) }
    }
}
