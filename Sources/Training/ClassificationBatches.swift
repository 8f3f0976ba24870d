import Datasets
import Foundation
import NN
import Tensors

/// Batches of an ImageFolder for classification. The order of epoch e and the augmentation of each sample are
/// pure functions of (seed, epoch, sample) (`BatchOrder`), so any step's batch can be rebuilt without replaying the earlier ones.
/// Safe to use from several threads (a prefetching loader assembles batches while the model trains): the decoded
/// image cache is the only mutable state, and a lock guards it.
public final class ClassificationBatches: @unchecked Sendable {
    public let dataset: ImageFolder
    public let validation: [Int]
    /// Which training samples each step takes in epoch order: all of the batch, or the part not drawn by loss.
    public let batchOrder: BatchOrder
    /// The part of each batch drawn by loss (`hard_example_share`), when asked for.
    public let hardExamples: HardExampleSampler?
    let batchSize: Int
    let preprocessing: Preprocessing
    let augmentation: AugmentationPipeline?
    private var decoded: [Int: Datasets.Image] = [:]
    private let decodedLock = NSLock()

    public init(dataset: ImageFolder, config: TrainingConfig) {
        self.dataset = dataset
        let seed = UInt64(bitPattern: Int64(config.seed))
        let (training, validation) = dataset.split(validationFraction: config.valFraction, seed: seed)
        self.validation = validation
        batchSize = config.batchSize
        let hard = min(config.hardExamplesPerBatch, training.count)
        batchOrder = BatchOrder(training: training, batchSize: config.batchSize - hard, seed: seed)
        hardExamples = hard > 0 ? HardExampleSampler(training: training, count: hard, classes: dataset.classes.names.count, seed: seed) : nil
        preprocessing = config.preprocessing
        augmentation = !config.augment ? nil
            : config.augmentation.map { AugmentationPipeline(steps: $0) } ?? AugmentationPipeline.defaults(for: .classification)
    }

    /// The inputs and labels of the training batch taken at `step`, and which samples they are: the epoch order's
    /// part, then the hard examples drawn for the step.
    public func trainingBatch(step: Int) throws -> (inputs: Tensor, labels: [Int], samples: [Int]) {
        let (epoch, members) = batchOrder.members(ofStep: step)
        var hard: [Int] = []
        if let hardExamples {
            guard let drawn = hardExamples.draw(step: step) else { throw TrainingError("step \(step): the run stopped before its hard examples were drawn") }
            hard = drawn
        }
        let order = batchOrder
        // A hard example drawn again within an epoch is augmented anew: its seed also depends on the step.
        let seeds = members.map { order.augmentationSeed(epoch: epoch, sample: $0) }
            + hard.map { order.augmentationSeed(epoch: epoch, sample: $0) ^ (UInt64(step + 1) &* 0xA24B_AED4_963E_E407) }
        let (inputs, labels) = try assemble(members + hard, augmentationSeeds: seeds)
        return (inputs, labels, members + hard)
    }

    /// Validation batches in index order, without augmentation.
    public func validationBatches() throws -> [(inputs: Tensor, labels: [Int])] {
        try stride(from: 0, to: validation.count, by: batchSize).map { start in
            try assemble(Array(validation[start..<min(start + batchSize, validation.count)]), augmentationSeeds: nil)
        }
    }

    private func assemble(_ members: [Int], augmentationSeeds: [UInt64]?) throws -> (inputs: Tensor, labels: [Int]) {
        let inputs = try members.indices.map { i -> Tensor in
            var image = try image(members[i])
            if let augmentation, let augmentationSeeds { image = augmentation.apply(AnnotatedSample(image: image), seed: augmentationSeeds[i]).image }
            return preprocessing.apply(Tensor(shape: [1, 3, image.height, image.width], image.values))
        }
        return (Tensor.concat(inputs, axis: 0), members.map { dataset.samples[$0].label })
    }

    /// Decoded once and kept as 8-bit RGB (a quarter of the floats' memory: 20000 images of 64² hold 245 MB, not
    /// 983 MB); an epoch re-reads every image.
    private func image(_ index: Int) throws -> PlanarImage {
        if let cached = decodedLock.withLock({ decoded[index] }) { return PlanarImage(cached) }
        let path = dataset.samples[index].path
        let image: Datasets.Image
        do { image = try ImageCodecs.read(path: path).rgb8() } catch { throw TrainingError("\(error)") }
        decodedLock.withLock { decoded[index] = image }
        return PlanarImage(image)
    }
}
