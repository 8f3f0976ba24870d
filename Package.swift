// swift-tools-version: 6.0
import PackageDescription
import Foundation

// The numeric modules are optimised in debug builds too: the test suite trains small models and draws reports, and
// unoptimised element loops make that ten times slower without finding anything more.
let optimised: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

// Modules follow the pipeline in DESIGN.md: C shims are private system-library targets; each Swift module owns one concern.
let package = Package(
    name: "Fovea",
    products: [
        .executable(name: "fovea", targets: ["FoveaCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", path: "Sources/CShims/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CShims/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", path: "Sources/CShims/CJPEG", pkgConfig: "libjpeg",
                       providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CCairo", path: "Sources/CShims/CCairo", pkgConfig: "cairo",
                       providers: [.apt(["libcairo2-dev"])]),

        .systemLibrary(name: "CDNNL", path: "Sources/CShims/CDNNL", providers: [.apt(["libdnnl-dev"])]),

        .target(name: "Tensors", dependencies: ["COpenBLAS", "CDNNL"], swiftSettings: optimised),
        .target(name: "NN", dependencies: ["Tensors"], swiftSettings: optimised),
        .target(name: "Attribution", dependencies: ["NN"], swiftSettings: optimised),
        .target(name: "Training", dependencies: ["NN", "Datasets", "Evaluation", .product(name: "Yams", package: "Yams")]),
        .target(name: "Datasets", dependencies: ["CPNG", "CJPEG"], swiftSettings: optimised),
        .target(name: "Evaluation"),
        .target(name: "Failures", dependencies: ["Evaluation", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Report", dependencies: [
            "CCairo", "Datasets", "Evaluation", "Failures", .product(name: "Mustache", package: "swift-mustache"),
        ], swiftSettings: optimised),
        .target(name: "Iteration", dependencies: [
            "Training", "NN", "Attribution", "Datasets", "Evaluation", "Failures", "Report", .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "FoveaCLI", dependencies: [
            "Tensors", "NN", "Attribution", "Training", "Datasets", "Evaluation", "Failures", "Report", "Iteration", "CPNG", "CJPEG", "CCairo",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Sources/CLI"),

        .testTarget(name: "TensorsTests", dependencies: ["Tensors"]),
        .target(name: "TestSupport", dependencies: ["NN"], path: "Tests/Support"),
        .testTarget(name: "NNTests", dependencies: ["NN", "TestSupport"]),
        .testTarget(name: "AttributionTests", dependencies: ["Attribution", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "TestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
        .testTarget(name: "CLITests", dependencies: ["FoveaCLI", "Tensors", "NN", "Attribution"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation"]),
        .testTarget(name: "FailuresTests", dependencies: ["Failures"]),
        .testTarget(name: "ReportTests", dependencies: ["Report"]),
        .testTarget(name: "IterationTests", dependencies: ["Iteration"]),
    ]
)

// Reliability (docs/RELIABILITY.md): the input readers' shared fuzz entry points, the test suite that runs them
// over the seed corpora, and — only with FOVEA_FUZZ=1, since they have no main without libFuzzer — the harnesses.
package.targets += [
    .target(name: "FuzzTargets", dependencies: ["Datasets", "Evaluation", "NN", "Tensors"], path: "Sources/Fuzzing/FuzzTargets"),
    .testTarget(name: "ReliabilityTests", dependencies: ["FuzzTargets", "FoveaCLI", "Datasets", "Evaluation", "NN", "Tensors", "Training", "Failures"]),
]
if ProcessInfo.processInfo.environment["FOVEA_FUZZ"] == "1" {
    let harnesses = ["FuzzPNG", "FuzzJPEG", "FuzzCocoGroundTruth", "FuzzCocoResults", "FuzzCOCOInstances", "FuzzSafetensors", "FuzzNPY"]
    package.targets += harnesses.map {
        .executableTarget(name: $0, dependencies: ["FuzzTargets"], path: "Sources/Fuzzing/\($0)",
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    }
    package.products += harnesses.map { .executable(name: $0, targets: [$0]) }
}
