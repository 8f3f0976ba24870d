import Foundation

/// Images per second of decode + augment + batch assembly, through `PrefetchingLoader` or a plain loop on the
/// calling thread, over the same files with the same per-image seeds, so the two figures compare directly.
public enum LoaderBenchmark {
    public struct Result: Sendable, Equatable {
        public var images: Int
        public var failures: Int
        public var seconds: Double
        public var imagesPerSecond: Double { Double(images) / max(seconds, 1e-9) }
    }

    /// A training-like pipeline at `size` × `size`: random resized crop (scale 0.5–1), flip, colour jitter.
    public static func trainingPipeline(size: Int) -> AugmentationPipeline {
        AugmentationPipeline(steps: [
            .randomResizedCrop(width: size, height: size, minScale: 0.5, maxScale: 1, minRatio: 3.0 / 4, maxRatio: 4.0 / 3),
            .horizontalFlip(probability: 0.5),
            .colorJitter(brightness: 0.2, contrast: 0.2, saturation: 0.2, probability: 0.8),
        ])
    }

    /// `workers` > 0: through a prefetching loader with that many threads; 0: a single-thread loop. Each image is
    /// decoded, made 8-bit RGB, augmented with seed `seed + index`, and copied into a batch buffer of `batch`
    /// images (as a training step's input tensor is filled).
    public static func run(paths: [String], workers: Int, batch: Int = 32, pipeline: AugmentationPipeline? = nil,
                           seed: UInt64 = 0) -> Result {
        let load = { @Sendable (index: Int) throws -> PlanarImage in
            let image = PlanarImage(try ImageCodecs.read(path: paths[index]).rgb8())
            guard let pipeline else { return image }
            return pipeline.apply(AnnotatedSample(image: image), seed: seed &+ UInt64(index)).image
        }
        var assembler = BatchAssembler(batch: max(batch, 1))
        var failures = 0
        let start = DispatchTime.now().uptimeNanoseconds
        if workers > 0 {
            let loader = PrefetchingLoader(count: paths.count, workers: workers, prefetch: max(4 * workers, batch), load: load)
            while let result = loader.next() {
                if case .success(let image) = result { assembler.add(image) } else { failures += 1 }
            }
        } else {
            for index in paths.indices {
                if let image = try? load(index) { assembler.add(image) } else { failures += 1 }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Result(images: assembler.images, failures: failures, seconds: seconds)
    }
}

/// Copies images into one contiguous batch buffer, as a loader's consumer does before building a tensor.
private struct BatchAssembler {
    let batch: Int
    private(set) var images = 0
    private var buffer: [Float] = []
    private var filled = 0

    init(batch: Int) { self.batch = batch }

    mutating func add(_ image: PlanarImage) {
        if filled == batch || buffer.isEmpty {
            buffer = []
            buffer.reserveCapacity(batch * image.values.count)
            filled = 0
        }
        buffer.append(contentsOf: image.values)
        filled += 1
        images += 1
    }
}
