public import UrbanWattCore
import Yams

/// The JSON Schema (draft 2020-12) of the scenario format, built from the same key tables the
/// decoder uses, so the two cannot drift apart.
public enum ScenarioSchema {
    public static var json: JSONValue {
        .object([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("$id", .string("https://urbanwatt.example/schema/scenario-1.json")),
            ("title", .string("UrbanWatt scenario")),
            ("type", .string("object")),
            // A scenario that extends another inherits what it does not give (`fleets:` left empty
            // changes none), and a fleet named like one of the parent's gives only the keys it overrides.
            ("if", .object([("required", .array([.string("extends")]))])),
            (
                "then",
                .object([
                    (
                        "properties",
                        .object([
                            (
                                "fleets",
                                .object([
                                    (
                                        "items",
                                        .object([("anyOf", .array([fleets, .object([("type", .string("object")), ("required", .array([.string("name")]))])]))])
                                    )
                                ])
                            )
                        ])
                    )
                ])
            ),
            (
                "else",
                .object([
                    ("required", .array(["urbanwatt", "name", "period", "fleets"].map(JSONValue.string))),
                    ("properties", .object([("fleets", .object([("type", .string("array")), ("items", fleets)]))])),
                ])
            ),
            // The grid is given once: as `grid:` or as the electricity carrier.
            (
                "not",
                .object([
                    ("required", .array([.string("grid"), .string("carriers")])),
                    ("properties", .object([("carriers", .object([("required", .array([.string("electricity")]))]))])),
                ])
            ),
            ("additionalProperties", .bool(false)),
            (
                "properties",
                .object([
                    ("urbanwatt", .object([("const", .integer(1)), ("description", .string("Format version."))])),
                    ("name", name),
                    ("description", string),
                    ("seed", .object([("type", .string("integer")), ("minimum", .integer(0))])),
                    (
                        "location",
                        object([
                            ("latitude", plainNumber(-90, 90)),
                            ("longitude", plainNumber(-180, 180)),
                            ("timezone", .object([("type", .string("string")), ("description", .string("IANA time zone, e.g. Europe/Berlin"))])),
                        ])
                    ),
                    (
                        "period",
                        object(
                            [
                                ("start", date), ("end", date), ("step", quantity(.duration)),
                            ], required: ["start", "end"])
                    ),
                    ("grid", grid),
                    (
                        "profiles",
                        .object([
                            ("type", .string("object")),
                            ("additionalProperties", profile),
                        ])
                    ),
                    (
                        "districts",
                        .object([
                            ("type", .string("array")), ("items", name), ("minItems", .integer(1)),
                            ("maxItems", .integer(ScenarioDecoder.maximumDistricts)),
                        ])
                    ),
                    // Left empty (null) only in a scenario that extends another: no fleet changes.
                    ("fleets", .object([("type", .array([.string("array"), .string("null")])), ("maxItems", .integer(ScenarioDecoder.maximumFleets))])),
                    (
                        "boundary",
                        object(
                            [
                                (
                                    "exclude",
                                    .object([
                                        ("type", .string("object")),
                                        ("additionalProperties", freeText),
                                        ("description", .string("fleet or kind names, each with the reason it is left out of the ICT overhead")),
                                    ])
                                )
                            ], required: ["exclude"])
                    ),
                    (
                        "carriers",
                        object(
                            [("electricity", grid)]
                                + Carrier.units.map { c in
                                    (
                                        c.name,
                                        object([
                                            ("carbon_intensity", yearMap(c.unit == "l" ? .fuelCarbon : .carbon)),
                                            (
                                                "price",
                                                .object([
                                                    (
                                                        "description",
                                                        .string(
                                                            "a price per \(c.unit) such as \"\(c.unit == "l" ? "1.75 EUR/l" : "0.11 EUR/kWh")\", or a year map of them"
                                                        )
                                                    )
                                                ])
                                            ),
                                        ])
                                    )
                                })
                    ),
                    (
                        "effects",
                        .object([
                            ("type", .string("array")),
                            (
                                "items",
                                object(
                                    [
                                        ("name", name), ("enabled_by", name),
                                        ("driver", .object([("description", .string("nodes, or {per_node: 12000, unit: vehicle-km}"))])),
                                        ("rate", quantity(.count)),
                                        ("carrier", .object([("enum", .array((["electricity"] + Carrier.units.map(\.name)).map(JSONValue.string)))])),
                                        ("source", freeText), ("rebound", quantity(.fraction)),
                                    ], required: ["name", "enabled_by", "rate", "carrier", "source"])
                            ),
                        ])
                    ),
                    ("check", object([("tolerance", quantity(.fraction))])),
                    (
                        "sources",
                        .object([
                            ("type", .string("object")),
                            ("propertyNames", .object([("pattern", .string("^(grid\\.[a-z_]+|fleets\\[[^\\]]+\\]\\.[a-z_]+)$"))])),
                            (
                                "additionalProperties",
                                .object([("type", .string("string")), ("pattern", .string("\\[[A-Za-z][A-Za-z0-9.-]*[0-9A-Za-z]\\]|\\(U\\)"))])
                            ),
                            (
                                "description",
                                .string(
                                    "the source of each figure the comments do not cite: {grid.carbon_intensity: \"[UBA2026]\", \"fleets[lights].power\": \"(U)\"}"
                                )
                            ),
                        ])
                    ),
                    (
                        "extends",
                        .object([
                            ("type", .string("string")), ("description", .string("a built-in scenario's name or a path to a .yaml file, relative to this one")),
                        ])
                    ),
                    ("remove", .object([("type", .string("array")), ("items", name), ("description", .string("fleets of the extended scenario to drop"))])),
                ])
            ),
        ])
    }

