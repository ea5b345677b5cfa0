import UrbanWattCore

/// The JSON Schema (draft 2020-12) of the scenario format, built from the same key tables the
/// decoder uses, so the two cannot drift apart.
public enum ScenarioSchema {
    public static var json: JSONValue {
        .object([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("$id", .string("https://urbanwatt.example/schema/scenario-1.json")),
            ("title", .string("UrbanWatt scenario")),
            ("type", .string("object")),
            ("required", .array(["urbanwatt", "name", "period", "fleets"].map(JSONValue.string))),
            ("additionalProperties", .bool(false)),
            ("properties", .object([
                ("urbanwatt", .object([("const", .integer(1)), ("description", .string("Format version."))])),
                ("name", name),
                ("description", string),
                ("seed", .object([("type", .string("integer")), ("minimum", .integer(0))])),
                ("location", object([
                    ("latitude", .object([("type", .string("number")), ("minimum", .integer(-90)), ("maximum", .integer(90))])),
                    ("longitude", .object([("type", .string("number")), ("minimum", .integer(-180)), ("maximum", .integer(180))])),
                    ("timezone", .object([("type", .string("string")), ("description", .string("IANA time zone, e.g. Europe/Berlin"))])),
                ])),
                ("period", object([
                    ("start", date), ("end", date), ("step", quantity(.duration)),
                ], required: ["start", "end"])),
                ("grid", object([
                    ("carbon_intensity", .object([("anyOf", .array([yearMap(.carbon), object([("hourly", hourly)], required: ["hourly"])]))])),
                    ("price", .object([("anyOf", .array([price, .object([("type", .string("object")), ("additionalProperties", price)])]))])),
                ])),
                ("profiles", .object([
                    ("type", .string("object")),
                    ("additionalProperties", object([("weekday", hourly), ("weekend", hourly)], required: ["weekday"])),
                ])),
                ("districts", .object([("type", .string("array")), ("items", name), ("minItems", .integer(1))])),
                ("fleets", .object([("type", .string("array")), ("items", .object([("oneOf", .array(FleetKind.allCases.map(fleet)))]))])),
                ("check", object([("tolerance", quantity(.fraction))])),
            ])),
        ])
    }

    static let string = JSONValue.object([("type", .string("string"))])
    /// The one name rule (`Name`).
    static let name = JSONValue.object([("type", .string("string")), ("pattern", .string("^[A-Za-z0-9][A-Za-z0-9._-]{0,\(Name.maximumLength - 1)}$"))])
    static let date = JSONValue.object([("type", .string("string")), ("format", .string("date"))])
    static let hourly = JSONValue.object([
        ("type", .string("array")), ("items", .object([("type", .string("number"))])), ("minItems", .integer(24)), ("maxItems", .integer(24)),
    ])
    /// "23:00"; YAML 1.1 reads an unquoted 23:00 as the sexagesimal number 1380, which the decoder accepts too.
    static let clock = JSONValue.object([("anyOf", .array([string, .object([("type", .string("integer"))])]))])
    static let price = JSONValue.object([("type", .string("string")), ("pattern", .string("^[0-9.eE+-]+ [A-Z]{3}/(k|M|G)?Wh$"))])

    static func object(_ properties: [(String, JSONValue)], required: [String] = []) -> JSONValue {
        var fields: [(String, JSONValue)] = [("type", .string("object")), ("additionalProperties", .bool(false)), ("properties", .object(properties))]
        if !required.isEmpty { fields.append(("required", .array(required.map(JSONValue.string)))) }
        return .object(fields)
    }

    /// A number in the canonical unit, a string with a unit, or a distribution of either
    /// (`{uniform: [a, b]}`, `{normal: [mean, sd]}`, `{triangular: [min, mode, max]}`), as the decoder reads it.
    static func quantity(_ d: Dimension) -> JSONValue {
        let units = d.units.map(\.symbol).joined(separator: " ")
        let plain: [JSONValue] = [.object([("type", .string("number"))]), .object([("type", .string("string"))])]
        let distributions = YAMLReader.distributionKinds.sorted { $0.key < $1.key }.map { kind, arity in
            object([(kind, .object([
                ("type", .string("array")), ("items", .object([("anyOf", .array(plain))])), ("minItems", .integer(arity)), ("maxItems", .integer(arity)),
            ]))], required: [kind])
        }
        return .object([
            ("anyOf", .array(plain + distributions)),
            ("description", .string("a \(d.rawValue): a number in \(d.canonicalUnit.isEmpty ? "plain units" : d.canonicalUnit)" + (units.isEmpty ? "" : ", or a string with a unit (\(units)), e.g. \(d.example)") + "; or a distribution of them")),
        ])
    }

