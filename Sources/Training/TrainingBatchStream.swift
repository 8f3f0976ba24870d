import Datasets
import Foundation
import Tensors

/// The training batches of a range of steps, in step order. With workers, a `PrefetchingLoader` decodes, augments
/// and assembles them on background threads while the model trains; without, each is built when asked for.
/// Either way step s gets `trainingBatch(step: s)`, a pure function of (seed, epoch, batch), so prefetching
/// cannot change what a run computes.
final class TrainingBatchStream {
    /// A batch handed from a loader thread to the training thread, which owns it from then on.
    struct Batch: @unchecked Sendable { let inputs: Tensor; let labels: [Int] }

    private let batches: ClassificationBatches
    private let loader: PrefetchingLoader<Batch>?
    private var nextStep: Int

    init(_ batches: ClassificationBatches, steps: Range<Int>, workers: Int) {
        self.batches = batches
        nextStep = steps.lowerBound
        let first = steps.lowerBound
        loader = workers > 0 && !steps.isEmpty
            ? PrefetchingLoader(count: steps.count, workers: workers, prefetch: 2 * workers) { offset in
                let (inputs, labels) = try batches.trainingBatch(step: first + offset)
                return Batch(inputs: inputs, labels: labels)
            }
            : nil
    }

    deinit { loader?.stop() }

    /// The batch of the next step.
    func next() throws -> (inputs: Tensor, labels: [Int]) {
        defer { nextStep += 1 }
        guard let loader else { return try batches.trainingBatch(step: nextStep) }
        guard let result = loader.next() else { preconditionFailure("asked for a batch past the last step") }
        let batch = try result.get()
        return (batch.inputs, batch.labels)
    }
}