    /// The electricity grid, as `grid:` or as `carriers: {electricity: …}`.
    static var grid: JSONValue {
        let carbon = JSONValue.object([
            (
                "anyOf",
                .array([
                    yearMap(.carbon), object([("hourly", hourly)], required: ["hourly"]),
                    shaped(yearMap(.carbon), quantity(.carbon)),
                ])
            )
        ])
        let prices = JSONValue.object([("anyOf", .array([price, .object([("type", .string("object")), ("additionalProperties", price)])]))])
        return object([
            ("carbon_intensity", carbon),
            (
                "price",
                .object([
                    (
                        "anyOf",
                        .array([
                            prices, shaped(prices, .object([("anyOf", .array([.object([("type", .string("number")), ("minimum", .integer(0))]), price]))])),
                        ])
                    )
                ])
            ),
            ("marginal", carbon), ("upstream", quantity(.fraction)), ("bisko", .object([("type", .string("boolean"))])),
            ("supply", object([("green_share", yearMap(.fraction)), ("green", quantity(.carbon)), ("residual", carbon)], required: ["green_share"])),
        ])
    }

    /// `{path: …, by_month: {jan: [24 values], …, dec: [...]}}`: a typical day per month on a yearly path.
    static func shaped(_ path: JSONValue, _ value: JSONValue) -> JSONValue {
        let day = JSONValue.object([("type", .string("array")), ("items", value), ("minItems", .integer(24)), ("maxItems", .integer(24))])
        let months = ScenarioDecoder.months
        return object([("path", path), ("by_month", object(months.map { ($0, day) }, required: months))], required: ["by_month"])
    }

    /// Text as the decoder reads it: any scalar but null, so a YAML number or boolean is its text.
    /// A fleet of any kind.
    static var fleets: JSONValue { .object([("oneOf", .array(FleetKind.allCases.map(fleet)))]) }

    static let string = JSONValue.object([("type", .array(["string", "number", "boolean"].map(JSONValue.string)))])
    /// Free text that may not be empty (an effect's source, a boundary's reason): any scalar, as YAML
    /// reads `4294967296` as a number where validate takes its text.
    static let freeText = JSONValue.object([("type", .array(["string", "number", "boolean"].map(JSONValue.string))), ("minLength", .integer(1))])
    /// The one name rule (`Name`); a name YAML reads as a number (`2035`) or a boolean (`yes`) is its text.
    static let name = JSONValue.object([
        (
            "anyOf",
            .array([
                .object([("type", .string("string")), ("pattern", .string("^[A-Za-z0-9][A-Za-z0-9._-]{0,\(Name.maximumLength - 1)}$"))]),
                .object([("type", .array(["integer", "number"].map(JSONValue.string))), ("minimum", .integer(0))]),
                .object([("type", .string("boolean"))]),
            ])
        )
    ])
    static let date = JSONValue.object([("type", .string("string")), ("format", .string("date"))])
    static let hourly = JSONValue.object([
        ("type", .string("array")), ("items", .object([("type", .string("number"))])), ("minItems", .integer(24)), ("maxItems", .integer(24)),
    ])
    /// "23:00"; YAML 1.1 reads an unquoted 23:00 as the sexagesimal number 1380, which the decoder accepts too.
    static let clock = JSONValue.object([("anyOf", .array([string, .object([("type", .string("integer"))])]))])
    static let price = JSONValue.object([("type", .string("string")), ("pattern", .string("^[0-9.eE+-]+ [A-Z]{3}/(k|M|G)?Wh$"))])

