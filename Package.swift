// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    // An import is internal unless it says `public`: a module's API names what it exposes.
    .enableUpcomingFeature("InternalImportsByDefault"),
    // A member from a module is visible only where that module is imported.
    .enableUpcomingFeature("MemberImportVisibility"),
]

// Linux only, and no Apple platform is declared: CI builds and tests on Debian 12, and the code
// imports Glibc (signals, file limits, strerror). SwiftNIO and NIOSSL, which carry every MQTT
// connection, run on macOS too; the Glibc calls and an untested build keep the list to Linux.
let package = Package(
    name: "UrbanWatt",
    products: [
        .executable(name: "urbanwatt", targets: ["urbanwatt"]),
        .library(name: "UrbanWattKit", targets: ["UrbanWattKit"]),
        .library(name: "UrbanWattCore", targets: ["UrbanWattCore"]),
        .library(name: "UrbanWattScenario", targets: ["UrbanWattScenario"]),
        .library(name: "UrbanWattResults", targets: ["UrbanWattResults"]),
        .library(name: "UrbanWattTelemetry", targets: ["UrbanWattTelemetry"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Units, calendar, profiles, random streams, device models and the cohort engine. No I/O.
        .target(name: "UrbanWattCore", swiftSettings: swiftSettings),
        // YAML scenario files with source locations, validation, JSON Schema, built-in scenarios.
        .target(
            name: "UrbanWattScenario",
            dependencies: ["UrbanWattCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings),
        // Summary, CSV and table writers; shard files (HMAC-SHA256 from swift-crypto for keyed seals).
        .target(name: "UrbanWattResults", dependencies: ["UrbanWattCore", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings),
        // Topics, payloads, the MQTT client, pacing and flow control, the listener.
        .target(
            name: "UrbanWattTelemetry",
            dependencies: [
                "UrbanWattCore", "UrbanWattResults", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings),
        // The library's front door: load, run, summarise, write (Examples/ shows it in ten lines).
        .target(
            name: "UrbanWattKit", dependencies: ["UrbanWattCore", "UrbanWattScenario", "UrbanWattResults"],
            swiftSettings: swiftSettings),
        // The command line: argument parsing and wiring only.
        .executableTarget(
            name: "urbanwatt",
            dependencies: [
                "UrbanWattCore", "UrbanWattScenario", "UrbanWattResults", "UrbanWattTelemetry", "UrbanWattKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "UrbanWattCoreTests", dependencies: ["UrbanWattCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "UrbanWattScenarioTests", dependencies: ["UrbanWattScenario", "UrbanWattCore"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "UrbanWattResultsTests",
            dependencies: ["UrbanWattResults", "UrbanWattScenario", "UrbanWattCore"],
            swiftSettings: swiftSettings),
        .testTarget(name: "UrbanWattKitTests", dependencies: ["UrbanWattKit", "UrbanWattCore"], swiftSettings: swiftSettings),
        // Runs the built binary for the end-to-end and telemetry tests.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "EndToEndTests", dependencies: ["urbanwatt", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TelemetryTests",
            dependencies: [
                "UrbanWattTelemetry", "UrbanWattScenario", "UrbanWattCore", "urbanwatt", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
    ]
)
