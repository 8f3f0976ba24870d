import Datasets
import Testing

@Suite struct AugmentationFitTests {
    @Test(arguments: ShapesFixture.Task.allCases)
    func theDefaultsFitTheirTask(task: ShapesFixture.Task) {
        #expect(AugmentationFit.problems(AugmentationPipeline.defaults(for: task).steps, task: task).isEmpty)
    }

    @Test func textLikeContentRefusesFlipsRotationsAndDistortingCrops() {
        let steps: [Augmentation] = [
            .horizontalFlip(probability: 0.5), .rotation(maxDegrees: 3, probability: 1), .rotation(maxDegrees: 20, probability: 1),
            .randomResizedCrop(width: 32, height: 32, minScale: 0.5, maxScale: 1, minRatio: 0.75, maxRatio: 1.33),
            .randomResizedCrop(width: 32, height: 32, minScale: 0.5, maxScale: 1, minRatio: 1, maxRatio: 1),
            .colorJitter(brightness: 0.2, contrast: 0.2, saturation: 0, probability: 1),
        ]
        let problems = AugmentationFit.problems(steps, task: .classification, textLike: true)
        #expect(problems.map(\.step) == [0, 2, 3])
        #expect(problems.map(\.description) == [
            "augmentation[0] horizontal_flip: a mirrored text-like image is not a valid sample",
            "augmentation[2] rotation: rotations beyond ±5° are not plausible for text-like images (got ±20.0°)",
            "augmentation[3] random_resized_crop: aspect ratios 0.75–1.33 distort text-like images; fix the ratio, or letterbox",
        ])
        #expect(AugmentationFit.problems(steps, task: .classification).isEmpty, "fine for ordinary images")
    }

    @Test func parametersOutOfRangeAreNamed() {
        let steps: [Augmentation] = [
            .verticalFlip(probability: 1.5), .rotation(maxDegrees: 270, probability: 1),
            .randomResizedCrop(width: 0, height: 8, minScale: 0.9, maxScale: 0.5, minRatio: 1, maxRatio: 1),
            .colorJitter(brightness: 2, contrast: 0, saturation: 0, probability: 1), .elastic(alpha: 4, sigma: 0, probability: 0.5),
        ]
        #expect(AugmentationFit.problems(steps, task: .segmentation).map(\.description) == [
            "augmentation[0] vertical_flip: probability must lie in [0, 1], got 1.5",
            "augmentation[1] rotation: max_degrees must lie in [0, 180], got 270.0",
            "augmentation[2] random_resized_crop: output size must be at least 1 × 1, got 0 × 8",
            "augmentation[2] random_resized_crop: scale must satisfy 0 < min_scale ≤ max_scale ≤ 1, got 0.9–0.5",
            "augmentation[3] color_jitter: brightness must lie in [0, 1], got 2.0",
            "augmentation[4] elastic: sigma must be positive, got 0.0",
        ])
    }
}
