/// Daily shapes that scenarios may name without defining them. A scenario's own `profiles:` entry of
/// the same name takes precedence.
public enum BuiltinProfiles {
    public struct Entry: Sendable {
        public var name: String
        public var profile: Profile
        public var source: String
    }

    public static let all: [Entry] = [
        Entry(name: "flat", profile: .constant(1), source: "constant 1 (definition)"),
        Entry(
            name: "office",
            profile: Profile(
                weekday: [
                    0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 0.8, 0.9, 1.0, 1.0,
                    0.9, 1.0, 1.0, 0.9, 0.8, 0.6, 0.4, 0.3, 0.2, 0.2, 0.1, 0.1,
                ],
                weekend: Array(repeating: 0.1, count: 24)),
            source: "working hours 8–18 on weekdays (assumed shape, unverified)"),
        Entry(
            name: "evening",
            profile: Profile(weekday: [
                0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3,
                0.3, 0.3, 0.3, 0.4, 0.6, 0.9, 1.0, 0.9, 0.7, 0.5, 0.3, 0.2,
            ]),
            source: "evening peak, as of residential EV charging (assumed shape, unverified)"),
        Entry(
            name: "mobile-traffic",
            profile: Profile(weekday: [
                0.25, 0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.35, 0.5, 0.6, 0.65, 0.7,
                0.72, 0.72, 0.7, 0.7, 0.72, 0.78, 0.85, 0.92, 1.0, 0.95, 0.75, 0.45,
            ]),
            source: "shape of the daily European mobile-traffic profile of the EARTH project "
                + "[Auer2011], read off its figure (unverified)"),
        Entry(
            name: "road-traffic",
            profile: Profile(
                weekday: [
                    0.05, 0.03, 0.02, 0.02, 0.05, 0.2, 0.6, 1.0, 0.9, 0.6, 0.55, 0.6,
                    0.65, 0.6, 0.65, 0.8, 0.95, 1.0, 0.8, 0.55, 0.4, 0.3, 0.2, 0.1,
                ],
                weekend: [
                    0.1, 0.07, 0.05, 0.03, 0.03, 0.05, 0.1, 0.2, 0.35, 0.5, 0.6, 0.65,
                    0.65, 0.6, 0.6, 0.6, 0.6, 0.55, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15,
                ]),
            source: "urban road traffic with morning and evening peaks (typical counting-station shape, unverified)"),
    ]

    public static func named(_ name: String) -> Profile? { all.first { $0.name == name }?.profile }
}
