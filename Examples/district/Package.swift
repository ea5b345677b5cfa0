// swift-tools-version:6.1
// An application that uses UrbanWatt as a library, by path: the CI builds and runs it.
import PackageDescription

let package = Package(
    name: "district",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "UrbanWatt", path: "../..")],
    targets: [
        .executableTarget(
            name: "district",
            dependencies: [.product(name: "UrbanWattKit", package: "UrbanWatt"), .product(name: "UrbanWattCore", package: "UrbanWatt")])
    ]
)
