/// One key a kind reads from its fleet entry: the single description that the decoder reads by,
/// that `urbanwatt list` prints and that the JSON Schema is generated from, so the three agree.
public struct Parameter: Sendable {
    public var key: String
    public var shape: Shape
    public var required: Bool
    /// What the value is, for messages and the schema ("a charging power such as \"11 kW\"");
    /// nil for the shape's own wording.
    public var what: String?

    /// Whether the value names a district (`Shape.district`).
    public var isDistrict: Bool { if case .district = shape { true } else { false } }

    public init(_ key: String, _ shape: Shape, required: Bool = false, what: String? = nil) {
        self.key = key
        self.shape = shape
        self.required = required
        self.what = what
    }

    /// How a value may be written. The decoder checks the range of each shape, with a located error.
    public indirect enum Shape: Sendable {
        /// A number in the dimension's canonical unit or a string with a unit, or a distribution of either:
        /// at least `minimum` (nil: no lower bound), at most `maximum` (nil: the dimension's limit).
        case quantity(Dimension, minimum: Double? = 0, maximum: Double? = nil, positive: Bool = false, whole: Bool = false)
        /// `50%` or `0.5`, from 0 to `maximum` (nil: up to the fraction limit).
        case fraction(maximum: Double? = 1)
        /// A plain number within a range (a PUE, a solar elevation).
        case number(ClosedRange<Double>)
        case integer(ClosedRange<Int>)
        case choice([String])
        /// A fraction, a profile name, or `{profile: NAME, scale: 60%}`.
        case schedule
        /// The name of a built-in or scenario profile.
        case profile
        /// The name of one of the scenario's districts (read as text).
        case district
        /// A local time "HH:MM", as seconds of the day.
        case clockTime
        /// A number of years, or a duration with a unit, greater than zero and within the range; read as years.
        case years(ClosedRange<Double>)
        case mapping([Parameter])
        case list(Shape)
        /// Shares of whole-number keys within a range that add up to 100%: `{7: 50%, 9: 50%}`.
        case shares(ClosedRange<Int>)
        /// One of several shapes, told apart by how the value is written (a scalar, a mapping, a list).
        case anyOf([Shape])
        /// `{2025: 1.58, 2030: 1.3}`: values of the item shape (a number) at 1 January of listed years.
        case yearMap(Shape)
    }
}

/// A decoded value, in canonical units, as its shape describes it.
public indirect enum ParameterValue {
    /// quantity, fraction, number, integer, years, clock time (seconds of the day).
    case number(Double)
    /// choice.
    case text(String)
    case schedule(Schedule)
    case profile(name: String, Profile)
    case fields(KindInput)
    case list([ParameterValue])
    /// shares: (key, share) in the order written.
    case shares([(key: Int, share: Double)])
    case yearMap(YearMap)
}

/// What the scenario around a fleet offers that some kinds need.
public struct KindContext: Sendable {
    public var hasLocation: Bool
    public var hasCarbon: Bool
    public var hasPrice: Bool
    /// The calendar years the scenario's period touches, for kinds whose figures extrapolate over
    /// time and must stay finite over it; nil when the period could not be read.
    public var years: ClosedRange<Int>?

    public init(hasLocation: Bool = false, hasCarbon: Bool = false, hasPrice: Bool = false, years: ClosedRange<Int>? = nil) {
        self.hasLocation = hasLocation
        self.hasCarbon = hasCarbon
        self.hasPrice = hasPrice
        self.years = years
    }
}

/// The decoded keys of one mapping of a fleet, for a kind's `make`. A key is absent when it was not
/// written or could not be read (the decoder has then reported why, and the scenario is rejected).
/// A kind reports what only it can check, such as `max` below `idle`, with `error(_:_:)`, located
/// at the key by the decoder.
public struct KindInput {
    public var values: [String: ParameterValue]
    public var context: KindContext
    let report: (_ key: String?, _ message: String) -> Void

    public init(
        values: [String: ParameterValue], context: KindContext = KindContext(),
        report: @escaping (_ key: String?, _ message: String) -> Void = { _, _ in }
    ) {
        self.values = values
        self.context = context
        self.report = report
    }

    public subscript(_ key: String) -> ParameterValue? { values[key] }

    /// A number (quantity, fraction, integer, clock time), or nil when absent.
    public func number(_ key: String) -> Double? {
        if case .number(let v) = values[key] { return v }
        return nil
    }

    public func text(_ key: String) -> String? {
        if case .text(let s) = values[key] { return s }
        return nil
    }

    public func schedule(_ key: String) -> Schedule? {
        if case .schedule(let s) = values[key] { return s }
        return nil
    }

    /// A year map, or a number as a constant one; nil when absent.
    public func yearMap(_ key: String) -> YearMap? {
        switch values[key] {
        case .yearMap(let m): m
        case .number(let v): YearMap(v)
        default: nil
        }
    }

    public func fields(_ key: String) -> KindInput? {
        if case .fields(let f) = values[key] { return f }
        return nil
    }

    /// Reports a problem at `key` (nil: the mapping itself).
    public func error(_ key: String?, _ message: String) { report(key, message) }
}
