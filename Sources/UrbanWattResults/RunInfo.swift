public import UrbanWattCore

/// What a run knows besides the simulation: version, wall time, telemetry counters.
public struct RunInfo: Sendable {
    public var version: String
    public var wallSeconds: Double
    /// Telemetry messages generated, acknowledged by the broker, and dropped by flow control.
    public var generated: Int
    public var published: Int
    public var dropped: Int
    /// MQTT connections the telemetry used, and the seconds it took to open them (0, nil: none).
    public var clients = 0
    public var connectSeconds: Double?
    /// The `uncertainty` section of a `--runs` run.
    public var uncertainty: RunSummary.Uncertainty?
    /// Stopped before all it was asked to do (Ctrl-C during the Monte Carlo runs).
    public var interrupted = false

    public init(
        version: String = UrbanWattVersion.current, wallSeconds: Double, generated: Int = 0, published: Int = 0, dropped: Int = 0,
        uncertainty: RunSummary.Uncertainty? = nil
    ) {
        self.version = version
        self.wallSeconds = wallSeconds
        self.generated = generated
        self.published = published
        self.dropped = dropped
        self.uncertainty = uncertainty
    }
}
