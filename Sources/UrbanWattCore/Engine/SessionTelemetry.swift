/// An EV charger's telemetry with drawn sessions: each charger reports every telemetry interval
/// its standby and the charging of its own sessions (the engine's draws), each step with its efficiency.
final class SessionTelemetry: TelemetrySource {
    let nodes: FleetNodes
    let charger: EVCharger
    /// Each local charger's sessions (start, end in Unix seconds), in time order.
    let sessions: [[(Double, Double)]]
    let efficiency: [Double]
    let dt: Double, start: Double
    /// Prefix sums over steps of efficiency × step length.
    var cumulative: [Double] = [0]
    /// Per charger, the first session that may still overlap what is not yet reported.
    var cursor: [Int]

    init(_ nodes: FleetNodes, _ charger: EVCharger) {
        self.nodes = nodes
        self.charger = charger
        var out = Array(repeating: [(Double, Double)](), count: nodes.localNodes)
        var draws = ChargerSessions(
            population: nodes.population, charger: charger, clock: nodes.clock, fleet: nodes.fleet.name, seed: nodes.seed, grid: nodes.grid)
        draws.draw(before: .infinity) { j, a, b in out[j].append((a, b)) }
        sessions = out
        efficiency = nodes.efficiency(0..<nodes.clock.count)
        dt = Double(nodes.clock.step)
        start = Double(nodes.clock.start)
        cursor = Array(repeating: 0, count: nodes.localNodes)
    }

    func extend(step m: Int, energy: Double) { cumulative.append(cumulative[m] + efficiency[m] * dt) }

    /// Standby all the time, plus (power − standby) while charging. Reports move forward in time,
    /// so sessions that ended before `a` are skipped for good.
    func energy(node j: Int, from a: Int, to b: Int) -> Double {
        guard b > a else { return 0 }
        var charging = 0.0
        let t0 = start + Double(a) * dt, t1 = start + Double(b) * dt
        let list = sessions[j]
        while cursor[j] < list.count && list[cursor[j]].1 <= t0 { cursor[j] += 1 }
        var k = cursor[j]
        while k < list.count && list[k].0 < t1 {
            let (s, e) = list[k]
            k += 1
            StepClock.forEachOverlap(from: max(s, t0), to: min(e, t1), start: start, dt: dt, count: efficiency.count) { m, span in
                charging += efficiency[m] * span
            }
        }
        return nodes.weight(j) * (charger.standby * (cumulative[b] - cumulative[a]) + (charger.power - charger.standby) * charging)
    }
}
