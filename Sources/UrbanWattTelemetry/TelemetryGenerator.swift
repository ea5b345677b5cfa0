package import UrbanWattCore

/// Turns the engine's chunks into telemetry messages in time order: one per node and
/// uplink for sensors, one per node and `interval` for other nodes, or one per fleet and step.
/// Each message carries the energy since the node's previous message, so a node's messages add up
/// to its energy; what is left at the end of the run goes out in a last message per node.
package final class TelemetryGenerator {
    let config: TelemetryConfig
    let scenario: Scenario
    let clock: StepClock
    let fleets: [NodeTelemetry]
    let stepsPerMessage: Int
    let dt: Double
    private var fleetSeq: [Int]
    /// Each fleet's energy reported so far (fleet mode), J.
    private var fleetTotal: [Double]
    /// Per fleet that moves, its share in each district at each step (fleet mode); empty otherwise.
    private let fleetShares: [[[Double]]]
    /// Steps whose messages have been generated.
    package private(set) var generatedSteps = 0
    /// Messages generated per fleet (by index), named in the `done` status so that a listener sees a
    /// tail it never received as gaps.
    package private(set) var messagesByFleet: [Int]

    package init(engine: Engine, config: TelemetryConfig) {
        self.config = config
        scenario = engine.scenario
        clock = engine.clock
        dt = Double(clock.step)
        stepsPerMessage = max(1, Int(config.interval / clock.step))
        fleetSeq = Array(repeating: 0, count: scenario.fleets.count)
        fleetTotal = Array(repeating: 0, count: scenario.fleets.count)
        messagesByFleet = Array(repeating: 0, count: scenario.fleets.count)
        fleetShares = scenario.fleets.map { f in config.mode == .fleets ? f.districtShares(on: engine.clock)?.energy ?? [] : [] }
        fleets =
            config.mode == .fleets
            ? []
            : scenario.fleets.indices.map { i in
                let f = engine.scenario.fleets[i]
                return NodeTelemetry(
                    index: i, nodes: engine.nodes(ofFleet: i), clock: engine.clock,
                    topicParts: {
                        config.topic.parts(
                            scenario: engine.scenario.name, district: $0, kind: f.kind.rawValue, layer: f.layer.rawValue, fleet: f.name,
                            apikey: config.apikey)
                    }, sample: config.sample, seed: engine.scenario.seed)
            }
    }

    /// The messages of steps `range`, one batch per step, handed to `emit(step, batch)`; stops early
    /// when `emit` returns false. `series` are the engine's chunk: index 0 is step `range.lowerBound`.
    package func generate(_ range: Range<Int>, series: [FleetSeries], emit: (Int, [OutgoingMessage]) -> Bool) {
        for m in range {
            var batch: [OutgoingMessage] = []
            let i = m - range.lowerBound
            if config.mode == .fleets {
                fleetMessages(step: m, energy: { series[$0].energy[i] }, into: &batch)
            } else {
                for f in fleets { nodeMessages(f, step: m, energy: series[f.index].energy[i], into: &batch) }
            }
            generatedSteps = m + 1
            if !emit(m, batch) { return }
        }
    }

    /// A last message for every node with energy not yet reported, at the end of what was simulated.
    package func finish(emit: (Int, [OutgoingMessage]) -> Bool) {
        guard config.mode == .nodes else { return }
        let end = generatedSteps
        let t = Double(clock.time(end))
        var batch: [OutgoingMessage] = []
        for f in fleets {
            for j in 0..<f.nodes.localNodes where f.isSampled(j) && (f.lastStep[j] >= 0 || f.carry[j] != 0) {
                let from = Int(f.lastStep[j])
                let e = f.carry[j] + (from >= 0 ? f.energy(j, from: from, to: end) : 0)
                guard e > 0 else { continue }
                batch.append(message(f, node: j, step: end - 1, time: t, energy: e))
                if from >= 0 { f.lastStep[j] = Int32(end) }
                f.carry[j] = 0
            }
        }
        _ = emit(end, batch)
    }

    /// One message per fleet and step; a fleet that moves sends one from each district where it
    /// has a share, with that share of its energy.
    private func fleetMessages(step m: Int, energy: (Int) -> Double, into batch: inout [OutgoingMessage]) {
        let t = Double(clock.time(m + 1))
        for (i, f) in scenario.fleets.enumerated() {
            let shares = fleetShares[i]
            for (d, district) in f.districts.enumerated() {
                let share = shares.isEmpty ? 1 : shares[d][m]
                if share > 0 || f.districts.count == 1 { fleetMessage(i, f, district: district, time: t, energy: energy(i) * share, into: &batch) }
            }
        }
    }

    private func fleetMessage(_ i: Int, _ f: Fleet, district: String, time t: Double, energy e: Double, into batch: inout [OutgoingMessage]) {
        fleetTotal[i] += e
        let reading = Reading(
            time: t, fleet: f.name, district: district, index: nil, kind: f.kind.rawValue, layer: f.layer.rawValue, power: e / dt, energy: e,
            total: fleetTotal[i], seq: fleetSeq[i])
        fleetSeq[i] += 1
        messagesByFleet[i] += 1
        let topic = config.topic.parts(
            scenario: scenario.name, district: district, kind: f.kind.rawValue, layer: f.layer.rawValue,
            fleet: f.name, apikey: config.apikey
        ).joined(separator: f.name)
        var w = ByteWriter(capacity: 256)
        w.text(topic)
        w.bytes.append(0)
        config.format.encode(reading, scenario: scenario.name, into: &w)
        var message = OutgoingMessage(bytes: w.bytes, topicLength: topic.utf8.count)
        message.route = UInt32(i)
        batch.append(message)
    }

    private func nodeMessages(_ f: NodeTelemetry, step m: Int, energy: Double, into batch: inout [OutgoingMessage]) {
        f.source.extend(step: m, energy: energy)
        let t0 = Double(clock.time(m))
        // Nodes that appear start reporting from this step; nodes that go carry what they had.
        let n = f.nodes.active(m)
        if n > f.activeLocal {
            for j in f.activeLocal..<n where f.isSampled(j) {
                f.lastStep[j] = Int32(m)
                if f.carry[j] == 0 { f.lastTime[j] = t0 }
            }
        } else if n < f.activeLocal {
            for j in n..<f.activeLocal where f.isSampled(j) && f.lastStep[j] >= 0 {
                f.carry[j] += f.energy(j, from: Int(f.lastStep[j]), to: m)
                f.lastStep[j] = -1
            }
        }
        f.activeLocal = n
        if f.source.reportsOnItsOwn {
            f.source.reports(step: m, active: n) { j, time, own in
                guard f.isSampled(j) else { return }
                let energy = f.carry[j] + f.energy(j, from: Int(f.lastStep[j]), to: m + 1) + own
                f.carry[j] = 0
                f.lastStep[j] = Int32(m + 1)
                batch.append(message(f, node: j, step: m, time: time, energy: energy))
            }
            return
        }
        guard (m + 1) % stepsPerMessage == 0 else { return }
        let t = Double(clock.time(m + 1))
        for j in 0..<n where f.isSampled(j) {
            let energy = f.carry[j] + f.energy(j, from: Int(f.lastStep[j]), to: m + 1)
            f.carry[j] = 0
            f.lastStep[j] = Int32(m + 1)
            batch.append(message(f, node: j, step: m, time: t, energy: energy))
        }
    }

    /// Node j's message at `time`, in step `m` (which places a node of a fleet that moves).
    private func message(_ f: NodeTelemetry, node j: Int, step m: Int, time: Double, energy e: Double) -> OutgoingMessage {
        let span = time - f.lastTime[j]
        f.total[j] += e
        let d = f.district(j, step: m)
        let reading = Reading(
            time: time, fleet: f.name, district: f.districts[d], index: f.nodes.globalIndex(j), kind: f.kindName, layer: f.layerName,
            power: span > 0 ? e / span : 0, energy: e, total: f.total[j], seq: Int(f.seq[j]))
        f.seq[j] += 1
        messagesByFleet[f.index] += 1
        f.lastTime[j] = time
        var w = ByteWriter(capacity: 256)
        for (k, part) in f.topicParts[d].enumerated() {
            if k > 0 { w.node(reading) }
            w.text(part)
        }
        let topicLength = w.bytes.count
        w.bytes.append(0)
        config.format.encode(reading, scenario: scenario.name, into: &w)
        var message = OutgoingMessage(bytes: w.bytes, topicLength: topicLength)
        // Consecutive nodes on consecutive connections; each fleet starts at a different one.
        message.route = UInt32(truncatingIfNeeded: f.index &* 7919 &+ reading.index!)
        return message
    }
}
