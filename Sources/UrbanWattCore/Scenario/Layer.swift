/// The five layers every breakdown uses.
public enum Layer: String, CaseIterable, Sendable, Codable {
    case sensing, network, compute, lighting, mobility

    /// The layers whose energy is the ICT overhead of a smart city.
    public var isICT: Bool { self == .sensing || self == .network || self == .compute }
}