    static func yearMap(_ d: Dimension) -> JSONValue {
        .object([("anyOf", .array([quantity(d), .object([
            ("type", .string("object")), ("propertyNames", .object([("pattern", .string("^[0-9]{4}$"))])),
            ("additionalProperties", quantity(d)),
        ])]))])
    }

    static let schedule = JSONValue.object([("anyOf", .array([
        quantity(.fraction), string,
        object([("profile", string), ("scale", quantity(.fraction))], required: ["profile"]),
    ]))])

    /// The schema of one key of a fleet.
    static func property(_ key: String, kind: FleetKind) -> JSONValue {
        switch key {
        case "name": return name
        case "kind": return .object([("const", .string(kind.rawValue))])
        case "district", "via", "description": return string
        case "count": return yearMap(.count)
        case "efficiency": return object([("per_year", quantity(.fraction)), ("from", .object([("type", .string("integer"))]))], required: ["per_year", "from"])
        case "jitter", "pue", "slope", "trx", "heads", "on_below": return quantity(.count)
        case "layer": return .object([("enum", .array(Layer.allCases.map { .string($0.rawValue) }))])
        case "replaces": return .object([("type", .string("object"))])
        case "power", "sleep", "idle", "max", "it_power", "controller", "lamp", "standby", "p_max", "p0": return quantity(.power)
        case "battery": return quantity(.energy)
        case "profile": return string
        case "utilisation", "load": return schedule
        case "per_gb": return quantity(.intensity)
        case "preset": return .object([("enum", .array(BaseStation.Preset.allCases.map { .string($0.rawValue) }))])
        case "intensity": return .object([("anyOf", .array([quantity(.intensity), object([
            ("value", quantity(.intensity)), ("year", .object([("type", .string("integer"))])),
            ("halving", .object([("anyOf", .array([.object([("type", .string("number"))]), string]))])),
        ], required: ["value"])]))])
        case "radio": return object([
            ("type", .object([("enum", .array(RadioType.allCases.map { .string($0.rawValue) }))])),
            ("energy_per_uplink", quantity(.energy)),
            ("spreading_factor", .object([("anyOf", .array([
                .object([("type", .string("integer")), ("minimum", .integer(7)), ("maximum", .integer(12))]),
                .object([("type", .string("object")), ("additionalProperties", quantity(.fraction))]),
            ]))])),
            ("tx_current", quantity(.current)), ("voltage", quantity(.voltage)), ("bandwidth", quantity(.frequency)),
            ("preamble", quantity(.count)), ("coding_rate", .object([("enum", .array(["4/5", "4/6", "4/7", "4/8"].map(JSONValue.string)))])),
            ("rx", object([("current", quantity(.current)), ("duration", quantity(.duration))])),
        ], required: ["type"])
        case "uplink": return object([("interval", quantity(.duration)), ("payload", quantity(.data)), ("overhead", quantity(.data))], required: ["interval"])
        case "dimming": return .object([("anyOf", .array([
            .object([("const", .string("none"))]),
            .object([("type", .string("array")), ("items", object([("from", clock), ("to", clock), ("level", quantity(.fraction))], required: ["from", "to", "level"]))]),
            object([("adaptive", object([("profile", string), ("min", quantity(.fraction))], required: ["profile"]))]),
        ]))])
        case "sessions": return object([
            ("per_day", quantity(.count)),
            ("energy", .object([("anyOf", .array([quantity(.energy), object([("mean", quantity(.energy)), ("sd", quantity(.energy))], required: ["mean"])]))])),
            ("profile", string),
        ], required: ["per_day", "energy"])
        case "smart": return object([
            ("objective", .object([("enum", .array(SmartCharging.Objective.allCases.map { .string($0.rawValue) }))])),
            ("window", quantity(.duration)),
        ], required: ["window"])
        default: return .object([])
        }
    }

    static func fleet(_ kind: FleetKind) -> JSONValue {
        let keys = FleetDecoder.commonKeys + FleetDecoder.modelKeys(kind)
        var schema = object(keys.filter { !(kind == .link && $0 == "count") }.map { ($0, property($0, kind: kind)) }, required: ["name", "kind"])
        if case .object(var fields) = schema {
            fields.insert(("title", .string("\(kind.rawValue): \(kind.summary)")), at: 0)
            schema = .object(fields)
        }
        return schema
    }
}
