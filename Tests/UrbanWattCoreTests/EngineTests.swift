import Testing
@testable import UrbanWattCore

@Suite struct GenericKindTests {
    @Test func aThousandFiveWattDevicesUse43800kWhIn2025() {
        let r = Engine(scenario: scenario([Fleet(name: "d", count: YearMap(1000), model: Device(power: 5, schedule: .constant(1)))])).record()
        #expect(close(r.kWh(), 43_800))
        #expect(r.fleets[0].nodes.last == 1000)
    }

    @Test func aHundredKilowattITLoadAtPUE15Uses1314000kWh() {
        let dc = Datacenter(itPower: 100_000, pue: YearMap(1.5))
        let r = Engine(scenario: scenario([Fleet(name: "dc", model: dc)])).record()
        #expect(close(r.kWh(), 1_314_000))
    }

    @Test func aServerAt50PercentBetween100And300WattDraws200W() {
        let r = Engine(scenario: scenario([Fleet(name: "s", model: Server(idle: 100, max: 300, utilisation: .constant(0.5)))])).record()
        #expect(close(r.kWh(), 200 * 8760 / 1000))
    }

    @Test func aGatewayDrawsItsPowerAlways() {
        let r = Engine(scenario: scenario([Fleet(name: "g", count: YearMap(20), model: Gateway(power: 3.2))])).record()
        #expect(close(r.kWh(), 20 * 3.2 * 8.76))
    }

    @Test func aDeviceFollowsItsProfile() {
        var hours = Array(repeating: 0.0, count: 24)
        for h in 18..<22 { hours[h] = 1 }
        let p = Profile(weekday: hours)
        let r = Engine(scenario: scenario([Fleet(name: "d", model: Device(power: 1000, schedule: .profile(name: "p", p, scale: 1)))])).record()
        #expect(close(r.kWh(), 4 * 365))
    }

    @Test func sensorsSleepAndSendUplinks() {
        // 100 sensors, 1 mJ per uplink every 15 min, 10 µW sleep: (10e-6 × 8760 h) + 35040 × 1 mJ per node.
        let sensor = Sensor(radio: Radio(type: .lorawan, energyPerUplink: 0.001), sleep: 10e-6, interval: 900, payload: 11, overhead: 13)
        let r = Engine(scenario: scenario([Fleet(name: "s", count: YearMap(100), model: sensor)])).record()
        let perNodeJ = 10e-6 * 8760 * 3600 + 35_040 * 0.001
        #expect(close(r.kWh(), 100 * perNodeJ / 3.6e6))
        #expect(r.messages() == 100 * 35_040)
        #expect(r.bytes() == 100 * 35_040 * 24)
    }
}

@Suite struct GrowthAndTrendTests {
    @Test func nodeIExistsWhileIIsBelowTheFlooredCount() {
        // count rises linearly from 0 to 8760 over 2025: in hour h exactly h nodes exist.
        let f = Fleet(name: "d", count: YearMap(points: [(2025, 0), (2026, 8760)]), model: Device(power: 1, schedule: .constant(1)))
        let r = Engine(scenario: scenario([f], step: 3600)).record()
        #expect(close(r.kWh(), 8759.0 * 8760 / 2 / 1000))
        #expect(r.fleets[0].nodes[100] == 100)
    }

    @Test func efficiencyScalesPowerPerCalendarYear() {
        let f = Fleet(name: "d", efficiency: Efficiency(perYear: 0.03, from: 2025), model: Device(power: 1000, schedule: .constant(1)))
        let r = Engine(scenario: scenario([f], to: .init(year: 2027, month: 1, day: 1), step: 3600)).record()
        #expect(close(r.kWh(), 8760 + 8760 * 0.97))
    }

    @Test func linkIntensityHalvesEveryTwoYears() {
        let link = Link(value: 0.06 * 3.6e6 / 1e9, year: 2015, halving: 2)
        #expect(close(link.intensity(year: 2025) * 1e9 / 3.6e6, 0.001875))
        #expect(close(link.intensity(year: 2016) * 1e9 / 3.6e6, 0.06 * 0.5.squareRoot()))
    }
}

@Suite struct TrafficTests {
    /// 1000 sensors, 100 B per uplink every hour, through a gateway and a link to a data centre.
    func chain() -> Scenario {
        let sensor = Sensor(radio: Radio(type: .lorawan, energyPerUplink: 0.001), sleep: 0, interval: 3600, payload: 87, overhead: 13)
        return scenario([
            Fleet(name: "s", count: YearMap(1000), via: "gw", model: sensor),
            Fleet(name: "gw", count: YearMap(2), via: "net", model: Gateway(power: 0)),
            Fleet(name: "net", via: "dc", model: Link(value: 0.06 * 3.6e6 / 1e9, year: 2015, halving: 2)),
            Fleet(name: "dc", model: Datacenter(itPower: 0, pue: YearMap(1.5), perByte: 0.5 * 3.6e6 / 1e9)),
        ])
    }

