import Foundation
public import UrbanWattCore
import Yams

/// What `urbanwatt list` prints: everything a scenario can name, with defaults and their sources.
public enum Catalogue {
    public static var text: String {
        var out: [String] = []
        out.append("Built-in scenarios (urbanwatt run NAME):")
        for name in BuiltinScenarios.names {
            let marker = name == BuiltinScenarios.defaultName ? " (default)" : ""
            let description = BuiltinScenarios.text(named: name).flatMap(descriptionLine) ?? ""
            out.append("  \(name)\(marker)  \(description)")
        }
        out.append("")
        out.append("Fleet kinds (layer; power of one node); every fleet also takes " + FleetDecoder.commonKeys.joined(separator: ", ") + ":")
        for k in FleetKind.allCases {
            out.append(
                "  \(k.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(k.defaultLayer.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(k.summary)"
            )
            out.append("      keys: " + FleetDecoder.modelKeys(k).joined(separator: ", "))
            out.append("      embodied: default = " + embodiedText(k.embodied))
        }
        out.append("")
        out.append("Radio types (sensor radio.type):")
        for r in RadioType.allCases {
            let d = r.defaults
            let energy =
                d.energyPerUplink.map { "\(($0 * 1000).formatted2) mJ per uplink" }
                ?? "time on air (SF7 default, 125 kHz, CR 4/5, 8 preamble symbols) × 29 mA × 3.3 V"
            out.append("  \(r.rawValue): sleep \((d.sleep * 1e6).formatted2) µW, \(energy), overhead \(d.overhead) B")
            out.append("      source: \(d.source)")
        }
        out.append("")
        out.append("Base-station presets (EARTH: trx, p_max, p0, slope, sleep):")
        for p in BaseStation.Preset.allCases {
            let v = p.parameters
            out.append("  \(p.rawValue): \(v.trx.formatted2), \(v.pMax.formatted2) W, \(v.p0.formatted2) W, \(v.slope.formatted2), \(v.sleep.formatted2) W")
        }
        out.append("      source: \(BaseStation.Preset.source)")
        out.append("")
        out.append("Built-in profiles (24 hourly values, local time):")
        for e in BuiltinProfiles.all {
            out.append("  \(e.name): weekly mean \(e.profile.weeklyMean.formatted2); source: \(e.source)")
        }
        out.append("")
        out.append("Other defaults:")
        out.append("  streetlight on_below: -0.833° (sunset to sunrise, NOAA solar calculator)")
        out.append("  link intensity: none (give one, e.g. 0.06 kWh/GB in 2015 halving every 2 years [Aslan2018])")
        out.append(
            "  ev-charger smart: {objective: carbon|price, window: 8 h} defers each session start within the window to the lowest grid signal (needs grid.carbon_intensity or grid.price; hourly values make it matter)"
        )
        let v = Vehicle.defaults
        out.append(
            "  vehicle power \(v.power.formatted2) W driving, idle \(v.idle.formatted2) W, sleep \((v.sleep * 1000).formatted2) mW: a 4G tracker at 12 V [Teltonika-FMC130]; a report of \(v.payload) B [Teltonika-codec] + \(v.overhead) B IPv4 and TCP [RFC9293]"
        )
        out.append(
            "  presence: {DISTRICT: PROFILE, …} moves a fleet between districts by the hour (the shares add up to 100 % at every hour); via: {DISTRICT: FLEET} sends each district's traffic through its own receiver"
        )
        out.append("  datacenter pue: 1.0 (give one, e.g. 1.58 [Uptime2023] average, 1.46 German data centres [Bitkom2025])")
        out.append("")
        out.append("Units:")
        for d in Dimension.allCases where !d.units.isEmpty {
            out.append(
                "  \(d.rawValue): " + d.units.map(\.symbol).filter { !$0.hasPrefix("u") }.joined(separator: " ")
                    + " (bare numbers in \(d.canonicalUnit.isEmpty ? "plain units" : d.canonicalUnit))")
        }
        out.append("  price: CUR/kWh with an ISO currency, e.g. 0.30 EUR/kWh")
        return out.joined(separator: "\n") + "\n"
    }

