/// Nodes whose load follows the traffic they receive: at each step a base load plus the bytes
/// received over what the active nodes carry at full load (`capacity`), at most 1, and a node's
/// power at that load (a fog server's utilisation, a base station's load). The senders have run
/// for the step before it, so `series.bytes` holds what arrived.
struct ReceivedLoadStepper: FleetStepper {
    /// The load without traffic at each step of a window (none for a server, a base station's `load`).
    let base: Schedule
    /// B/s one node carries at full load.
    let capacity: Double
    let population: NodePopulation
    /// W of one node at a load in [0, 1].
    let power: @Sendable (Double) -> Double

    func run(_ w: StepperContext, into series: inout FleetSeries) {
        let efficiency = w.efficiency, dt = w.dt
        let base = base.series(on: w.clock)
        for i in 0..<w.clock.count {
            let n = population.active(w.first + i)
            let carried = n > 0 ? Double(series.bytes[i]) / dt / (Double(n) * capacity) : 0
            series.nodes[i] = Int32(n)
            series.energy[i] = n > 0 ? efficiency[i] * power(min(1, base[i] + carried)) * population.weight(n) * dt : 0
        }
    }
}
