/// A video camera (traffic, public space, number plates) streaming continuously upstream, the
/// largest data producer in a city. With `edge`, an analytics box beside each camera adds its power
/// and sends only `upstream` of the stream: the fog-versus-cloud question for video.
///
/// A stream is counted in bytes. With `fps` and no analytics box, each frame is also a message
/// for the data centre to analyse (its `per_message`, inference per frame); with `edge`, the box
/// analyses the frames and only its share of the stream goes on. Power and bitrate are per
/// camera; jitter varies the power only.
public struct Camera: NodeKind, Equatable {
    public static let name = "camera"
    public static let summary = "power (+ edge power); sends bitrate (× edge upstream) to its via"
    public static let embodied: Embodied.Default = .cited(
        Embodied(
            manufacturing: 30.4, transport: 1.6, endOfLife: 0.8, lifetime: 5 * Dimension.yearSeconds,
            source: "[Google-NestCam2021] a wired outdoor camera, as a proxy for a PoE camera (U)"))
    public static let defaultLayer = Layer.sensing
    public static let parameters = [
        Parameter("power", .quantity(.power), required: true),
        Parameter("bitrate", .quantity(.dataRate), required: true, what: "the stream's bit rate such as \"2 Mbit/s\""),
        Parameter(
            "edge",
            .mapping([
                Parameter("power", .quantity(.power), required: true, what: "the analytics box's power such as \"10 W\""),
                Parameter("upstream", .fraction(), required: true, what: "the share of the stream sent on, such as 5%"),
            ]), what: "{power: 10 W, upstream: 5%}"),
        Parameter("fps", .number(0...1000), what: "frames a second analysed upstream, such as 10"),
    ]

    /// The camera's power, W.
    public var power: Double
    /// The stream, B/s.
    public var bitrate: Double
    /// The analytics box's power, W (0 without one).
    public var edgePower: Double
    /// Share of the stream sent upstream (1 without an analytics box).
    public var upstream: Double
    /// Frames a second sent for analysis upstream (0 with an analytics box, which analyses them).
    public var framesUpstream = 0.0

    public init(power: Double, bitrate: Double, edgePower: Double = 0, upstream: Double = 1) {
        self.power = power
        self.bitrate = bitrate
        self.edgePower = edgePower
        self.upstream = upstream
    }

    public static func make(_ f: KindInput) -> Camera? {
        guard let power = f.number("power"), let bitrate = f.number("bitrate") else { return nil }
        guard let edge = f.fields("edge") else {
            var camera = Camera(power: power, bitrate: bitrate)
            camera.framesUpstream = f.number("fps") ?? 0
            return camera
        }
        if f.number("fps") != nil {
            f.error("fps", "`fps` counts the frames sent for analysis upstream; with `edge:` the box beside the camera analyses them, so give one or the other")
            return nil
        }
        guard let edgePower = edge.number("power"), let upstream = edge.number("upstream") else { return nil }
        return Camera(power: power, bitrate: bitrate, edgePower: edgePower, upstream: upstream)
    }

    public func assumptions(given: Set<String>) -> [Assumption] {
        [Assumption("power", power, "W", "scenario"), Assumption("bitrate", bitrate * 8, "bit/s", "scenario")]
            + (given.contains("edge")
                ? [Assumption("edge.power", edgePower, "W", "scenario"), Assumption("edge.upstream", upstream, "fraction", "scenario")] : [])
            + (framesUpstream > 0 ? [Assumption("fps", framesUpstream, "frames a second, analysed upstream", "scenario")] : [])
    }

    /// Bytes per second one camera sends upstream.
    public var sent: Double { bitrate * upstream }

    public var role: TrafficRole { .sends }
    public func unitPower(_ c: StepperContext) -> [Double] { Array(repeating: power + edgePower, count: c.clock.count) }
    public func traffic(seconds: Double) -> (messages: Double, bytes: Double) { (framesUpstream * (seconds + 1), sent * (seconds + 1)) }

    public func stepper(_ c: StepperContext) -> any FleetStepper {
        StreamStepper(power: unitPowerStepper(c), bytesPerNodeStep: sent * c.dt, framesPerNodeStep: framesUpstream * c.dt)
    }
}

/// Unit power, plus a continuous stream from every active node. Bytes are whole per step: the
/// running total is rounded, so no fraction of a byte is lost over the period.
struct StreamStepper: FleetStepper {
    let power: UnitPowerStepper
    let bytesPerNodeStep: Double
    /// Frames sent for analysis per node and step, each a message (whole, as the bytes).
    var framesPerNodeStep = 0.0
    var exact = 0.0, exactFrames = 0.0
    var counted = 0, countedFrames = 0

    mutating func run(_ w: StepperContext, into series: inout FleetSeries) {
        power.run(w, into: &series)
        for i in 0..<w.clock.count {
            exact += Double(series.nodes[i]) * bytesPerNodeStep
            let total = Int(exact.rounded())
            series.bytes[i] = total - counted
            counted = total
            guard framesPerNodeStep > 0 else { continue }
            exactFrames += Double(series.nodes[i]) * framesPerNodeStep
            let frames = Int(exactFrames.rounded())
            series.messages[i] = frames - countedFrames
            countedFrames = frames
        }
    }
}
