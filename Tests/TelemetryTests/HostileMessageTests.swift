import Foundation
import Testing
import UrbanWattCore
@testable import UrbanWattTelemetry

/// Messages a broken or hostile publisher can send on the topics `listen` reads. None may crash the
/// listener or reach its totals; each is counted as invalid with its topic.
enum HostileCorpus {
    static let jsonTopic = "urbanwatt/town/centre/sensor/parking/parking-1"
    static let ulTopic = "/ul/urbanwatt/parking-1/attrs"
    static let fiwareJSONTopic = "/json/urbanwatt/parking-1/attrs"

    /// Field values that must be refused, for energy and for seq.
    static let badEnergies = ["-1", "-1e-300", "1e309", "-1e309", "NaN", "nan", "Infinity", "\"5\"", "null", "true", "[]", "{}", "1e999"]
    static let badSeqs = ["-1", "1.5", "1e300", "9007199254740993", "9223372036854775807", "18446744073709551616", "-0.5", "\"1\"", "null", "1e16"]

    static var all: [(topic: String, payload: [UInt8])] {
        var out: [(String, [UInt8])] = []
        func add(_ topic: String, _ text: String) { out.append((topic, Array(text.utf8))) }
        for e in badEnergies {
            add(
                jsonTopic,
                "{\"ts\":\"2025-01-01T00:00:00Z\",\"node\":\"parking-1\",\"fleet\":\"parking\",\"kind\":\"sensor\",\"power_w\":1,\"energy_j\":\(e),\"seq\":0}")
            add(fiwareJSONTopic, "{\"p\":1,\"e\":\(e),\"s\":0,\"f\":\"parking\"}")
            add(
                jsonTopic,
                "[{\"bn\":\"urn:dev:urbanwatt:town:parking-1:\",\"bt\":0,\"n\":\"power\",\"u\":\"W\",\"v\":1},{\"n\":\"energy\",\"u\":\"J\",\"v\":\(e)},{\"n\":\"seq\",\"v\":0}]"
            )
            add(ulTopic, "p|1|e|\(e)|s|0|f|parking")
        }
        for s in badSeqs {
            add(jsonTopic, "{\"node\":\"parking-1\",\"fleet\":\"parking\",\"energy_j\":1,\"seq\":\(s)}")
            add(fiwareJSONTopic, "{\"p\":1,\"e\":1,\"s\":\(s),\"f\":\"parking\"}")
            add(jsonTopic, "[{\"bn\":\"urn:dev:urbanwatt:town:parking-1:\",\"n\":\"energy\",\"u\":\"J\",\"v\":1},{\"n\":\"seq\",\"v\":\(s)}]")
            add(ulTopic, "p|1|e|1|s|\(s)|f|parking")
        }
        // Injection through names, broken structure, and resource exhaustion.
        add(jsonTopic, "{\"node\":\"gw\\\",\\\"energy_j\\\":1e30,\\\"x\\\":\\\"\",\"fleet\":\"gw\",\"energy_j\":1,\"seq\":0}")
        add(jsonTopic, "{\"node\":\"parking-1\",\"fleet\":\"a|b\",\"energy_j\":1,\"seq\":0}")
        add(jsonTopic, "{\"node\":\"parking-1\",\"fleet\":\"\(String(repeating: "x", count: 300))\",\"energy_j\":1,\"seq\":0}")
        add(jsonTopic, "{\"node\":\"parking-1\",\"fleet\":\"parking\",\"seq\":0}")
        add(jsonTopic, "{\"node\":\"parking-1\",\"fleet\":\"parking\",\"energy_j\":1}")
        add(jsonTopic, "{\"node\":\"parking-1\",\"fleet\":\"parking\",\"energy_j\":1,\"seq\":0")
        add(jsonTopic, String(repeating: "[", count: 100_000))
        add(jsonTopic, String(repeating: "{\"a\":", count: 70) + "1" + String(repeating: "}", count: 70))
        add(jsonTopic, "{\"node\":\"parking-1\",\"fleet\":\"parking\",\"energy_j\":1,\"seq\":0,\"pad\":\"\(String(repeating: "x", count: 20_000))\"}")
        add(jsonTopic, "")
        add(jsonTopic, "    ")
        add(jsonTopic, "null")
        add(jsonTopic, "[]")
        add(jsonTopic, "{}")
        add(jsonTopic, "[{\"bn\":\"urn:dev:urbanwatt:town:\"}]")
        add(jsonTopic, "[{\"bn\":\"urn:dev:other:town:parking-1:\",\"n\":\"energy\",\"u\":\"J\",\"v\":1},{\"n\":\"seq\",\"v\":0}]")
        add(jsonTopic, "[{\"bn\":\"urn:dev:urbanwatt:town:parking-1:\",\"n\":\"energy\",\"u\":\"kWh\",\"v\":1},{\"n\":\"seq\",\"v\":0}]")
        add(ulTopic, "p|1|e|1|s")
        add(ulTopic, "p|1|e|1|s|0|f|a|b")
        add("urbanwatt/town/centre/sensor/parking/parking-1", "p|1|e|1|s|0|f|parking")
        add(ulTopic, "s|" + String(repeating: "9", count: 400) + "|e|1")
        out.append((jsonTopic, [0xFF, 0xFE, 0x7B, 0x00, 0x22]))
        out.append((ulTopic, [0x70, 0x7C, 0x31, 0x7C, 0x65, 0x7C, 0x31, 0x7C, 0x73, 0x7C, 0x30, 0x7C, 0x66, 0x7C, 0xC3]))
        return out
    }

