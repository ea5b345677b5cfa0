/// The six layers every breakdown uses. Which energy is ICT is a kind's split, not its layer's
/// (`NodeKind.ictPower`): a street light's controller is ICT in the lighting layer.
public enum Layer: String, CaseIterable, Sendable, Codable {
    case sensing, network, compute, lighting, mobility, buildings
}
