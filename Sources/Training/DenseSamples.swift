import Datasets
import Foundation
import NN
import Tensors

/// The images of a detection or segmentation set as the model sees them: decoded, stretched to `image_size` with
/// their boxes or masks, kept while they fit `cacheBudget` (the rest are decoded again when drawn), then augmented
/// per (epoch, sample) and normalised into a batch.
/// Safe to use from several threads: the cache is the only mutable state, and a lock guards it.
final class DenseSamples: @unchecked Sendable {
    let size: Int
    let mean: [Float], std: [Float]
    let augmentation: AugmentationPipeline?
    /// Draws validation samples for TensorBoard.
    let grid: ValidationGrid
    /// Sample `index` at its own size, annotations in its pixels.
    private let load: @Sendable (Int) throws -> AnnotatedSample
    private var stretched: [Int: AnnotatedSample] = [:]
    private var cachedBytes = 0
    private let lock = NSLock()
    /// Bytes of stretched samples kept in memory: a fixture or a few thousand images at 128² fit whole; a
    /// COCO-sized set at 512² would not fit in RAM, and samples past the budget are simply not kept.
    let cacheBudget: Int

    init(_ config: TrainingConfig, cacheBudget: Int = 2 << 30, load: @escaping @Sendable (Int) throws -> AnnotatedSample) {
        self.cacheBudget = cacheBudget
        size = config.imageSize
        mean = config.mean.map(Float.init)
        std = config.std.map(Float.init)
        augmentation = !config.augment ? nil
            : AugmentationPipeline(steps: config.augmentation ?? AugmentationPipeline.defaults(for: config.task.fixtureTask).steps)
        grid = ValidationGrid(columns: 8, mean: config.mean, std: config.std)
        self.load = load
    }

    /// Sample `index` at `image_size`, augmented with `seed` (nil: as it is, for validation).
    func sample(_ index: Int, augmentSeed seed: UInt64?) throws -> AnnotatedSample {
        let cached = lock.withLock { stretched[index] }
        let sample = try cached ?? load(index).stretched(width: size, height: size, resample: Self.asTheModelIsFed)
        if cached == nil {
            let bytes = sample.image.values.count * MemoryLayout<Float>.size + (sample.mask?.labels.count ?? 0)
            lock.withLock {
                guard stretched[index] == nil, cachedBytes + bytes <= cacheBudget else { return }
                stretched[index] = sample
                cachedBytes += bytes
            }
        }
        guard let augmentation, let seed else { return sample }
        return augmentation.apply(sample, seed: seed)
    }

    /// The image resampled by `Preprocessing.resized`, as `fovea predict` and `fovea iterate` feed the model: a
    /// model is trained on the pixels it is later given (Datasets' own `Resize` weighs areas exactly, which differs
    /// at ratios that are not whole numbers).
    static func asTheModelIsFed(_ image: PlanarImage, width: Int, height: Int) -> PlanarImage {
        let input = Tensor(shape: [1, image.channels, image.height, image.width], image.values)
        return PlanarImage(width: width, height: height, channels: image.channels,
                           values: Preprocessing.resized(input, to: (height, width)).scalars)
    }

    /// Samples kept in memory (for tests of the budget).
    var cachedCount: Int { lock.withLock { stretched.count } }

    /// The normalised images as one [N, 3, size, size] batch.
    func inputs(_ samples: [AnnotatedSample]) -> Tensor {
        let plane = size * size
        var values = [Float](repeating: 0, count: samples.count * 3 * plane)
        for (n, sample) in samples.enumerated() {
            for c in 0..<3 {
                let base = (n * 3 + c) * plane, source = c * plane
                for i in 0..<plane { values[base + i] = (sample.image.values[source + i] - mean[c]) / std[c] }
            }
        }
        return Tensor(shape: [samples.count, 3, size, size], values)
    }

    /// Reads an image as RGB planes in [0, 1].
    static func image(at path: String) throws -> PlanarImage {
        do { return PlanarImage(try ImageCodecs.read(path: path).rgb8()) } catch { throw TrainingError("\(error)") }
    }
}

extension Architecture.Task {
    /// The same task as the Datasets module names it (for its default augmentations).
    var fixtureTask: ShapesFixture.Task {
        switch self {
        case .classification: .classification
        case .detection: .detection
        case .segmentation: .segmentation
        }
    }
}
