import Datasets
import Foundation
import NN
import Tensors

/// What differs between training a classifier, a detector and a segmenter: the data and its batches, the loss,
/// and what a validation pass measures. The `Trainer` owns everything else (optimizer, schedule, clipping,
/// gradient norms, NaN guard, advisories, checkpoints, records), so all tasks share one loop.
///
/// Implementations are safe to call from several threads: a prefetching loader builds the batches of coming
/// steps while the model trains.
public protocol TrainingTask: AnyObject, Sendable {
    /// The dataset as meta.json records it and the fingerprint hashes it.
    var data: TaskData { get }
    /// Which training samples each step takes (the resumable random state).
    var batchOrder: BatchOrder { get }
    /// The training batch of `step`: a pure function of (seed, epoch, batch) — and, with hard-example sampling,
    /// of the losses recorded before step − 2, which checkpoints keep — so a resume rebuilds it exactly.
    func trainingBatch(step: Int) throws -> TrainingBatch
    /// The loss-driven sampler whose state checkpoints carry, when the task draws by loss.
    var hardExamples: HardExampleSampler? { get }
    /// A validation pass over the held-out samples; the model is in eval mode and no tape is recorded.
    /// `samples`: at most this many validation images drawn into the TensorBoard picture (0: none).
    /// Nil when nothing is held out.
    func evaluate(_ model: Module, samples: Int) throws -> TaskEvaluation?
}

/// One step's data: the model's inputs and how its output on them is scored.
/// Handed from a loader thread to the training thread, which owns it from then on.
public struct TrainingBatch: @unchecked Sendable {
    public let inputs: Tensor
    /// The training loss of the model's output on `inputs`, a scalar on the tape.
    public let loss: (Tensor) -> Tensor
    /// Shown the model's output after the forward pass (hard-example sampling records per-image losses).
    public let observe: ((Tensor) -> Void)?

    public init(inputs: Tensor, loss: @escaping (Tensor) -> Tensor, observe: ((Tensor) -> Void)? = nil) {
        self.inputs = inputs
        self.loss = loss
        self.observe = observe
    }
}

extension TrainingTask {
    public var hardExamples: HardExampleSampler? { nil }
}

/// What a dataset is to the run records: its root (also the fingerprint's), the files hashed, the class names.
public struct TaskData: Sendable {
    public let root: String
    public let files: [String]
    public let classes: [String]
}

/// The result of a validation pass.
public struct TaskEvaluation {
    /// Mean validation loss (the task's loss without training-only terms such as label smoothing).
    public var valLoss: Double
    /// The task's metrics besides `val_loss`, in the order they are shown: `val_acc`; `val_map`, `val_ap50`; `val_miou`.
    public var metrics: [(name: String, value: Double)]
    /// Validation samples drawn for TensorBoard's `val_samples` image, when the task draws them.
    public var picture: Datasets.Image?
}

extension Architecture.Task {
    /// The metrics a validation pass of this task records besides `val_loss`; the first picks the best checkpoint
    /// unless `best_metric` says otherwise (higher is better for each).
    public var metricNames: [String] {
        switch self {
        case .classification: ["val_acc"]
        case .detection: ["val_ap50", "val_map"]
        case .segmentation: ["val_miou"]
        }
    }

    /// The task behind a config's model, with its data loaded.
    func make(_ config: TrainingConfig) throws -> any TrainingTask {
        switch self {
        case .classification: try ClassificationTask(config)
        case .detection: try DetectionTask(config)
        case .segmentation: try SegmentationTask(config)
        }
    }
}

extension TaskData {
    /// A dense task's data spread over several paths (images folder, annotation file, masks folder): the root
    /// is the deepest folder holding them all, so moving the whole dataset keeps its fingerprint.
    init(spanning paths: [String], files: [String], classes: [String]) {
        let components = paths.map { URL(fileURLWithPath: $0).standardizedFileURL.deletingLastPathComponent().pathComponents }
        var common = components[0]
        for other in components.dropFirst() {
            common = Array(zip(common, other).prefix { $0 == $1 }.map(\.0))
        }
        self.init(root: NSString.path(withComponents: common.isEmpty ? ["/"] : common), files: files, classes: classes)
    }
}