    /// A kind's embodied default as `list` prints it.
    static func embodiedText(_ d: Embodied.Default) -> String {
        switch d {
        case .none(let why): return "none (\(why))"
        case .cited(let e):
            let split =
                e.transport != 0 || e.endOfLife != 0
                ? " (made \(e.manufacturing.formatted2), shipped \(e.transport.formatted2), end of life \(e.endOfLife.formatted2))" : ""
            return "\(e.total.formatted2) kg CO2e\(split), \((e.lifetime / Dimension.yearSeconds).formatted2) years"
                + (e.mass.map { ", \($0.formatted2) kg" } ?? "") + (e.battery.map { "; battery \($0.co2e.formatted2) kg CO2e" } ?? "")
                + (e.abioticDepletion.map { "; \($0.formatted2) kg Sb-eq" } ?? "") + (e.primaryEnergy.map { ", \(($0 / 1e6).formatted2) MJ" } ?? "")
                + "; \(e.source)"
        }
    }

    /// The same catalogue for programs (`urbanwatt list --format json`).
    public static var json: JSONValue {
        func parameters(_ list: [Parameter]) -> JSONValue {
            .array(
                list.map { p in
                    var fields: [(String, JSONValue)] = [
                        ("key", .string(p.key)), ("required", .bool(p.required)),
                        ("expects", .string(p.what ?? ParameterDecoder.what(p.shape))),
                    ]
                    if case .mapping(let inner) = p.shape { fields.append(("keys", parameters(inner))) }
                    return .object(fields)
                })
        }
        return .object([
            (
                "scenarios",
                .array(
                    BuiltinScenarios.names.map { name in
                        .object([
                            ("name", .string(name)), ("default", .bool(name == BuiltinScenarios.defaultName)),
                            ("description", .string(BuiltinScenarios.text(named: name).flatMap(descriptionLine) ?? "")),
                        ])
                    })
            ),
            (
                "kinds",
                .array(
                    Kinds.all.map { k in
                        .object([
                            ("name", .string(k.name)), ("layer", .string(k.defaultLayer.rawValue)), ("summary", .string(k.summary)),
                            ("replaces", .bool(k.replaceable)), ("keys", parameters(k.parameters)),
                            (
                                "embodied",
                                k.embodied.value.map { e in
                                    .object([
                                        ("co2e_kg", .number(e.total)), ("manufacturing_kg", .number(e.manufacturing)), ("transport_kg", .number(e.transport)),
                                        ("end_of_life_kg", .number(e.endOfLife)), ("lifetime_years", .number(e.lifetime / Dimension.yearSeconds)),
                                        ("mass_kg", e.mass.map(JSONValue.number) ?? .null), ("battery_co2e_kg", e.battery.map { .number($0.co2e) } ?? .null),
                                        ("abiotic_depletion_kg_sb_eq", e.abioticDepletion.map(JSONValue.number) ?? .null),
                                        ("primary_energy_mj", e.primaryEnergy.map { .number($0 / 1e6) } ?? .null),
                                        ("source", .string(e.source)),
                                    ])
                                } ?? .null
                            ),
                        ])
                    })
            ),
            (
                "radios",
                .array(
                    RadioType.allCases.map { r in
                        let d = r.defaults
                        return .object([
                            ("type", .string(r.rawValue)), ("sleep_w", .number(d.sleep)),
                            ("energy_per_uplink_j", d.energyPerUplink.map(JSONValue.number) ?? .null),
                            ("overhead_b", .integer(d.overhead)), ("source", .string(d.source)),
                        ])
                    })
            ),
            (
                "base_station_presets",
                .array(
                    BaseStation.Preset.allCases.map { p in
                        let v = p.parameters
                        return .object([
                            ("name", .string(p.rawValue)), ("trx", .number(v.trx)), ("p_max_w", .number(v.pMax)), ("p0_w", .number(v.p0)),
                            ("slope", .number(v.slope)), ("sleep_w", .number(v.sleep)), ("source", .string(BaseStation.Preset.source)),
                        ])
                    })
            ),
            (
                "profiles",
                .array(
                    BuiltinProfiles.all.map { e in
                        .object([("name", .string(e.name)), ("weekly_mean", .number(e.profile.weeklyMean)), ("source", .string(e.source))])
                    })
            ),
            (
                "units",
                .object(
                    Dimension.allCases.filter { !$0.units.isEmpty }.map { d in
                        (d.rawValue, .object([("canonical", .string(d.canonicalUnit)), ("symbols", .array(d.units.map { .string($0.symbol) }))]))
                    })
            ),
        ])
    }

    static func descriptionLine(_ yaml: String) -> String? {
        yaml.split(separator: "\n").first { $0.hasPrefix("description:") }.map {
            String($0.dropFirst("description:".count)).trimmingCharacters(in: .whitespaces)
        }
    }
}