    static let plain: [JSONValue] = [.object([("type", .string("number"))]), .object([("type", .string("string"))])]

    /// `{uniform: [a, b]}`, `{normal: [mean, sd]}`, `{triangular: [min, mode, max]}` of plain values.
    static let distributions: [JSONValue] = YAMLReader.distributionKinds.sorted { $0.key < $1.key }.map { kind, arity in
        object(
            [
                (
                    kind,
                    .object([
                        ("type", .string("array")), ("items", .object([("anyOf", .array(plain))])), ("minItems", .integer(arity)),
                        ("maxItems", .integer(arity)),
                    ])
                )
            ], required: [kind])
    }

    /// A number within bounds, or a distribution; or text, as YAML 1.1 reads `1e-20` (no dot), which the decoder reads as a number.
    static func plainNumber(_ low: Int, _ high: Int) -> JSONValue {
        .object([
            (
                "anyOf",
                .array(
                    [
                        .object([("type", .string("number")), ("minimum", .integer(low)), ("maximum", .integer(high))]),
                        .object([("type", .string("string")), ("pattern", .string("^[-+]?[0-9][0-9_]*(\\.[0-9_]*)?[eE][-+]?[0-9]+$"))]),
                    ] + distributions)
            )
        ])
    }

    static func object(_ properties: [(String, JSONValue)], required: [String] = []) -> JSONValue {
        var fields: [(String, JSONValue)] = [("type", .string("object")), ("additionalProperties", .bool(false)), ("properties", .object(properties))]
        if !required.isEmpty { fields.append(("required", .array(required.map(JSONValue.string)))) }
        return .object(fields)
    }

    /// A number in the canonical unit, a string with a unit, or a distribution of either
    /// (`{uniform: [a, b]}`, `{normal: [mean, sd]}`, `{triangular: [min, mode, max]}`), as the decoder reads it.
    static func quantity(_ d: Dimension) -> JSONValue {
        let units = d.units.map(\.symbol).joined(separator: " ")
        return .object([
            ("anyOf", .array(plain + distributions)),
            (
                "description",
                .string(
                    "a \(d.rawValue): a number in \(d.canonicalUnit.isEmpty ? "plain units" : d.canonicalUnit)"
                        + (units.isEmpty ? "" : ", or a string with a unit (\(units)), e.g. \(d.example)") + "; or a distribution of them")
            ),
        ])
    }

    static func yearMap(_ d: Dimension) -> JSONValue {
        .object([
            (
                "anyOf",
                .array([
                    quantity(d),
                    .object([
                        ("type", .string("object")), ("propertyNames", .object([("pattern", .string("^[0-9]{4}$"))])),
                        ("additionalProperties", quantity(d)),
                    ]),
                ])
            )
        ])
    }

    /// `{weekday: [24 values], weekend: [24 values]}`.
    static let profile = object([("weekday", hourly), ("weekend", hourly)], required: ["weekday"])

    static let schedule = JSONValue.object([
        (
            "anyOf",
            .array([
                quantity(.fraction), string,
                object([("profile", string), ("scale", quantity(.fraction))], required: ["profile"]),
            ])
        )
    ])

    /// The schema of a fleet's common keys.
    static func common(_ key: String, kind: FleetKind) -> JSONValue {
        switch key {
        case "name": name
        case "kind": .object([("const", .string(kind.rawValue))])
        case "district", "description": string
        // One fleet, or with `presence` one per district.
        case "via": .object([("anyOf", .array([string, .object([("type", .string("object")), ("additionalProperties", string)])]))])
        case "presence":
            .object([
                ("type", .string("object")), ("minProperties", .integer(1)),
                ("additionalProperties", .object([("anyOf", .array([string, profile]))])),
                (
                    "description",
                    .string("the share of the fleet in each district at each hour: a profile name or a profile each, adding up to 100% at every hour")
                ),
            ])
        case "count": yearMap(.count)
        case "efficiency": object([("per_year", quantity(.fraction)), ("from", .object([("type", .string("integer"))]))], required: ["per_year", "from"])
        case "jitter", "rebound": quantity(.fraction)
        case "layer": .object([("enum", .array(Layer.allCases.map { .string($0.rawValue) }))])
        case "embodied":
            .object([
                (
                    "anyOf",
                    .array([
                        kind.embodied.value == nil ? .bool(false) : .object([("const", .string("default"))]),
                        object(
                            ["co2e", "manufacturing", "transport", "end_of_life", "mass", "abiotic_depletion"].map { ($0, quantity(.mass)) }
                                + [
                                    ("lifetime", quantity(.duration)), ("primary_energy", quantity(.energy)),
                                    ("battery", object([("co2e", quantity(.mass)), ("mass", quantity(.mass))], required: ["co2e"])),
                                ], required: ["lifetime"]),
                    ])
                )
            ])
        case "installed": installed(["new", "existing"])
        case "functional_unit":
            object(
                [
                    ("name", .object([("type", .string("string")), ("minLength", .integer(1))])),
                    ("per", .object([("enum", .array(FunctionalUnit.Per.allCases.map { .string($0.rawValue) }))])),
                ], required: ["name", "per"])
        case "capex":
            .object([
                (
                    "anyOf",
                    .array([
                        .object([("type", .string("number")), ("minimum", .integer(0))]),
                        .object([("type", .string("string")), ("pattern", .string("^[0-9_.eE+-]+ [A-Z]{3}$"))]),
                    ])
                )
            ])
        // Any of the kind's own keys, each overriding the fleet's; the replaced equipment's purchases.
        case "reference": object(kind.type.parameters.map { ($0.key, shape($0.shape)) })
        case "replaces":
            needingEmbodied(
                object(
                    kind.type.parameters.map { ($0.key, shape($0.shape)) }
                        + [("embodied", common("embodied", kind: kind)), ("installed", installed(["existing"])), ("capex", common("capex", kind: kind))]))
        default: .object([])
        }
    }

