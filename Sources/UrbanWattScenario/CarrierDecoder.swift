import Foundation
import UrbanWattCore
import Yams

/// Reads `carriers:` (heat, natural gas, petrol, diesel: carbon and price per unit) and `effects:`
/// (indirect effects that fleets enable on a carrier).
enum CarrierDecoder {
    /// `carriers: {heat: {carbon_intensity: 201 g/kWh, price: 0.11 EUR/kWh}, petrol: {carbon_intensity: 2.37 kg/l}}`.
    /// Each needs a carbon intensity when the grid has one, and a price (in the grid's currency)
    /// when the grid has one: a balance in CO2 or cost must not miss a carrier silently.
    static func carriers(_ c: Cursor, grid: Grid, reader r: YAMLReader) -> [Carrier] {
        let names = Carrier.units.map(\.name)
        guard let pairs = r.pairs(c, what: "a mapping of carriers (\(names.joined(separator: ", "))) to {carbon_intensity, price}") else { return [] }
        var out: [Carrier] = []
        for p in pairs where p.key != "electricity" { // the grid (ScenarioDecoder.gridCursor)
            guard let unit = Carrier.units.first(where: { $0.name == p.key })?.unit else {
                r.error(
                    p.keyCursor,
                    "unknown carrier `\(p.key)`; expected electricity, \(names.joined(separator: ", "))"
                        + Suggestion.didYouMean(p.key, in: ["electricity"] + names))
                continue
            }
            let example = unit == "l" ? "{carbon_intensity: 2.37 kg/l, price: 1.75 EUR/l}" : "{carbon_intensity: 201 g/kWh, price: 0.11 EUR/kWh}"
            guard let f = r.mapping(p.value, allowed: ["carbon_intensity", "price"], what: example) else { continue }
            var carrier = Carrier(name: p.key, unit: unit)
            if let ci = f["carbon_intensity"] { carrier.carbon = r.yearMap(ci, unit == "l" ? .fuelCarbon : .carbon) }
            if let pr = f["price"] {
                var currency = grid.currency
                carrier.price = ScenarioDecoder.prices(pr, per: unit, currency: &currency, reader: r)
                if grid.currency == nil { r.error(pr, "a carrier's price needs the grid's `price` too (the balance is in one currency)") }
            }
            if grid.carbon != nil && f["carbon_intensity"] == nil {
                r.error(
                    Cursor(node: p.value.node, path: p.value.child("carbon_intensity")),
                    "missing; expected the carrier's carbon such as \(unit == "l" ? "2.37 kg/l" : "201 g/kWh"), as the grid has one")
            }
            if grid.carbon == nil, let ci = f["carbon_intensity"] {
                r.error(ci, "a carrier's carbon intensity needs the grid's `carbon_intensity` too (the balance's CO2 covers every carrier or none)")
            }
            if grid.price != nil && f["price"] == nil {
                r.error(
                    Cursor(node: p.value.node, path: p.value.child("price")),
                    "missing; expected the carrier's price such as \(unit == "l" ? "1.75 EUR/l" : "0.11 EUR/kWh"), as the grid has one")
            }
            out.append(carrier)
        }
        return out
    }

    /// `effects: [{name, enabled_by, driver, rate, carrier, source, rebound}]`.
    static func effects(_ c: Cursor, fleets: [Fleet], declared: Set<String>, carriers: [Carrier], reader r: YAMLReader) -> [Effect] {
        guard let items = r.list(c, what: "a list of effects such as {name: parking-search, enabled_by: parking, rate: 20, carrier: petrol, source: \"[X]\"}")
        else { return [] }
        let keys = ["name", "enabled_by", "driver", "rate", "carrier", "source", "rebound"]
        var out: [Effect] = []
        var seen = Set<String>()
        // Named by their name where it is given once (`effects[parking-search].rate`), as fleets are.
        var names: [String: Int] = [:]
        for item in items {
            if case .mapping(let m) = item.node, let n = m["name"]?.scalar?.string, Name.isValid(n) { names[n, default: 0] += 1 }
        }
        for listed in items {
            var item = listed
            if case .mapping(let m) = item.node, let n = m["name"]?.scalar?.string, names[n] == 1 { item = Cursor(node: item.node, path: "\(c.path)[\(n)]") }
            guard let f = r.mapping(item, allowed: keys, what: "an effect mapping with name, enabled_by, rate, carrier and source") else { continue }
            var ok = true
            func required(_ key: String, _ what: String) -> Cursor? {
                let v = r.required(f, key, in: item, what: what)
                if v == nil { ok = false }
                return v
            }
            var name = ""
            if let n = required("name", "the effect's name"), let s = r.string(n, what: "the effect's name") {
                if !Name.isValid(s) { r.error(n, Name.problem(s, what: "an effect name")); ok = false }
                if !seen.insert(s).inserted { r.error(n, "duplicate effect `\(s)`"); ok = false }
                name = s
            }
            var enabledBy = ""
            if let e = required("enabled_by", "the fleet that enables it"), let s = r.string(e, what: "a fleet name") {
                if !declared.contains(s) { r.error(e, "unknown fleet `\(s)`" + Suggestion.didYouMean(s, in: declared.sorted())); ok = false }
                enabledBy = s
            }
            var carrier = ""
            let available = ["electricity"] + carriers.map(\.name)
            if let cc = required("carrier", "electricity or a carrier declared under `carriers:`"), let s = r.string(cc, what: "a carrier") {
                if !available.contains(s) {
                    let declare =
                        Carrier.units.contains { $0.name == s }
                        ? "; declare it under `carriers:` with its carbon and price" : Suggestion.didYouMean(s, in: available)
                    r.error(cc, "unknown carrier `\(s)` (carriers here: \(available.joined(separator: ", ")))" + declare)
                    ok = false
                }
                carrier = s
            }
            let unit = carrier == "electricity" ? "kWh" : carriers.first { $0.name == carrier }?.unit ?? "kWh"
            let rate = required("rate", "what one driver unit saves a year, in \(unit)").flatMap {
                r.number($0, what: "a number of \(unit) saved per driver unit and year (negative: used)", range: -1e9...1e9)
            }
            var perNode = 1.0, driver = "node"
            if let d = f["driver"] {
                if d.scalar == "nodes" {
                } else if let m = r.mapping(d, allowed: ["per_node", "unit"], what: "nodes, or {per_node: 12000, unit: vehicle-km}") {
                    perNode =
                        r.required(m, "per_node", in: d, what: "driver units per node and year").flatMap {
                            r.number($0, what: "driver units per node", range: 0...1e9)
                        } ?? 1
                    driver = r.required(m, "unit", in: d, what: "what the driver counts, such as vehicle-km").flatMap { r.string($0) } ?? "unit"
                } else {
                    ok = false
                }
            }
            let source = required("source", "where the rate comes from, such as \"[Shoup2006] (U)\"").flatMap { r.string($0) } ?? ""
            if source.trimmingCharacters(in: .whitespaces).isEmpty, let s = f["source"] {
                r.error(s, "expected where the rate comes from, got an empty text"); ok = false
            }
            let rebound = f["rebound"].flatMap { r.fraction($0) } ?? 0
            guard ok, let rate else { continue }
            out.append(
                Effect(name: name, enabledBy: enabledBy, perNode: perNode, driver: driver, rate: rate, carrier: carrier, source: source, rebound: rebound))
        }
        return out
    }
}
