/// A kind of node by name: a handle on a `NodeKind` type for grouping, printing and lookup.
public struct FleetKind: Hashable, Sendable, CustomStringConvertible {
    public let type: any NodeKind.Type

    public init(_ type: any NodeKind.Type) { self.type = type }

    /// The registered kind named `rawValue` (`sensor`, `ev-charger`), or nil.
    public init?(rawValue: String) {
        guard let t = Kinds.all.first(where: { $0.name == rawValue }) else { return nil }
        type = t
    }

    /// Every kind, in the order of `Kinds.all`.
    public static var allCases: [FleetKind] { Kinds.all.map(FleetKind.init) }

    public var rawValue: String { type.name }
    public var description: String { type.name }
    public var defaultLayer: Layer { type.defaultLayer }
    public var summary: String { type.summary }
    public var embodied: Embodied.Default { type.embodied }

    public static func == (a: FleetKind, b: FleetKind) -> Bool { a.type == b.type }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(type)) }
}
