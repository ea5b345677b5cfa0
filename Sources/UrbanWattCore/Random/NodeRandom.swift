import Foundation

/// Counter-based random numbers: every draw is a pure function of (seed, fleet, node, purpose, counter),
/// so a node's behaviour never depends on which other nodes are simulated, nor in which order.
///
/// The mixing function is SplitMix64's finaliser (Steele, Lea, Flood 2014), applied to a chain of keys.
public struct NodeRandom: Sendable {
    public let key: UInt64

    /// What a draw is for; each purpose has its own independent stream per node.
    public enum Purpose: UInt64, Sendable {
        case jitter = 1, phase, spreadingFactor, sample, chargerDay, parameter
        /// The draw that picks among equally good smart-charging starts: a stream of its own, so that
        /// a charger with smart charging and its reference without it draw the same sessions.
        case smartTie
        /// Where a node of a fleet that moves is (`Presence.district(of:_:step:)`).
        case district
    }

    public init(seed: UInt64, fleet: String, node: Int, purpose: Purpose, extra: UInt64 = 0) {
        self.init(fleetKey: NodeRandom.fleetKey(seed: seed, fleet: fleet), node: node, purpose: purpose, extra: extra)
    }

    /// The same stream from `fleetKey(seed:fleet:)`, computed once for a fleet's many nodes and days.
    public init(fleetKey: UInt64, node: Int, purpose: Purpose, extra: UInt64 = 0) {
        var h = NodeRandom.mix(fleetKey ^ UInt64(bitPattern: Int64(node)))
        h = NodeRandom.mix(h ^ (purpose.rawValue &* 0xD6E8_FEB8_6659_FD93))
        key = NodeRandom.mix(h ^ extra)
    }

    /// The `n`-th 64-bit draw of this stream.
    @inline(__always) public func bits(_ n: UInt64) -> UInt64 {
        NodeRandom.mix(key &+ (n &+ 1) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// The `n`-th draw, uniform in [0, 1).
    @inline(__always) public func unit(_ n: UInt64 = 0) -> Double {
        Double(bits(n) >> 11) * 0x1.0p-53
    }

    /// What a fleet's streams start from: its seed and name hashed.
    public static func fleetKey(seed: UInt64, fleet: String) -> UInt64 {
        NodeRandom.mix(NodeRandom.mix(seed &+ 0x9E37_79B9_7F4A_7C15) ^ NodeRandom.fnv1a(fleet))
    }

    @inline(__always) public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a 64-bit hash of the UTF-8 bytes, stable across runs and platforms.
    public static func fnv1a(_ text: String) -> UInt64 { fnv1a(bytes: text.utf8) }

    /// FNV-1a 64-bit hash of bytes: a checksum that tells files apart (not a defence against tampering).
    /// `continuing` a previous hash, the bytes are hashed as if appended to the earlier ones.
    public static func fnv1a<S: Sequence>(bytes: S, continuing hash: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 where S.Element == UInt8 {
        var hash = hash
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01B3
        }
        return hash
    }
}

/// A sequential stream over `NodeRandom`, for draws whose number is not known in advance.
public struct RandomSequence: Sendable {
    public let source: NodeRandom
    public private(set) var counter: UInt64 = 0

    public init(_ source: NodeRandom) { self.source = source }

    public mutating func unit() -> Double {
        defer { counter += 1 }
        return source.unit(counter)
    }

    /// A Poisson-distributed count with mean `lambda` (Knuth's method; lambda is small here).
    public mutating func poisson(_ lambda: Double) -> Int {
        if lambda <= 0 { return 0 }
        if lambda > 30 { // normal approximation keeps large means fast
            let n = normal(mean: lambda, sd: lambda.squareRoot())
            return max(0, Int(n.rounded()))
        }
        let limit = exp(-lambda)
        var k = 0
        var p = unit()
        while p > limit {
            k += 1
            p *= unit()
        }
        return k
    }

    /// A normal draw (Box–Muller, as `Distribution.normal` draws).
    public mutating func normal(mean: Double, sd: Double) -> Double {
        let u1 = unit()
        return Distribution.normal(mean: mean, sd: sd).sample(u1, unit())
    }
}