    static let valid = (topic: jsonTopic, payload: Array("{\"node\":\"parking-1\",\"fleet\":\"parking\",\"energy_j\":3600000,\"seq\":0}".utf8))
}

@Suite struct HostileMessageTests {
    /// A district (FIWARE's `d`) that is not a valid name does not place a message anywhere: the
    /// message counts, its district is unknown.
    @Test func aDistrictThatIsNoNameIsIgnored() {
        let names = [String(repeating: "x", count: 300), "a/b", "..", "", "a\u{0}b", "centre\n"]
        for name in names {
            for (topic, text) in [
                (HostileCorpus.ulTopic, "p|1|e|1|s|0|f|parking|d|\(name)"),
                (HostileCorpus.fiwareJSONTopic, "{\"p\":1,\"e\":1,\"s\":0,\"f\":\"parking\",\"d\":\(JSONValue.string(name).serialized())}"),
            ] {
                let d = PayloadDecoder.decode(topic: topic, payload: Array(text.utf8))
                #expect((try? d.get())?.energy == 1 && (try? d.get())?.district == nil, "\(text)")
            }
        }
        let number = PayloadDecoder.decode(topic: HostileCorpus.fiwareJSONTopic, payload: Array("{\"e\":1,\"s\":0,\"d\":5}".utf8))
        #expect((try? number.get())?.district == nil)
    }

    @Test func noHostileMessageIsDecoded() {
        for (topic, payload) in HostileCorpus.all {
            if case .success(let d) = PayloadDecoder.decode(topic: topic, payload: payload) {
                Issue.record("accepted \(String(decoding: payload.prefix(120), as: UTF8.self)) on \(topic) as \(d)")
            }
        }
        #expect(HostileCorpus.all.count >= 100)
    }

    @Test func hostileMessagesAreCountedAsInvalidAndNeverReachTheTotals() {
        var a = Aggregator()
        for (topic, payload) in HostileCorpus.all { a.add(topic: topic, payload: payload) }
        a.add(topic: HostileCorpus.valid.topic, payload: HostileCorpus.valid.payload)
        #expect(a.invalid == HostileCorpus.all.count)
        #expect(a.messages == 1)
        #expect(a.energyKWh == 1)
        #expect(a.invalidExamples.count == 10)
        #expect(a.invalidExamples[0].topic == HostileCorpus.jsonTopic)
    }

    /// In fleets mode the node id is the fleet's own name: `zone-2` is the fleet `zone-2`, not node 2 of `zone`.
    @Test func fleetNamesEndingInDigitsSurviveFleetMode() throws {
        var a = Aggregator()
        a.running(
            try JSONParser.parse(
                "{\"state\":\"running\",\"scenario\":\"town\",\"run_id\":\"1\",\"telemetry\":\"fleets\",\"fleets\":{\"zone-2\":{\"kind\":\"device\",\"layer\":\"sensing\",\"district\":\"north\"}}}"
            ))
        let senml =
            "[{\"bn\":\"urn:dev:urbanwatt:town:zone-2:\",\"bt\":0,\"n\":\"power\",\"u\":\"W\",\"v\":1},{\"n\":\"energy\",\"u\":\"J\",\"v\":3600000},{\"n\":\"seq\",\"v\":0}]"
        a.add(topic: "urbanwatt/town/zone-2", payload: Array(senml.utf8))
        let byDistrict = a.summary()["by_district"]
        #expect(byDistrict?["north"]?["energy_kwh"] == .number(1))
    }

    @Test func topicFiltersAreCheckedAsMQTTDefinesThem() {
        for ok in ["urbanwatt/#", "urbanwatt/+/status", "#", "+", "/ul/+/+/attrs", "$share/city/urbanwatt/#"] {
            #expect(TopicFilter.problem(ok) == nil, "\(ok)")
        }
        for bad in ["", "urbanwatt/#/x", "urbanwatt/a#", "urban+/x", "$share//x", "$share/g+/x", "$share/g", "a\u{1}b"] {
            #expect(TopicFilter.problem(bad) != nil, "\(bad)")
        }
    }
}
