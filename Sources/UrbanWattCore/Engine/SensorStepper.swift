/// Sensors: a sleep floor plus periodic uplinks with a fixed random phase per node.
///
/// When the uplink interval divides the step, every node sends `step / interval` uplinks per step and
/// no per-node state is needed. Otherwise a `PhaseIndex` counts, per step, the active nodes whose
/// next uplink falls inside it, in O(log N).
struct SensorStepper: FleetStepper {
    let population: NodePopulation
    let sensor: Sensor
    let dt: Double
    /// Prefix sums over local nodes of weight × J per uplink; nil when every node has the same energy.
    let uplinkPrefix: [Double]?
    var phases: PhaseIndex?

    init(population: NodePopulation, sensor: Sensor, dt: Double, fleet: String, seed: UInt64) {
        self.population = population
        self.sensor = sensor
        self.dt = dt
        let n = population.localNodes
        let homogeneousEnergy = sensor.radio.uplinkEnergy.count == 1
        let key = NodeRandom.fleetKey(seed: seed, fleet: fleet)
        var perNode: [Double]? = nil
        if !homogeneousEnergy {
            perNode = (0..<n).map { j in
                population.weight(of: j) * sensor.uplinkEnergy(fleetKey: key, node: population.shard.global(j))
            }
        }
        if let perNode {
            uplinkPrefix = CompensatedSum.prefixSums(count: n) { perNode[$0] }
        } else {
            uplinkPrefix = nil
        }
        let perStep = dt / sensor.interval
        if perStep.rounded() == perStep {
            phases = nil
        } else {
            let e = sensor.radio.uplinkEnergy[0].joules
            let values = perNode ?? (0..<n).map { population.weight(of: $0) * e }
            let ph = (0..<n).map { sensor.phase(fleetKey: key, node: population.shard.global($0)) }
            phases = PhaseIndex(phases: ph, values: values)
        }
    }

    /// Σ weight × J per uplink over the first `local` nodes.
    @inline(__always) private func uplinkWeight(_ local: Int) -> Double {
        uplinkPrefix?[local] ?? population.weight(local) * sensor.radio.uplinkEnergy[0].joules
    }

    mutating func run(_ window: StepperContext, into series: inout FleetSeries) {
        let interval = sensor.interval
        let bytesPerMessage = sensor.bytesPerMessage
        let efficiency = window.efficiency
        for i in 0..<window.clock.count {
            let m = window.first + i
            let n = population.active(m)
            let w = population.weight(n)
            var messages: Int
            var uplinkJ: Double
            if phases == nil {
                let k = Int((dt / interval).rounded())
                messages = n * k
                uplinkJ = Double(k) * uplinkWeight(n)
            } else {
                // `phases` is not nil in this branch; it keeps its state between steps, so it is used in place.
                phases!.setActive(n)
                let s = Double(m) * dt, e = s + dt
                let qs = (s / interval).rounded(.down), qe = (e / interval).rounded(.down)
                let a = phases!.below(s - qs * interval), b = phases!.below(e - qe * interval)
                let full = Int(qe - qs)
                messages = phases!.activeCount * full + b.count - a.count
                uplinkJ = phases!.activeValue * Double(full) + b.value - a.value
            }
            series.nodes[i] = Int32(n)
            series.messages[i] = messages
            series.bytes[i] = messages * bytesPerMessage
            series.energy[i] = efficiency[i] * (sensor.sleep * w * dt + uplinkJ)
        }
    }

    /// Battery life of every node that ever exists: capacity / (weight × (sleep + J per uplink / interval)).
    func batteryLives() -> BatteryLives {
        var lives = BatteryLives()
        guard let capacity = sensor.battery else { return lives }
        let n = population.localNodes
        if uplinkPrefix == nil && population.weightPrefix == nil {
            lives.add(capacity / (sensor.sleep + sensor.radio.uplinkEnergy[0].joules / sensor.interval), nodes: n)
            return lives
        }
        for j in 0..<n {
            let w = population.weight(of: j)
            let e = uplinkPrefix.map { ($0[j + 1] - $0[j]) / w } ?? sensor.radio.uplinkEnergy[0].joules
            lives.add(capacity / (w * (sensor.sleep + e / sensor.interval)))
        }
        return lives
    }
}
