/// Runs a scenario: builds one stepper per fleet, then advances all fleets together a chunk of steps
/// at a time, routing each step's traffic along `via:` from senders to receivers.
///
/// The engine reads no clock and does no I/O; progress and interruption go through the closures
/// given to `run`.
///
/// - Complexity: O(steps × fleets) plus O(N log N) once for fleets with per-node variation.
public struct Engine: Sendable {
    public let scenario: Scenario
    public let clock: StepClock
    public let shard: Shard
    /// Fleet indices, every sender before the fleet its `via:` names.
    let order: [Int]

    public init(scenario: Scenario, shard: Shard = .whole) {
        self.scenario = scenario
        self.shard = shard
        clock = StepClock(from: scenario.start, to: scenario.end, step: scenario.step, zone: scenario.zone)
        order = Engine.routingOrder(scenario.fleets)
    }

    /// Senders before receivers (depth-first on `via:`; validation has excluded cycles).
    static func routingOrder(_ fleets: [Fleet]) -> [Int] {
        let index = Dictionary(fleets.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        var senders = Array(repeating: [Int](), count: fleets.count)
        for (i, f) in fleets.enumerated() {
            if let v = f.via, let t = index[v] { senders[t].append(i) }
        }
        var done = Array(repeating: false, count: fleets.count)
        var order: [Int] = []
        func visit(_ i: Int) {
            if done[i] { return }
            done[i] = true
            for s in senders[i] { visit(s) }
            order.append(i)
        }
        for i in fleets.indices { visit(i) }
        return order
    }

    /// Simulates the whole period, or until `shouldStop` answers true between two chunks.
    ///
    /// - Parameters:
    ///   - chunk: steps per chunk; progress and interruption are checked between chunks.
    ///   - progress: called after each chunk with (steps done, steps in all, node-steps so far).
    ///   - onChunk: called after each chunk with its steps and every fleet's series so far (telemetry).
    public func run(
        chunk: Int = 672, progress: (Int, Int, Int) -> Void = { _, _, _ in }, shouldStop: () -> Bool = { false },
        onChunk: (Range<Int>, [FleetSeries]) -> Void = { _, _ in }
    ) -> SimulationResult {
        let steps = clock.count
        let dt = Double(clock.step)
        var series = scenario.fleets.map { FleetSeries(steps: steps, baseline: $0.replaces != nil) }
        var steppers: [any FleetStepper] = []
        var perByte: [[Double]?] = []
        for (i, fleet) in scenario.fleets.enumerated() {
            let context = stepperContext(fleet)
            steppers.append(fleet.model.stepper(context))
            series[i].batteryLives = steppers[i].batteryLives()
            perByte.append(fleet.model.perByte(on: clock).map { zip($0, context.efficiency).map(*) })
        }
        let target = scenario.fleets.map { f in f.via.flatMap { v in scenario.fleets.firstIndex { $0.name == v } } }
        // What each fleet has received and passed on so far, so that a share is forwarded without
        // rounding drift.
        var received = Array(repeating: (messages: 0, bytes: 0), count: scenario.fleets.count)
        var forwarded = received

        var done = 0
        var nodeSteps = 0
        while done < steps {
            if shouldStop() { break }
            let range = done..<min(steps, done + max(1, chunk))
            for i in order {
                steppers[i].run(range, into: &series[i])
                if let rate = perByte[i] {
                    for m in range { series[i].energy[m] += Double(series[i].bytes[m]) * rate[m] }
                }
                if let t = target[i] {
                    let share = scenario.fleets[i].model.forwardShare
                    for m in range {
                        if share == 1 {
                            series[t].messages[m] += series[i].messages[m]
                            series[t].bytes[m] += series[i].bytes[m]
                        } else {
                            received[i].messages += series[i].messages[m]
                            received[i].bytes += series[i].bytes[m]
                            let messages = Int((Double(received[i].messages) * share).rounded()) - forwarded[i].messages
                            let bytes = Int((Double(received[i].bytes) * share).rounded()) - forwarded[i].bytes
                            forwarded[i].messages += messages
                            forwarded[i].bytes += bytes
                            series[t].messages[m] += messages
                            series[t].bytes[m] += bytes
                        }
                    }
                }
                for m in range { nodeSteps += Int(series[i].nodes[m]) }
            }
            done = range.upperBound
            onChunk(range, series)
            progress(done, steps, nodeSteps)
        }
        return SimulationResult(
            scenario: scenario, clock: clock, shard: shard, fleets: series, completedSteps: done, nodeSteps: nodeSteps)
    }

    /// What a fleet's kind builds its stepper from.
    func stepperContext(_ fleet: Fleet) -> StepperContext {
        StepperContext(
            fleet: fleet, clock: clock, seed: scenario.seed, grid: scenario.grid, location: scenario.location,
            efficiency: efficiencySeries(fleet.efficiency),
            population: NodePopulation(fleet: fleet, clock: clock, shard: shard, seed: scenario.seed))
    }

    /// The efficiency factor of each step's calendar year.
    func efficiencySeries(_ efficiency: Efficiency?) -> [Double] {
        guard let efficiency else { return Array(repeating: 1, count: clock.count) }
        return clock.perYear(efficiency.factor)
    }
}
