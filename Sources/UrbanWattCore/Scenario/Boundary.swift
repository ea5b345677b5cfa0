/// What the ICT overhead leaves out: fleets or kinds whose ICT energy is booked elsewhere, each
/// with the reason (`boundary: {exclude: {smart-meter-gateways: booked as grid losses}}`). The
/// balance names them with their energy, so that what is left out is seen.
public struct Boundary: Sendable, Equatable {
    public struct Exclusion: Sendable, Equatable {
        /// A fleet's name or a kind's.
        public var name: String
        public var reason: String

        public init(name: String, reason: String) {
            self.name = name
            self.reason = reason
        }
    }

    public let exclusions: [Exclusion]
    /// The reasons by name: asked for every fleet of every balance (fleets × years in fleets.csv).
    private let reasons: [String: String]

    public init(exclusions: [Exclusion] = []) {
        self.exclusions = exclusions
        reasons = Dictionary(exclusions.map { ($0.name, $0.reason) }, uniquingKeysWith: { a, _ in a })
    }

    /// Why `fleet` is outside the overhead (by its name, else its kind), nil when it is inside.
    public func reason(excluding fleet: Fleet) -> String? { reasons[fleet.name] ?? reasons[fleet.kind.rawValue] }
}
