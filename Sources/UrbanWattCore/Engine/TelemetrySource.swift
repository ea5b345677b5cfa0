/// How per-node telemetry follows a kind's nodes: each node's energy between two steps, from the
/// same per-step figures the engine sums (so a node's messages add up to its share of the fleet's
/// energy), and the reports a node sends of its own accord, such as a sensor's uplinks.
///
/// A kind provides its source (`NodeKind.telemetrySource(_:)`); the default shares the fleet's
/// energy by jitter weight and reports every telemetry interval.
public protocol TelemetrySource: AnyObject {
    /// Extends the running sums with step `m` (the next one), whose energy for the whole fleet was `energy`.
    func extend(step m: Int, energy: Double)
    /// Node `j`'s energy over steps [a, b), beside what its own reports add.
    func energy(node j: Int, from a: Int, to b: Int) -> Double
    /// Whether nodes report of their own accord (`reports`) rather than every telemetry interval.
    var reportsOnItsOwn: Bool { get }
    /// The reports of the first `active` nodes in step `m`, in time order: the node, the time (Unix
    /// seconds) and the energy of the report itself (J, after jitter and efficiency).
    func reports(step m: Int, active: Int, _ body: (_ node: Int, _ time: Double, _ energy: Double) -> Void)
}

extension TelemetrySource {
    public var reportsOnItsOwn: Bool { false }
    public func reports(step m: Int, active: Int, _ body: (_ node: Int, _ time: Double, _ energy: Double) -> Void) {}
}

extension NodeKind {
    public func telemetrySource(_ nodes: FleetNodes) -> any TelemetrySource { SharedTelemetry(nodes) }
}

/// Each node reports its share, by jitter weight, of the fleet's energy.
final class SharedTelemetry: TelemetrySource {
    let nodes: FleetNodes
    /// Prefix sums over steps of the energy per unit of jitter weight.
    var cumulative: [Double] = [0]

    init(_ nodes: FleetNodes) { self.nodes = nodes }

    func extend(step m: Int, energy: Double) {
        let w = nodes.activeWeight(m)
        cumulative.append(cumulative[m] + (w > 0 ? energy / w : 0))
    }

    func energy(node j: Int, from a: Int, to b: Int) -> Double {
        b > a ? nodes.weight(j) * (cumulative[b] - cumulative[a]) : 0
    }
}
