import Datasets
import Foundation
import NN
import Tensors
import Testing
@testable import Training

/// Stretched samples are kept only while they fit the cache budget; past it they are decoded again, unchanged.
@Suite struct DenseSampleCacheTests {
    @Test func samplesPastTheBudgetAreDecodedAgainNotKept() throws {
        let config = try TrainingFixtures.denseConfig(.segmentation)
        let folder = try TrainingFixtures.denseShapes(.segmentation)
        let names = try FileManager.default.contentsOfDirectory(atPath: config.data).sorted()
        let loads = TrainingFixtures.Locked(0)
        // One sample at 64²: 3 planes of floats and a byte per mask pixel.
        let oneSample = 3 * 64 * 64 * 4 + 64 * 64
        let samples = DenseSamples(config, cacheBudget: 2 * oneSample) { index in
            loads.update { $0 += 1 }
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

    /// Training stretches a dense sample's image as `fovea predict` and `fovea iterate` feed the model
    /// (`Preprocessing`), also where the ratio is not a whole number (100×75 → 64×64; Datasets' exact-area `Resize`
    /// gives other pixels there); its mask moves along by nearest neighbour.
    @Test func imagesAreStretchedAsTheModelIsFed() throws {
        let config = try TrainingFixtures.denseConfig(.segmentation)
        #expect(config.imageSize == 64)
        let (width, height) = (100, 75)
        let values = (0..<(3 * width * height)).map { Float(($0 * 7919) % 256) / 255 }
        let labels = (0..<(width * height)).map { UInt8(($0 % width) * 3 / width) }  // three vertical bands
        let samples = DenseSamples(config) { _ in
            AnnotatedSample(image: PlanarImage(width: width, height: height, channels: 3, values: values),
                            mask: SegmentationMask(width: width, height: height, labels: labels))
        }
        let sample = try samples.sample(0, augmentSeed: nil)
        let fed = Preprocessing(size: 64, resize: .stretch, mean: [0, 0, 0], std: [1, 1, 1])
            .apply(Tensor(shape: [1, 3, height, width], values))
        #expect(sample.image.values == fed.scalars)
        let areaWeighted = Resize.resize(PlanarImage(width: width, height: height, channels: 3, values: values), width: 64, height: 64)
        #expect(areaWeighted.values != fed.scalars, "the two resamplings differ here, so the test tells them apart")
        #expect(sample.mask!.label(x: 0, y: 30) == 0 && sample.mask!.label(x: 32, y: 30) == 1 && sample.mask!.label(x: 63, y: 30) == 2)
    }
}
