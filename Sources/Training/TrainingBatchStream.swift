import Datasets
import Foundation
import Tensors

/// The training batches of a range of steps, in step order. With workers, a `PrefetchingLoader` decodes, augments
/// and assembles them on background threads while the model trains; without, each is built when asked for.
/// Either way step s gets `task.trainingBatch(step: s)`, a pure function of (seed, epoch, batch), so prefetching
/// cannot change what a run computes.
final class TrainingBatchStream {
    private let task: any TrainingTask
    private let loader: PrefetchingLoader<TrainingBatch>?
    private var nextStep: Int

    init(_ task: any TrainingTask, steps: Range<Int>, workers: Int) {
        self.task = task
        nextStep = steps.lowerBound
        let first = steps.lowerBound
        task.hardExamples?.reopen()  // a previous stream of this run closed it when it stopped
        loader = workers > 0 && !steps.isEmpty
            ? PrefetchingLoader(count: steps.count, workers: workers, prefetch: 2 * workers) { offset in
                try task.trainingBatch(step: first + offset)
            }
            : nil
    }

    deinit {
        loader?.stop()
        task.hardExamples?.interruptWaits()  // a worker may wait for losses of steps that will not run now
    }

    /// The batch of the next step.
    func next() throws -> TrainingBatch {
        defer { nextStep += 1 }
        guard let loader else { return try task.trainingBatch(step: nextStep) }
        guard let result = loader.next() else { preconditionFailure("asked for a batch past the last step") }
        return try result.get()
    }
}