    @Test func messagesAndBytesFlowThroughTheViaChain() {
        let r = Engine(scenario: chain()).record()
        for i in 0..<4 {
            #expect(r.messages(i) == 8_760_000)
            #expect(r.bytes(i) == 876_000_000)
        }
    }

    @Test func linksAndDataCentresTurnBytesIntoEnergy() {
        let r = Engine(scenario: chain()).record()
        #expect(close(r.kWh(2), 0.876 * 0.001875)) // 0.876 GB at 0.001875 kWh/GB in 2025
        #expect(close(r.kWh(3), 0.876 * 0.5 * 1.5)) // per_gb × PUE
        #expect(r.kWh(1) == 0) // gateways add no energy per byte
    }
}

@Suite struct DeterminismTests {
    func jittered(_ extra: Bool) -> Scenario {
        let sensor = Sensor(
            radio: Radio(type: .lorawan, uplinkEnergy: [.init(share: 0.5, joules: 0.04), .init(share: 0.5, joules: 0.4)]),
            sleep: 1e-5, interval: 1000, payload: 10, overhead: 13)
        var fleets = [Fleet(name: "a", count: YearMap(points: [(2025, 10), (2026, 500)]), jitter: 0.1, model: sensor)]
        if extra { fleets.insert(Fleet(name: "b", count: YearMap(300), jitter: 0.2, model: sensor), at: 0) }
        return scenario(fleets, to: .init(year: 2025, month: 3, day: 1))
    }

    @Test func twoRunsGiveTheSameSeries() {
        let a = Engine(scenario: jittered(false)).record(), b = Engine(scenario: jittered(false)).record()
        #expect(a.fleets == b.fleets)
    }

    @Test func aNodesDrawsDoNotChangeWhenAnotherFleetIsAdded() {
        let alone = Engine(scenario: jittered(false)).record()
        let together = Engine(scenario: jittered(true)).record()
        #expect(alone.fleets[0] == together.fleets[1])
    }