    /// `installed:`: one of `words`, or the ages of the stock at the start.
    static func installed(_ words: [String]) -> JSONValue {
        .object([
            (
                "anyOf",
                .array([
                    .object([("enum", .array(words.map(JSONValue.string)))]),
                    object(
                        [("age", .object([("type", .string("array")), ("items", quantity(.duration)), ("minItems", .integer(2)), ("maxItems", .integer(2))]))],
                        required: ["age"]),
                ])
            )
        ])
    }

    /// The schema of a value of `shape`, as `ParameterDecoder` reads it.
    static func shape(_ shape: Parameter.Shape) -> JSONValue {
        func range(_ type: String, _ low: Double, _ high: Double) -> JSONValue {
            .object([("type", .string(type)), ("minimum", .number(low)), ("maximum", .number(high))])
        }
        switch shape {
        case .quantity(let d, _, _, _, _): return quantity(d)
        case .fraction: return quantity(.fraction)
        // A plain number, or a distribution of plain numbers.
        case .number: return quantity(.count)
        case .integer(let r): return range("integer", Double(r.lowerBound), Double(r.upperBound))
        case .choice(let choices): return .object([("enum", .array(choices.map(JSONValue.string)))])
        case .schedule: return schedule
        case .profile, .district: return string
        case .clockTime: return clock
        // Years as a number, a duration with a unit, or a distribution of durations.
        case .years: return .object([("anyOf", .array(plain + distributions))])
        case .mapping(let parameters):
            return object(parameters.map { ($0.key, self.shape($0.shape)) }, required: parameters.filter(\.required).map(\.key))
        case .list(let item): return .object([("type", .string("array")), ("items", self.shape(item))])
        case .shares:
            return .object([
                ("type", .string("object")), ("propertyNames", .object([("pattern", .string("^[0-9]+$"))])),
                ("additionalProperties", quantity(.fraction)),
            ])
        case .anyOf(let shapes): return .object([("anyOf", .array(shapes.map(self.shape)))])
        case .yearMap(let item):
            return .object([
                ("type", .string("object")), ("propertyNames", .object([("pattern", .string("^[0-9]{4}$"))])), ("minProperties", .integer(1)),
                ("additionalProperties", self.shape(item)),
            ])
        }
    }

    static func fleet(_ kind: FleetKind) -> JSONValue {
        let common = FleetDecoder.commonKeys(for: kind)
        let own = kind.type.parameters
        var schema = object(
            common.map { ($0, self.common($0, kind: kind)) } + own.map { ($0.key, shape($0.shape)) },
            required: ["name", "kind"] + own.filter(\.required).map(\.key))
        if case .object(var fields) = needingEmbodied(schema) {
            fields.insert(("title", .string("\(kind.rawValue): \(kind.summary)")), at: 0)
            schema = .object(fields)
        }
        return schema
    }

    /// `schema` with `installed` and `capex` requiring `embodied`: when the nodes were installed and
    /// what each costs both need their lifetime.
    static func needingEmbodied(_ schema: JSONValue) -> JSONValue {
        guard case .object(var fields) = schema else { return schema }
        fields.append(("dependentRequired", .object([("installed", .array([.string("embodied")])), ("capex", .array([.string("embodied")]))])))
        return .object(fields)
    }
}
