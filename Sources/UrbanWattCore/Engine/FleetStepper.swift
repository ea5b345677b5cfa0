/// Computes one fleet's own energy and originated traffic, a range of steps at a time.
/// Implementations keep whatever state they need between ranges.
public protocol FleetStepper: Sendable {
    mutating func run(_ steps: Range<Int>, into series: inout FleetSeries)
    /// The battery life of every node that ever exists, for nodes that run on batteries (default none).
    func batteryLives() -> BatteryLives
}

extension FleetStepper {
    public func batteryLives() -> BatteryLives { BatteryLives() }
}

/// Nodes whose power is a per-step unit power (the same for every node, times its jitter factor):
/// devices, gateways, servers, data centres' IT load, base stations, street lights, traffic signals.
struct UnitPowerStepper: FleetStepper {
    let population: NodePopulation
    /// W per node (weight 1) at each step, efficiency included.
    let unitPower: [Double]
    /// The same for the replaced equipment, if any.
    let baselinePower: [Double]?
    let dt: Double

    func run(_ steps: Range<Int>, into series: inout FleetSeries) {
        for m in steps {
            let n = population.active(m)
            let w = population.weight(n)
            series.nodes[m] = Int32(n)
            series.energy[m] = unitPower[m] * w * dt
            if let b = baselinePower { series.baseline![m] = b[m] * w * dt }
        }
    }
}
