/// A battery or mains sensor that sleeps and sends periodic uplinks over a radio.
public struct Sensor: Sendable, Equatable {
    /// The largest payload (and overhead) of one uplink, bytes: far above any LPWAN frame.
    public static let maximumPayload = 1e6

    public var radio: Radio
    /// Sleep power between uplinks, W.
    public var sleep: Double
    /// Seconds between two uplinks of one node.
    public var interval: Double
    /// Application payload per uplink, B.
    public var payload: Int
    /// Protocol overhead per uplink, B.
    public var overhead: Int
    /// Battery capacity, J; nil for mains-powered sensors.
    public var battery: Double?

    public init(radio: Radio, sleep: Double, interval: Double, payload: Int, overhead: Int, battery: Double? = nil) {
        self.radio = radio
        self.sleep = sleep
        self.interval = interval
        self.payload = payload
        self.overhead = overhead
        self.battery = battery
    }

    /// Bytes one uplink puts on the network.
    public var bytesPerMessage: Int { payload + overhead }

    /// A node's energy per uplink, J (before jitter and efficiency): its own draw of the radio's options.
    public func uplinkEnergy(seed: UInt64, fleet: String, node: Int) -> Double {
        if radio.uplinkEnergy.count == 1 { return radio.uplinkEnergy[0].joules }
        let u = NodeRandom(seed: seed, fleet: fleet, node: node, purpose: .spreadingFactor).unit()
        return radio.uplinkEnergy[radio.option(for: u)].joules
    }

    /// A node's uplink phase, s from the period start: its uplinks are at phase + k × interval.
    public func phase(seed: UInt64, fleet: String, node: Int) -> Double {
        NodeRandom(seed: seed, fleet: fleet, node: node, purpose: .phase).unit() * interval
    }
}

/// A radio's energy per uplink: one value, or several values with the share of nodes that draw each
/// (a spreading-factor distribution).
public struct Radio: Sendable, Equatable {
    public var type: RadioType
    /// (share of nodes, J per uplink, label); shares sum to 1.
    public var uplinkEnergy: [UplinkOption]

    public struct UplinkOption: Sendable, Equatable {
        public var share: Double
        public var joules: Double
        public var label: String

        public init(share: Double, joules: Double, label: String = "") {
            self.share = share
            self.joules = joules
            self.label = label
        }
    }

    public init(type: RadioType, uplinkEnergy: [UplinkOption]) {
        self.type = type
        self.uplinkEnergy = uplinkEnergy
    }

    public init(type: RadioType, energyPerUplink: Double) {
        self.init(type: type, uplinkEnergy: [UplinkOption(share: 1, joules: energyPerUplink)])
    }

    /// The option a node draws for a uniform number `u` in [0, 1).
    @inline(__always) public func option(for u: Double) -> Int {
        var cumulative = 0.0
        for (k, o) in uplinkEnergy.enumerated() {
            cumulative += o.share
            if u < cumulative { return k }
        }
        return uplinkEnergy.count - 1
    }
}
