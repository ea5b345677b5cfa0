/// Computes one fleet's own energy and originated traffic, a chunk of steps at a time, in order.
/// Implementations keep whatever state they need between chunks.
public protocol FleetStepper: Sendable {
    /// Fills `series` (indexed from the chunk's first step) for the steps of `window`, a chunk's
    /// context (`StepperContext.window`).
    mutating func run(_ window: StepperContext, into series: inout FleetSeries)
    /// The battery life of every node that ever exists, for nodes that run on batteries (default none).
    func batteryLives() -> BatteryLives
}

extension FleetStepper {
    public func batteryLives() -> BatteryLives { BatteryLives() }
}

/// Nodes whose power is a per-step unit power (the same for every node, times its jitter factor):
/// devices, gateways, servers, data centres' IT load, base stations, street lights, traffic signals.
struct UnitPowerStepper: FleetStepper {
    let kind: any NodeKind
    let population: NodePopulation

    func run(_ w: StepperContext, into series: inout FleetSeries) {
        let efficiency = w.efficiency
        let unit = kind.unitPower(w)
        let ict = series.ict != nil ? kind.ictPower ?? 0 : 0
        let dt = w.dt
        for i in 0..<w.clock.count {
            let n = population.active(w.first + i)
            let weight = population.weight(n)
            series.nodes[i] = Int32(n)
            series.energy[i] = unit[i] * efficiency[i] * weight * dt
            // `!` after the nil check on the same line: the series is changed in place.
            if series.ict != nil { series.ict![i] = ict * efficiency[i] * weight * dt }
        }
    }
}
