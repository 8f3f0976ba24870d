import Datasets
import Foundation
import Testing
@testable import Training

/// Stretched samples are kept only while they fit the cache budget; past it they are decoded again, unchanged.
@Suite struct DenseSampleCacheTests {
    @Test func samplesPastTheBudgetAreDecodedAgainNotKept() throws {
        let config = try TrainingFixtures.denseConfig(.segmentation)
        let folder = try TrainingFixtures.denseShapes(.segmentation)
        let names = try FileManager.default.contentsOfDirectory(atPath: config.data).sorted()
        let loads = Counter()
        // One sample at 64²: 3 planes of floats and a byte per mask pixel.
        let oneSample = 3 * 64 * 64 * 4 + 64 * 64
        let samples = DenseSamples(config, cacheBudget: 2 * oneSample) { index in
            loads.increment()
            let image = PlanarImage(try ImageCodecs.read(path: "\(config.data)/\(names[index])").rgb8())
            let mask = try SegmentationMask.read(path: folder.appendingPathComponent("masks/\(names[index])").path)
            return AnnotatedSample(image: image, mask: mask)
        }
        let first = try (0..<3).map { try samples.sample($0, augmentSeed: nil) }
        #expect(samples.cachedCount == 2 && loads.value == 3)
        let again = try (0..<3).map { try samples.sample($0, augmentSeed: nil) }
        #expect(loads.value == 4, "only the sample past the budget is loaded again")
        #expect(zip(first, again).allSatisfy { $0.image.values == $1.image.values && $0.mask?.labels == $1.mask?.labels })
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
