import Datasets
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
    /// A value shared with other threads, behind a lock.
    final class Locked<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Value
        init(_ value: Value) { stored = value }
        var value: Value {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
        func update(_ change: (inout Value) -> Void) { lock.withLock { change(&stored) } }
    }

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

extension TrainingFixtures {
    /// A generated shapes set for a dense task (16 images of 128×128 by default), made once per test process; the
    /// lock keeps suites running in parallel from reading a set another is still writing.
    static func denseShapes(_ task: ShapesFixture.Task, images: Int = 16) throws -> URL {
        try denseShapesLock.withLock {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-dense-\(task.rawValue)-\(images)-\(getpid())")
            if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("images").path) {
                _ = try ShapesFixture.write(task: task, images: images, seed: 1, to: folder.path)
            }
            return folder
        }
    }
    private static let denseShapesLock = NSLock()

    /// centernet_resnet18 (detection) or unet_small (segmentation) at 64×64 on `denseShapes`: about a second a step.
    static func denseConfig(_ task: ShapesFixture.Task, steps: Int = 4) throws -> TrainingConfig {
        let folder = try denseShapes(task)
        var c = TrainingConfig()
        c.data = folder.appendingPathComponent("images").path
        switch task {
        case .detection:
            c.model = "centernet_resnet18"
            c.annotations = folder.appendingPathComponent("annotations.json").path
        case .segmentation:
            c.model = "unet_small"
            c.masks = folder.appendingPathComponent("masks").path
            c.classes = folder.appendingPathComponent("classes.json").path
        case .classification:
            preconditionFailure("use smallConfig")
        }
        c.imageSize = 64
        c.batchSize = 4
        c.steps = steps
        c.evalEvery = 2
        c.keepLast = 2
        c.lr = 2e-3
        c.seed = 5
        return c
    }
}
