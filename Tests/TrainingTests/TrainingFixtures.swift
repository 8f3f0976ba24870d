import Foundation
import Training

/// Paths and small configs shared by the training-loop tests.
enum TrainingFixtures {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shapes = repositoryRoot.appendingPathComponent("fixtures/shapes/classification").path

    static func temporaryFolder(_ label: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-\(label)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// shapes_cnn on the shapes fixture at 32×32: a few steps take well under a second each.
    static func smallConfig(steps: Int = 12) -> TrainingConfig {
        var c = TrainingConfig()
        c.data = shapes
        c.imageSize = 32
        c.batchSize = 4
        c.steps = steps
        c.evalEvery = 4
        c.keepLast = 2
        c.lr = 3e-3
        c.seed = 7
        return c
    }
}
