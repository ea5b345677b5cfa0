import UrbanWattCore

/// One fleet's telemetry state: per node the step up to which its energy has been reported, the
/// energy carried over while it was inactive, its sequence number and the time of its last message.
///
/// A node's energy between two messages is computed from the same per-step figures the engine
/// sums, so the energies of all of a node's messages add up to its share of the fleet's energy.
final class NodeTelemetry {
    enum Model {
        /// Energy per unit of jitter weight per step is the fleet's energy / active weight.
        case shared
        case sensor(Sensor, order: [Int32], sortedPhases: [Double], uplink: [Double])
        case charger(EVCharger, sessions: [[(Double, Double)]])
    }

    let index: Int
    let nodes: FleetNodes
    /// The fleet's name and kind, kept as Strings once (the message hot path only retains them).
    let name: String
    let kindName: String
    let layerName: String
    let district: String
    let model: Model
    let topicParts: [String]
    let sampled: [Bool]?
    let dt: Double
    let start: Double
    /// The fleet's efficiency factor at each step of the period.
    let efficiency: [Double]
    /// Prefix sums over steps: energy per unit weight (`shared`), sleep energy (`sensor`), or
    /// efficiency × step length (`charger`).
    var cumulative: [Double] = [0]
    var activeLocal = 0
    var lastStep: [Int32]
    var carry: [Double]
    var seq: [Int32]
    /// Each node's energy reported so far, J (the counter its messages carry).
    var total: [Double]
    var lastTime: [Double]
    /// Per charger, the first session that may still overlap what is not yet reported.
    var sessionCursor: [Int]

    init(index: Int, nodes: FleetNodes, clock: StepClock, topicParts: [String], sample: Double, seed: UInt64) {
        self.index = index
        self.nodes = nodes
        name = nodes.fleet.name
        kindName = nodes.fleet.kind.rawValue
        layerName = nodes.fleet.layer.rawValue
        district = nodes.fleet.district
        self.topicParts = topicParts
        dt = Double(clock.step)
        start = Double(clock.start)
        efficiency = nodes.efficiency(0..<clock.count)
        let n = nodes.localNodes
        switch nodes.fleet.model.telemetry {
        case .uplinks(let sensor):
            let phases = (0..<n).map(nodes.phase)
            let order = PhaseIndex.order(phases) // by phase, then index: the engine's order
            model = .sensor(sensor, order: order.map { Int32($0) }, sortedPhases: order.map { phases[$0] }, uplink: (0..<n).map(nodes.uplinkEnergy))
        case .sessions(let charger):
            model = .charger(charger, sessions: nodes.chargingSessions())
        case .shared:
            model = .shared
        }
        sampled =
            sample >= 1
            ? nil
            : (0..<n).map {
                NodeRandom(seed: seed, fleet: nodes.fleet.name, node: nodes.globalIndex($0), purpose: .sample).unit() < sample
            }
        lastStep = Array(repeating: -1, count: n)
        carry = Array(repeating: 0, count: n)
        seq = Array(repeating: 0, count: n)
        total = Array(repeating: 0, count: n)
        lastTime = Array(repeating: 0, count: n)
        sessionCursor = Array(repeating: 0, count: n)
    }

    func isSampled(_ j: Int) -> Bool { sampled?[j] ?? true }

    /// Extends the prefix sums with step m, whose energy for the fleet was `energy`.
    func extend(step m: Int, energy: Double) {
        switch model {
        case .shared:
            let w = nodes.activeWeight(m)
            cumulative.append(cumulative[m] + (w > 0 ? energy / w : 0))
        case .sensor(let s, _, _, _):
            cumulative.append(cumulative[m] + efficiency[m] * s.sleep * dt)
        case .charger:
            cumulative.append(cumulative[m] + efficiency[m] * dt)
        }
    }

    /// Energy of node j over steps [a, b), excluding sensor uplinks (added per uplink).
    func energy(_ j: Int, from a: Int, to b: Int) -> Double {
        guard b > a else { return 0 }
        let w = nodes.weight(j)
        switch model {
        case .shared, .sensor:
            return w * (cumulative[b] - cumulative[a])
        case .charger(let c, let sessions):
            // Standby all the time, plus (power − standby) while charging, each step with its efficiency.
            // Reports move forward in time, so sessions that ended before `a` are skipped for good.
            var charging = 0.0
            let t0 = start + Double(a) * dt, t1 = start + Double(b) * dt
            let list = sessions[j]
            while sessionCursor[j] < list.count && list[sessionCursor[j]].1 <= t0 { sessionCursor[j] += 1 }
            var k = sessionCursor[j]
            while k < list.count && list[k].0 < t1 {
                let (s, e) = list[k]
                k += 1
                StepClock.forEachOverlap(from: max(s, t0), to: min(e, t1), start: start, dt: dt, count: efficiency.count) { m, span in
                    charging += efficiency[m] * span
                }
            }
            return w * (c.standby * (cumulative[b] - cumulative[a]) + (c.power - c.standby) * charging)
        }
    }
}