    @Test func cohortCountsEqualANodeByNodeSimulation() {
        // Interval 1000 s, step 900 s: per-node phases decide which step holds each uplink.
        let s = jittered(false)
        let r = Engine(scenario: s).record()
        let clock = StepClock(from: s.start, to: s.end, step: s.step, zone: .utc)
        let fleet = s.fleets[0]
        guard let sensor = fleet.model as? Sensor else { return }
        var messages = [Int](repeating: 0, count: clock.count)
        var energy = [Double](repeating: 0, count: clock.count)
        let counts = fleet.count.series(on: clock).map { Int(($0 + 1e-9).rounded(.down)) }
        for i in 0..<500 {
            let phase = NodeRandom(seed: s.seed, fleet: "a", node: i, purpose: .phase).unit() * 1000
            let w = NodePopulation.jitterFactor(fleetKey: NodeRandom.fleetKey(seed: s.seed, fleet: "a"), node: i, jitter: 0.1)
            let option = sensor.radio.option(for: NodeRandom(seed: s.seed, fleet: "a", node: i, purpose: .spreadingFactor).unit())
            var t = phase
            while t < Double(clock.count) * 900 {
                let m = Int(t / 900)
                if i < counts[m] {
                    messages[m] += 1
                    energy[m] += w * sensor.radio.uplinkEnergy[option].joules
                }
                t += 1000
            }
            for m in 0..<clock.count where i < counts[m] { energy[m] += w * 1e-5 * 900 }
        }
        #expect(r.fleets[0].messages == messages)
        for m in 0..<clock.count { #expect(close(r.fleets[0].energy[m], energy[m], relative: 1e-9)) }
    }

    @Test func shardsAddUpToTheWholeRun() {
        let s = jittered(true)
        let whole = Engine(scenario: s).record()
        for n in [2, 3, 7] {
            let parts = (0..<n).map { Engine(scenario: s, shard: Shard(index: $0, count: n)).record() }
            for f in 0..<2 {
                #expect(parts.reduce(0) { $0 + $1.messages(f) } == whole.messages(f))
                #expect(close(parts.reduce(0) { $0 + $1.kWh(f) }, whole.kWh(f), relative: 1e-12))
            }
        }
    }

    /// Hundreds of thousands of nodes without jitter, so that the same few energies are added again
    /// and again and plain sums drift the same way each time (3e-12 before compensation): every
    /// step of the shards adds up to the whole run's within 1e-12, with uplinks that divide the step
    /// (prefix sums) and that do not (the phase index), and a count that jumps (a rebuilt index)
    /// and then grows node by node.
    @Test func shardsOfMillionsOfNodesAddUpWithin1e12() {
        let sensor = { (interval: Double) in
            Sensor(
                radio: Radio(type: .lorawan, uplinkEnergy: [.init(share: 0.5, joules: 0.04), .init(share: 0.3, joules: 0.1), .init(share: 0.2, joules: 0.4)]),
                sleep: 1e-5, interval: interval, payload: 10, overhead: 13)
        }
        let s = scenario(
            [
                Fleet(name: "dividing", count: YearMap(600_000), model: sensor(900)),
                Fleet(name: "phased", count: YearMap(points: [(2025, 400_000), (2026, 560_000)]), model: sensor(1000)),
            ], to: .init(year: 2025, month: 1, day: 3))
        let whole = Engine(scenario: s).record()
        let parts = (0..<3).map { Engine(scenario: s, shard: Shard(index: $0, count: 3)).record() }
        for f in 0..<2 {
            var worst = 0.0
            for m in 0..<whole.fleets[f].energy.count {
                let sum = parts.reduce(0) { $0 + $1.fleets[f].energy[m] }, w = whole.fleets[f].energy[m]
                worst = max(worst, abs(sum - w) / w)
            }
            #expect(worst <= 1e-12, "fleet \(f): worst relative difference \(worst)")
            #expect(parts.reduce(0) { $0 + $1.messages(f) } == whole.messages(f))
        }
    }

    @Test func compensatedSumsStayWithinARoundingOfTheExactSum() {
        // 0.1 ten million times: plain addition drifts by about 1.6e-10 relative; the exact sum of the
        // binary 0.1 is 10⁷ × 0.1000000000000000055511151231257827.
        var s = CompensatedSum()
        var plain = 0.0
        for _ in 0..<10_000_000 {
            s.add(0.1)
            plain += 0.1
        }
        let exact = 1_000_000.000000000055511151231257827
        #expect(abs(s.value - exact) <= exact.ulp)
        #expect(abs(plain - exact) > 1e-10 * exact)
        #expect(CompensatedSum.prefixSums(count: 4) { Double($0) } == [0, 0, 1, 3, 6])
    }

    @Test func anInterruptedRunStopsBetweenChunks() {
        var calls = 0
        let r = Engine(scenario: jittered(false)).run(
            chunk: 96,
            shouldStop: {
                calls += 1; return calls > 3
            }
        ) { _, _ in }
        #expect(r.completedSteps == 3 * 96)
        #expect(!r.complete)
    }
}

@Suite struct WorkEstimateTests {
    /// Two fleets of 10 and 5 nodes over one day at 15 min, hourly rows: 15 × 64 B + 24 rows × (16 B ×
    /// (total + layers + 2 fleets) + 160 B) + 2 fleets × 12.5 KiB + 1 district × 3 KiB + 32 MiB;
    /// streaming adds 96 steps × 2 fleets × 16 B.
    @Test func theEstimateIsTheStatedFormula() {
        let s = scenario(
            [Fleet(name: "a", count: YearMap(10), model: Gateway(power: 1)), Fleet(name: "b", count: YearMap(5), model: Gateway(power: 1))],
            from: .init(year: 2025, month: 3, day: 1), to: .init(year: 2025, month: 3, day: 2), step: 900)
        let e = WorkEstimate(s)
        #expect(e.steps == 96 && e.fleets == 2 && e.nodes == 15 && e.rows == 24)
        let columns = Double(1 + Layer.allCases.count + 2)
        let expected: Double = 15 * 64 + 24 * (columns * 16 + 160) + 2 * 12.5 * 1024 + 3 * 1024 + 32 * 1_048_576
        #expect(e.memoryBytes == expected)
        #expect(WorkEstimate(s, stepsPerRow: 1).rows == 96)
        #expect(WorkEstimate(s, streaming: true).memoryBytes == expected + 96 * 2 * 16)
    }

    /// The step count is StepClock's, daylight-saving days included, without building the clock.
    @Test func stepsMatchTheClockAcrossADaylightSavingChange() {
        let berlin = Zone(identifier: "Europe/Berlin")!
        let s = scenario(
            [Fleet(name: "a", model: Gateway(power: 1))], from: .init(year: 2025, month: 3, day: 30),
            to: .init(year: 2025, month: 3, day: 31), step: 900, zone: berlin)
        #expect(WorkEstimate(s).steps == 92)
        #expect(WorkEstimate(s).steps == StepClock(from: s.start, to: s.end, step: s.step, zone: s.zone).count)
    }
}

/// The phase index's bucket order is the comparison sort's: by phase, then by node, with ties,
/// zeros, a phase at the top and clustered phases.
@Suite struct PhaseOrderTests {
    @Test(arguments: [0, 1, 2, 17, 1000, 100_000])
    func bucketOrderEqualsTheComparisonSort(count: Int) {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D &+ UInt64(count)
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53
        }
        var phases = (0..<count).map { _ in next() * 600 }
        // Ties, zeros, the maximum twice, and a cluster in one narrow band.
        for k in stride(from: 0, to: count, by: 7) { phases[k] = phases[k / 2] }
        for k in stride(from: 3, to: count, by: 11) { phases[k] = 0 }
        for k in stride(from: 5, to: count, by: 13) { phases[k] = 300 + next() * 1e-9 }
        if count > 4 { phases[count - 1] = 600; phases[1] = 600 }
        let expected = phases.indices.sorted { phases[$0] < phases[$1] || (phases[$0] == phases[$1] && $0 < $1) }
        #expect(PhaseIndex.order(phases) == expected)
    }
}
