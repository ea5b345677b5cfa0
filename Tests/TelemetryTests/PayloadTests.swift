import Foundation
import TestSupport
import Testing
import UrbanWattCore
@testable import UrbanWattTelemetry

@Suite struct PayloadTests {
    let reading = Reading(
        time: 1_735_690_500.25, fleet: "parking", district: "centre", index: 17, kind: "sensor", layer: "sensing", power: 0.5, energy: 450.125,
        total: 1350.5, seq: 3)

    @Test func jsonHasTheContractsFields() throws {
        let text = PayloadFormat.json.encode(reading, scenario: "mittelstadt")
        #expect(
            text
                == #"{"ts":"2025-01-01T00:15:00.250Z","node":"parking-17","fleet":"parking","kind":"sensor","power_w":0.5,"energy_j":450.125,"energy_total_j":1350.5,"seq":3}"#
        )
    }

    @Test func senmlIsAnRFC8428Pack() throws {
        let text = PayloadFormat.senml.encode(reading, scenario: "mittelstadt")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(records[0]["bn"] as? String == "urn:dev:urbanwatt:mittelstadt:parking-17:")
        #expect(records[0]["bt"] as? Double == 1_735_690_500.25)
        #expect(records[0]["n"] as? String == "power" && records[0]["u"] as? String == "W" && records[0]["v"] as? Double == 0.5)
        #expect(records[1]["n"] as? String == "energy" && records[1]["u"] as? String == "J" && records[1]["v"] as? Double == 450.125)
        // The counter as the energy record's sum (RFC 8428 §4.2 `s`).
        #expect(records[1]["s"] as? Double == 1350.5)
    }

    @Test func fiwarePayloadsFollowTheIoTAgentConventions() {
        let ul = PayloadFormat.fiwareUL.encode(reading, scenario: "m")
        #expect(ul == "p|0.5|e|450.125|t|1350.5|s|3|f|parking|d|centre|TimeInstant|2025-01-01T00:15:00.250Z")
        let json = PayloadFormat.fiwareJSON.encode(reading, scenario: "m")
        #expect(json == #"{"p":0.5,"e":450.125,"t":1350.5,"s":3,"f":"parking","d":"centre","TimeInstant":"2025-01-01T00:15:00.250Z"}"#)
        // The district comes back, as the listener places a fleet that moves by it.
        for (text, topic) in [(ul, "/ul/key/m:parking-17/attrs"), (json, "/json/key/m:parking-17/attrs")] {
            #expect((try? PayloadDecoder.decode(topic: topic, payload: Array(text.utf8)).get())?.district == "centre")
        }
        #expect(PayloadFormat.fiwareUL.defaultTopic == "/ul/{apikey}/{scenario}:{node}/attrs")
        #expect(PayloadFormat.fiwareJSON.defaultTopic == "/json/{apikey}/{scenario}:{node}/attrs")
    }

    /// Line protocol as Telegraf and InfluxDB read it: tags escaped, seq an integer, nanoseconds.
    @Test func influxIsLineProtocol() throws {
        #expect(
            PayloadFormat.influx.encode(reading, scenario: "mittelstadt")
                == "urbanwatt,scenario=mittelstadt,layer=sensing,district=centre,kind=sensor,fleet=parking,node=parking-17 power_w=0.5,energy_j=450.125,energy_total_j=1350.5,seq=3i 1735690500250000000"
        )
        var odd = reading
        odd.fleet = "a b,c=d"
        let line = PayloadFormat.influx.encode(odd, scenario: "m")
        #expect(line.contains(",fleet=a\\ b\\,c\\=d,node=a\\ b\\,c\\=d-17 "))
        let back = try PayloadDecoder.influx(line).get()
        #expect(back.node == "a b,c=d-17" && back.fleet == "a b,c=d" && back.energy == 450.125 && back.seq == 3)
    }

    @Test(arguments: PayloadFormat.allCases)
    func everyFormatDecodesBackToItsReading(format: PayloadFormat) throws {
        let topic = try TopicTemplate(format.defaultTopic).parts(
            scenario: "m", district: "centre", kind: "sensor", layer: "sensing", fleet: "parking", apikey: "key"
        ).joined(separator: "parking-17")
        let d = try PayloadDecoder.decode(topic: topic, payload: Array(format.encode(reading, scenario: "m").utf8)).get()
        #expect(d.node == "parking-17" && d.fleet == "parking" && d.energy == 450.125 && d.seq == 3)
    }

    /// MQTT 5 properties: the content type picks the format, and units other than J and W convert.
    @Test func contentTypeAndUnitsAreHonoured() throws {
        let json = Array(PayloadFormat.json.encode(reading, scenario: "m").utf8)
        let asSenML = PayloadDecoder.decode(topic: "t", payload: json, properties: MessageProperties(contentType: "application/senml+json"))
        #expect(throws: PayloadDecoder.Invalid.self) { try asSenML.get() }
        let kWh = try PayloadDecoder.decode(
            topic: "t", payload: json,
            properties: MessageProperties(
                contentType: "application/json; charset=utf-8",
                user: [("energy_unit", "kWh"), ("power_unit", "kW")])
        ).get()
        #expect(kWh.energy == 450.125 * 3.6e6 && kWh.power == 500)
        let bogus = PayloadDecoder.decode(topic: "t", payload: json, properties: MessageProperties(user: [("energy_unit", "parsec")]))
        #expect(throws: PayloadDecoder.Invalid.self) { try bogus.get() }
        let line = Array(PayloadFormat.influx.encode(reading, scenario: "m").utf8)
        #expect(try PayloadDecoder.decode(topic: "t", payload: line, properties: .telemetry(.influx)).get().energy == 450.125)
    }

    @Test func topicTemplatesFillTheirPlaceholdersAndRejectMistakes() throws {
        let t = try TopicTemplate(TopicTemplate.standard)
        #expect(
            t.parts(scenario: "m", district: "north", kind: "sensor", layer: "sensing", fleet: "p", apikey: "").joined(separator: "p-1")
                == "urbanwatt/m/north/sensor/p/p-1")
        #expect(throws: TopicTemplate.TemplateError.self) { try TopicTemplate("city/{nod}") }
        #expect(throws: TopicTemplate.TemplateError.self) { try TopicTemplate("city/#") }
    }

    @Test func brokerURLsKeepPasswordsOut() {
        #expect(BrokerURL("mqtt://city@broker.local:1884") == BrokerURL("mqtt://city@broker.local:1884"))
        let u = BrokerURL("mqtts://broker")
        #expect(u?.port == 8883 && u?.tls == true)
        #expect(BrokerURL("mqtt://127.0.0.1")?.port == 1883)
        #expect(BrokerURL("mqtt://user:secret@host") == nil)
        #expect(BrokerURL("http://host") == nil)
        #expect(BrokerURL("mqtt://[::1]:1999")?.host == "::1")
    }

    @Test func duplicatesAreCountedOnceAndGapsReported() {
        var a = Aggregator()
        let m = Array(PayloadFormat.json.encode(reading, scenario: "m").utf8)
        a.add(topic: "t", payload: m)
        a.add(topic: "t", payload: m)
        var later = reading
        later.seq = 6
        a.add(topic: "t", payload: Array(PayloadFormat.json.encode(later, scenario: "m").utf8))
        #expect(a.messages == 2 && a.duplicates == 1)
        #expect(a.gaps == 5) // seqs 0, 1, 2, 4, 5 missing
        #expect(abs(a.energyKWh - 900.25 / 3.6e6) < 1e-15)
    }

    /// Totals stay finite (two messages of 1e308 J made them null), new fleet names stop at the
    /// cap, and a Telegraf batch of five line-protocol lines counts five readings.
    @Test func theAggregateCannotBeOverflowedFloodedOrShortCounted() {
        var a = Aggregator()
        a.maximumFleets = 3
        for (k, fleet) in ["a", "b", "c", "d", "e"].enumerated() {
            var r = reading
            (r.fleet, r.energy, r.index) = (fleet, k < 2 ? 1e308 : 1, k)
            a.add(topic: "t", payload: Array(PayloadFormat.json.encode(r, scenario: "m").utf8))
        }
        #expect(a.messages == 3 && a.invalid == 2, "\(a.messages) counted, \(a.invalidExamples)") // b overflows; e is a fourth fleet
        #expect(a.energyKWh.isFinite && a.invalidExamples.map(\.reason).contains { $0.contains("--max-series") })
        var batch = Aggregator()
        let lines = (0..<5).map { seq -> String in
            var r = reading
            r.seq = seq
            return PayloadFormat.influx.encode(r, scenario: "m")
        }
        #expect(batch.addAll(topic: "t", payload: Array((lines.joined(separator: "\n") + "\n").utf8)).count == 5)
        #expect(batch.messages == 5 && abs(batch.energyKWh - 5 * reading.energy / 3.6e6) < 1e-15)
    }

    /// A tail that never came has no hole to show: the `done` status's messages per fleet reveal it.
    @Test func aMissingTailCountsAsGapsOnceDoneSaysWhatWasSent() {
        var a = Aggregator()
        for seq in 0..<5 {
            var r = reading
            r.seq = seq
            a.add(topic: "t", payload: Array(PayloadFormat.json.encode(r, scenario: "m").utf8))
        }
        #expect(a.gaps == 0)
        a.finished(.object([("messages_by_fleet", .object([(reading.fleet, .integer(9))]))]))
        #expect(a.gaps == 4) // seqs 5 to 8 sent, never received
    }
}
