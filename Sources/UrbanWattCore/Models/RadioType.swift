/// Radio technologies with their default figures, each citing its sources by key (docs/sources.md).
public enum RadioType: String, CaseIterable, Sendable {
    case lorawan, nbiot, ltem, wifi

    /// Defaults for a radio type; the `source` is printed by `urbanwatt list`.
    public struct Defaults: Sendable {
        /// Sleep floor, W.
        public var sleep: Double
        /// Energy per uplink, J; nil where a formula computes it (LoRaWAN).
        public var energyPerUplink: Double?
        /// Protocol overhead per uplink, B.
        public var overhead: Int
        public var source: String

        /// The source keys of the sleep floor, the energy per uplink and the overhead.
        public var sleepSource: String { Self.keys(in: source, matching: ["SX1276", "nRF9160", "ESP8266"]) }
        public var energySource: String { Self.keys(in: source, matching: ["nRF9160", "ESP32"]) + (source.contains("assumed") ? " (U)" : "") }
        public var overheadSource: String { Self.keys(in: source, matching: ["LoRaWAN1.0", "IEEE802.11", "RFC791", "RFC768"]) }

        static func keys(in text: String, matching keys: [String]) -> String {
            keys.filter { text.contains("[\($0)]") }.map { "[\($0)]" }.joined(separator: " ")
        }
    }

    public var defaults: Defaults {
        switch self {
        case .lorawan:
            Defaults(
                sleep: 0.2e-6 * 3.3, energyPerUplink: nil, overhead: 13,
                source: "[SX1276] sleep 0.2 µA at 3.3 V, TX 29 mA at +13 dBm; "
                    + "time on air per [AN1200.13]; 13 B MAC overhead [LoRaWAN1.0]")
        case .nbiot:
            Defaults(
                sleep: 2.7e-6 * 3.7, energyPerUplink: 0.550, overhead: 28,
                source: "[nRF9160] PSM floor 2.7 µA at 3.7 V, 550 mJ per "
                    + "NB-IoT check-in from PSM; overhead IPv4 20 B + UDP 8 B [RFC791] [RFC768]")
        case .ltem:
            Defaults(
                sleep: 2.7e-6 * 3.7, energyPerUplink: 0.105, overhead: 28,
                source: "[nRF9160] PSM floor 2.7 µA at 3.7 V, 105 mJ per "
                    + "LTE-M check-in from PSM; overhead IPv4 20 B + UDP 8 B [RFC791] [RFC768]")
        case .wifi:
            Defaults(
                sleep: 20e-6 * 3.3, energyPerUplink: 0.2 * 3.3 * 0.5, overhead: 62,
                source: "[ESP8266] deep sleep 20 µA at 3.3 V; uplink = ESP32 TX "
                    + "~200 mA ([ESP32]: 160–260 mA) × 3.3 V × 0.5 s wake-associate-send "
                    + "(assumed, unverified); overhead 802.11 MAC header+FCS 34 B [IEEE802.11] + IPv4 20 B + UDP 8 B")
        }
    }

    /// LoRa modulation defaults [SX1276].
    public static let loraTxCurrent = 0.029
    public static let loraVoltage = 3.3
}
