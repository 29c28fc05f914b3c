// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "AIGateway",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ai-gateway", targets: ["ai-gateway"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .target(name: "CONNXRuntime"),
        .target(
            name: "ONNXRuntime",
            dependencies: ["CONNXRuntime"]
        ),
        .target(name: "Tokenizers"),
        .target(name: "ChatTemplate"),
        .target(
            name: "GatewayCore",
            dependencies: [
                "ONNXRuntime",
                "Tokenizers",
                "ChatTemplate",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "HubPull",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "GatewayBench",
            dependencies: [
                "GatewayCore",
                "ONNXRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .target(
            name: "OpenAIAPI",
            dependencies: ["GatewayCore", "ChatTemplate"]
        ),
        .target(
            name: "GatewayServer",
            dependencies: [
                "GatewayCore",
                "OpenAIAPI",
                "HubPull",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.embedInCode("Resources/openapi.json")]
        ),
        .executableTarget(
            name: "ai-gateway",
            dependencies: [
                "GatewayServer",
                "GatewayCore",
                "GatewayBench",
                "HubPull",
                "ONNXRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ONNXRuntimeTests", dependencies: ["ONNXRuntime"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ChatTemplateTests", dependencies: ["ChatTemplate"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "GatewayCoreTests",
            dependencies: [
                "GatewayCore", "ONNXRuntime", "Tokenizers", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "GatewayBenchTests", dependencies: ["GatewayBench"]),
        .testTarget(
            name: "HubPullTests",
            dependencies: [
                "HubPull",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "OpenAIAPITests", dependencies: ["OpenAIAPI", "GatewayCore"]),
        .testTarget(
            name: "GatewayServerTests",
            dependencies: [
                "GatewayServer",
                "GatewayCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            exclude: ["Fixtures"]
        ),
    ]
)
