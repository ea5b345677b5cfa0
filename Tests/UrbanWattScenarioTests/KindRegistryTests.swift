import Testing
import UrbanWattCore
@testable import UrbanWattScenario

/// The registry is the one list of kinds: names, keys, schema and list all come from it.
struct KindRegistryTests {
    @Test func everyKindHasAUniqueNameAndItsOwnKeys() {
        let names = Kinds.all.map { $0.name }
        #expect(Set(names).count == names.count)
        for kind in Kinds.all {
            let keys = kind.parameters.map(\.key)
            #expect(Set(keys).count == keys.count, "\(kind.name) repeats a key")
            #expect(Set(keys).isDisjoint(with: FleetDecoder.commonKeys), "\(kind.name) shadows a common key")
            #expect(FleetKind(rawValue: kind.name)?.type == kind)
        }
    }

    @Test func theSchemaOfEachKindHasExactlyTheKeysTheDecoderReads() throws {
        guard case .object(let fleets) = ScenarioSchema.fleets, case .array(let kinds)? = fleets.first(where: { $0.0 == "oneOf" })?.1 else {
            Issue.record("no fleet schemas")
            return
        }
        #expect(kinds.count == Kinds.all.count)
        for (schema, kind) in zip(kinds, Kinds.all) {
            guard case .object(let fields) = schema, case .object(let props)? = fields.first(where: { $0.0 == "properties" })?.1 else {
                Issue.record("\(kind.name) has no properties")
                continue
            }
            let expected = FleetDecoder.commonKeys(for: FleetKind(kind)) + kind.parameters.map(\.key)
            #expect(expected.contains("reference") == !kind.ictFunctions.isEmpty && expected.contains("replaces") == kind.replaceable, "\(kind.name)")
            #expect(props.map(\.0) == expected, "\(kind.name)")
        }
    }

    @Test func theListNamesEveryKindWithItsKeys() {
        for kind in Kinds.all {
            #expect(Catalogue.text.contains("  \(kind.name) "))
            #expect(Catalogue.text.contains("keys: " + kind.parameters.map(\.key).joined(separator: ", ")))
        }
    }
}
