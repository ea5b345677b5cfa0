import Foundation

/// LoRa time on air (Semtech SX1276 datasheet §4.1.1.6, AN1200.13).
public struct LoRaModulation: Sendable, Equatable {
    public var spreadingFactor: Int
    /// Bandwidth, Hz.
    public var bandwidth: Double = 125_000
    public var preambleSymbols: Double = 8
    /// Coding rate index: 1 for 4/5 … 4 for 4/8.
    public var codingRate: Int = 1
    public var explicitHeader: Bool = true
    public var crc: Bool = true

    public init(spreadingFactor: Int, bandwidth: Double = 125_000, preambleSymbols: Double = 8, codingRate: Int = 1) {
        self.spreadingFactor = spreadingFactor
        self.bandwidth = bandwidth
        self.preambleSymbols = preambleSymbols
        self.codingRate = codingRate
    }

    /// Symbol time, s: `2^SF / BW`.
    public var symbolTime: Double { Double(1 << spreadingFactor) / bandwidth }

    /// Low-data-rate optimisation, on when the symbol time is 16 ms or more (SF11, SF12 at 125 kHz).
    public var lowDataRateOptimisation: Bool { symbolTime >= 0.016 }

    /// Seconds on air for a PHY payload of `phyPayload` bytes.
    public func timeOnAir(phyPayload: Int) -> Double {
        let sf = Double(spreadingFactor)
        let de = lowDataRateOptimisation ? 1.0 : 0.0
        let ih = explicitHeader ? 0.0 : 1.0
        let crcBits = crc ? 1.0 : 0.0
        let numerator = 8 * Double(phyPayload) - 4 * sf + 28 + 16 * crcBits - 20 * ih
        let symbols = 8 + max((numerator / (4 * (sf - 2 * de))).rounded(.up) * Double(codingRate + 4), 0)
        let preamble = (preambleSymbols + 4.25) * symbolTime
        return preamble + symbols * symbolTime
    }
}
