/// A sensor's telemetry: a message at each of its uplinks (phase + k × interval), carrying the
/// uplink's energy and the sleep since the node's previous message.
final class UplinkTelemetry: TelemetrySource {
    let nodes: FleetNodes
    let sensor: Sensor
    /// Nodes by phase, then index (the engine's order), with their phases; each node's energy per uplink.
    let order: [Int32]
    let sortedPhases: [Double]
    let uplink: [Double]
    let efficiency: [Double]
    let dt: Double, start: Double
    /// Prefix sums over steps of efficiency × sleep × step length.
    var cumulative: [Double] = [0]

    init(_ nodes: FleetNodes, _ sensor: Sensor) {
        self.nodes = nodes
        self.sensor = sensor
        let n = nodes.localNodes
        let phases = (0..<n).map { sensor.phase(fleetKey: nodes.fleetKey, node: nodes.globalIndex($0)) }
        let order = PhaseIndex.order(phases)
        self.order = order.map { Int32($0) }
        sortedPhases = order.map { phases[$0] }
        uplink = (0..<n).map { sensor.uplinkEnergy(fleetKey: nodes.fleetKey, node: nodes.globalIndex($0)) }
        efficiency = nodes.efficiency(0..<nodes.clock.count)
        dt = Double(nodes.clock.step)
        start = Double(nodes.clock.start)
    }

    func extend(step m: Int, energy: Double) {
        cumulative.append(cumulative[m] + efficiency[m] * sensor.sleep * dt)
    }

    func energy(node j: Int, from a: Int, to b: Int) -> Double {
        b > a ? nodes.weight(j) * (cumulative[b] - cumulative[a]) : 0
    }

    var reportsOnItsOwn: Bool { true }

    /// Uplinks in [t0, t0 + dt): per interval cycle, a contiguous run of nodes sorted by phase.
    func reports(step m: Int, active n: Int, _ body: (Int, Double, Double) -> Void) {
        let s = Double(m) * dt, e = s + dt, interval = sensor.interval
        var cycle = (s / interval).rounded(.down)
        while cycle * interval < e {
            let lo = max(0, s - cycle * interval), hi = min(interval, e - cycle * interval)
            var k = lowerBound(sortedPhases, lo)
            while k < sortedPhases.count && sortedPhases[k] < hi {
                let j = Int(order[k])
                if j < n { body(j, start + cycle * interval + sortedPhases[k], nodes.weight(j) * efficiency[m] * uplink[j]) }
                k += 1
            }
            cycle += 1
        }
    }
}
