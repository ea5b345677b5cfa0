/// Runs a scenario: builds one stepper per fleet, then advances all fleets together a chunk of steps
/// at a time, routing each step's traffic along `via:` from senders to receivers.
///
/// The engine reads no clock and does no I/O; progress and interruption go through the closures
/// given to `run`.
///
/// - Complexity: O(steps × fleets) plus O(N) once for fleets with per-node variation (their
///   phases bucketed by `PhaseIndex`).
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
            for v in Set(f.receivers) { if let t = index[v] { senders[t].append(i) } }
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

    /// Simulates the whole period, or until `shouldStop` answers true between two chunks, handing
    /// each chunk's series to `onChunk`; nothing per step outlives its chunk.
    ///
    /// - Parameters:
    ///   - chunk: steps per chunk; progress and interruption are checked between chunks.
    ///   - progress: called after each chunk with (steps done, steps in all, node-steps so far).
    ///   - shouldStop: asked before each chunk; true ends the run there (an interrupt).
    ///   - onChunk: called after each chunk with its steps and every fleet's series for them (index 0
    ///     is the chunk's first step): the results' aggregates, telemetry, a shard's series file.
    public func run(
        chunk: Int = 672, progress: (Int, Int, Int) -> Void = { _, _, _ in }, shouldStop: () -> Bool = { false },
        onChunk: (Range<Int>, [FleetSeries]) -> Void
    ) -> SimulationResult {
        let steps = clock.count
        let fleets = scenario.fleets
        var steppers: [any FleetStepper] = []
        var contexts: [StepperContext] = []
        var baselines: [CaseStepper?] = []
        var references: [CaseStepper?] = []
        for fleet in fleets {
            let context = stepperContext(fleet)
            contexts.append(context)
            steppers.append(fleet.model.stepper(context))
            baselines.append(fleet.replaces.map { CaseStepper(fleet, $0, context) })
            references.append(fleet.reference.map { CaseStepper(fleet, $0, context) })
        }
        let index = Dictionary(fleets.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        // Each fleet's receivers: one, or one per district it moves through; nil where a caller
        // removed the receiver after decoding (the traffic then goes nowhere).
        let receivers = fleets.map { $0.receivers.map { index[$0] } }
        let moving = fleets.map { $0.presence?.via != nil }
        // Nodes, messages and bytes split over the districts of a fleet that moves.
        var nodeSplits = fleets.map { DistrictSplit(districts: $0.presence?.districts.count ?? 0) }
        var messageSplits = nodeSplits, byteSplits = nodeSplits
        // The fleets that weigh the nodes attached to them (a `network`'s baseload share).
        let weighsAttached = fleets.map { $0.model.perAttachedNode(on: clock.window(0..<0)) != nil }
        // What each fleet has received and passed on so far, so that a share is forwarded without
        // rounding drift.
        var received = Array(repeating: (messages: 0, bytes: 0), count: fleets.count)
        var forwarded = received

        var done = 0
        var nodeSteps = 0
        while done < steps {
            if shouldStop() { break }
            let range = done..<min(steps, done + max(1, chunk))
            var series = fleets.map { FleetSeries(steps: range.count, parts: $0.seriesParts) }
            let facts = ChunkFacts()
            var attached = weighsAttached.map { $0 ? [Int](repeating: 0, count: range.count) : [] }
            for i in order {
                let window = contexts[i].window(range, facts: facts)
                steppers[i].run(window, into: &series[i])
                Self.addPerByte(fleets[i].model, window, into: &series[i])
                Self.addPerAttachedNode(fleets[i].model, window, attached: attached[i], into: &series[i])
                // The steppers keep state between chunks, so they are stepped in place (`!` after the nil check).
                if baselines[i] != nil { series[i].baseline = baselines[i]!.served(range, facts: facts, traffic: series[i]) }
                if references[i] != nil { series[i].reference = references[i]!.served(range, facts: facts, traffic: series[i]) }
                guard !receivers[i].isEmpty else {
                    for k in 0..<range.count { nodeSteps += Int(series[i].nodes[k]) }
                    continue
                }
                // What goes on at each step: all the fleet sends and received, or its share of what it received.
                var out = (nodes: series[i].nodes.map(Int.init), messages: series[i].messages, bytes: series[i].bytes)
                let share = fleets[i].model.forwardShare
                if share != 1 {
                    for k in 0..<range.count {
                        received[i].messages += series[i].messages[k]
                        received[i].bytes += series[i].bytes[k]
                        out.messages[k] = Int((Double(received[i].messages) * share).rounded()) - forwarded[i].messages
                        out.bytes[k] = Int((Double(received[i].bytes) * share).rounded()) - forwarded[i].bytes
                        forwarded[i].messages += out.messages[k]
                        forwarded[i].bytes += out.bytes[k]
                    }
                }
                if moving[i], let presence = fleets[i].presence, let split = fleets[i].districtShares(on: window.clock) {
                    // A fleet that moves sends from each district through that district's receiver:
                    // its nodes attach where they are, its traffic goes where its kind sends it.
                    let shares = presence.series(on: window.clock)
                    for k in 0..<range.count {
                        let nodes = nodeSplits[i].split(out.nodes[k], shares: shares, step: k)
                        let messages = messageSplits[i].split(out.messages[k], shares: split.traffic, step: k)
                        let bytes = byteSplits[i].split(out.bytes[k], shares: split.traffic, step: k)
                        for (d, receiver) in receivers[i].enumerated() {
                            guard let t = receiver else { continue }
                            if weighsAttached[t] { attached[t][k] += nodes[d] }
                            series[t].messages[k] += messages[d]
                            series[t].bytes[k] += bytes[d]
                        }
                    }
                } else if let t = receivers[i][0] {
                    for k in 0..<range.count {
                        if weighsAttached[t] { attached[t][k] += out.nodes[k] }
                        series[t].messages[k] += out.messages[k]
                        series[t].bytes[k] += out.bytes[k]
                    }
                }
                for k in 0..<range.count { nodeSteps += Int(series[i].nodes[k]) }
            }
            done = range.upperBound
            onChunk(range, series)
            progress(done, steps, nodeSteps)
        }
        return SimulationResult(
            scenario: scenario, clock: clock, shard: shard, batteryLives: steppers.map { $0.batteryLives() }, completedSteps: done,
            nodeSteps: nodeSteps)
    }

    /// Simulates the period and keeps every step of every fleet: for tests, and for small runs
    /// that need the series themselves. Memory grows with steps × fleets.
    public func record(shouldStop: () -> Bool = { false }) -> Recording {
        var fleets = scenario.fleets.map { FleetSeries(steps: 0, parts: $0.seriesParts) }
        let result = run(shouldStop: shouldStop) { _, chunk in
            for (i, s) in chunk.enumerated() { fleets[i].append(s) }
        }
        return Recording(result: result, fleets: fleets)
    }

    /// The energy a fleet's kind spends per byte and per message it received at each step of `window`.
    static func addPerByte(_ kind: any NodeKind, _ window: StepperContext, into series: inout FleetSeries) {
        let efficiency = window.efficiency
        if let rate = kind.perByte(on: window.clock) {
            for k in 0..<series.count { series.energy[k] += Double(series.bytes[k]) * (rate[k] * efficiency[k]) }
        }
        if let rate = kind.perMessage(on: window.clock) {
            for k in 0..<series.count { series.energy[k] += Double(series.messages[k]) * (rate[k] * efficiency[k]) }
        }
    }

    /// The energy a fleet's kind spends per node attached to it (by `via`) at each step of `window`.
    static func addPerAttachedNode(_ kind: any NodeKind, _ window: StepperContext, attached: [Int], into series: inout FleetSeries) {
        guard !attached.isEmpty, let rate = kind.perAttachedNode(on: window.clock) else { return }
        let efficiency = window.efficiency, dt = window.dt
        for k in 0..<series.count { series.energy[k] += Double(attached[k]) * (rate[k] * efficiency[k]) * dt }
    }

    /// A fleet's baseline or reference case: the same nodes, schedule and traffic with another model
    /// (the replaced equipment, or the fleet with its ICT functions off), stepped beside the fleet.
    struct CaseStepper {
        let kind: any NodeKind
        let context: StepperContext
        var stepper: any FleetStepper

        init(_ fleet: Fleet, _ kind: any NodeKind, _ actual: StepperContext) {
            var f = fleet
            f.model = kind
            self.kind = kind
            context = StepperContext(
                fleet: f, clock: actual.clock, seed: actual.seed, grid: actual.grid, location: actual.location, population: actual.population)
            stepper = kind.stepper(context)
        }

        /// The load the case serves over the chunk `range`, given the traffic the fleet received.
        mutating func served(_ range: Range<Int>, facts: ChunkFacts, traffic: FleetSeries) -> [Double] {
            let window = context.window(range, facts: facts)
            var series = FleetSeries(steps: range.count, parts: kind.ictPower != nil ? .ict : [])
            series.messages = traffic.messages
            series.bytes = traffic.bytes
            stepper.run(window, into: &series)
            Engine.addPerByte(kind, window, into: &series)
            return series.served
        }
    }

    /// What a fleet's kind builds its stepper from, over the whole period.
    func stepperContext(_ fleet: Fleet) -> StepperContext {
        StepperContext(
            fleet: fleet, clock: clock, seed: scenario.seed, grid: scenario.grid, location: scenario.location,
            population: NodePopulation(fleet: fleet, clock: clock, shard: shard, seed: scenario.seed))
    }
}
