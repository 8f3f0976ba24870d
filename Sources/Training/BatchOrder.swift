import Datasets

/// Which training samples each step takes, for every task: epoch e is a seeded Fisher–Yates shuffle of the
/// training indices with its own stream, cut into whole batches (the last partial one dropped, as `drop_last=True`).
/// Every draw is a pure function of (seed, epoch, batch), so any step's batch is rebuilt without replaying the run,
/// and that position is all a checkpoint needs to record of the random state.
public struct BatchOrder: Sendable {
    public let training: [Int]
    public let batchSize: Int
    let seed: UInt64

    public init(training: [Int], batchSize: Int, seed: UInt64) {
        self.training = training
        self.batchSize = batchSize
        self.seed = seed
    }

    /// Whole batches per epoch, at least one.
    public var batchesPerEpoch: Int { max(1, training.count / batchSize) }

    public func position(ofStep step: Int) -> (epoch: Int, batch: Int) { (step / batchesPerEpoch, step % batchesPerEpoch) }

    /// Training sample indices in epoch order.
    public func order(epoch: Int) -> [Int] {
        var order = training
        var generator = SeededGenerator(seed: seed ^ (UInt64(epoch + 1) &* 0xD1B5_4A32_D192_ED03))
        generator.shuffle(&order)
        return order
    }

    /// The samples of the batch taken at `step`, and the epoch it belongs to.
    public func members(ofStep step: Int) -> (epoch: Int, samples: [Int]) {
        let (epoch, batch) = position(ofStep: step)
        return (epoch, Array(order(epoch: epoch).dropFirst(batch * batchSize).prefix(batchSize)))
    }

    /// The seed of one sample's augmentation in one epoch: the same image is augmented differently each epoch.
    public func augmentationSeed(epoch: Int, sample: Int) -> UInt64 {
        (seed &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(epoch) &* 0xBF58_476D_1CE4_E5B9) ^ UInt64(sample)
    }

    /// A seeded split of `count` unlabelled samples (detection and segmentation images): `fraction` of them,
    /// rounded, for validation, at least one of each side when there are two or more. Both lists sorted.
    public static func split(count: Int, validationFraction fraction: Double, seed: UInt64) -> (training: [Int], validation: [Int]) {
        var indices = Array(0..<count)
        var generator = SeededGenerator(seed: seed ^ 0x5EED_5B11_7DA7_A5E7)
        generator.shuffle(&indices)
        var take = Int((Double(count) * fraction).rounded())
        if fraction > 0, count >= 2 { take = min(max(take, 1), count - 1) }
        return (Array(indices.dropFirst(take)).sorted(), Array(indices.prefix(take)).sorted())
    }
}
