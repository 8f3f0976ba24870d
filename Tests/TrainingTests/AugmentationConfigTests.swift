import Datasets
import Testing
import Training

/// The config's `augmentation:` list becomes the Datasets module's steps; mistakes name file, line and item.
@Suite struct AugmentationConfigTests {
    @Test func stepsWithDefaultsAndGivenParameters() throws {
        let config = try TrainingConfig.parse("""
            data: d
            augmentation:
              - horizontal_flip
              - rotation: {max_degrees: 15, probability: 0.5}
              - color_jitter:
                  brightness: 0.3
              - random_resized_crop: {min_scale: 0.5}
              - vertical_flip: {probability: 0.25}
              - elastic: {alpha: 2}
              - zoom_out: {max_scale: 1.6, probability: 0.3, reflect: true}
            image_size: 48
            """, file: "c.yaml")
        #expect(config.augmentation == [
            .horizontalFlip(probability: 0.5),
            .rotation(maxDegrees: 15, probability: 0.5),
            .colorJitter(brightness: 0.3, contrast: 0, saturation: 0, probability: 1),
            .randomResizedCrop(width: 48, height: 48, minScale: 0.5, maxScale: 1, minRatio: 0.75, maxRatio: 4.0 / 3),
            .verticalFlip(probability: 0.25),
            .elastic(alpha: 2, sigma: 6, probability: 1),
            .zoomOut(maxScale: 1.6, probability: 0.3, reflect: true),
        ])
        let hparams = Dictionary(uniqueKeysWithValues: config.hyperparameters.map { ($0.key, $0.value) })
        #expect(hparams["augmentation"]?.hasPrefix("[horizontal_flip {probability: 0.5}, rotation {max_degrees: 15.0, probability: 0.5}") == true)
        #expect(hparams["augmentation"]?.hasSuffix("zoom_out {max_scale: 1.6, probability: 0.3, reflect: true}]") == true)
        #expect(try TrainingConfig.parse("data: d\n", file: "c.yaml").augmentation == nil, "absent: the classification defaults")
        #expect(try TrainingConfig.parse("data: d\naugmentation: []\n", file: "c.yaml").augmentation == [], "empty: none")
    }

    @Test func mistakesNameFileLineAndItem() {
        let cases = [
            ("data: d\naugmentation:\n  - flip\n", "c.yaml:3: augmentation[0]: unknown step 'flip' (known: color_jitter, elastic, horizontal_flip, random_resized_crop, rotation, vertical_flip, zoom_out)"),
            ("data: d\naugmentation:\n  - horizontal_flip\n  - rotation: {degrees: 10}\n", "c.yaml:4: augmentation[1].rotation: unknown parameter 'degrees' (known: max_degrees, probability)"),
            ("data: d\naugmentation:\n  - rotation:\n      max_degrees: ten\n", "c.yaml:4: augmentation[0].rotation.max_degrees: expected a non-negative number, got 'ten'"),
            ("data: d\naugmentation:\n  - horizontal_flip: {probability: 2}\n", "c.yaml:3: augmentation[0] horizontal_flip: probability must lie in [0, 1], got 2.0"),
            ("data: d\naugmentation:\n  - horizontal_flip\n  - rotation: {max_degrees: 200}\n", "c.yaml:4: augmentation[1] rotation: max_degrees must lie in [0, 180], got 200.0"),
            ("data: d\naugmentation:\n  - rotation: 10\n", "c.yaml:3: augmentation[0].rotation: expected a mapping of parameters (max_degrees, probability)"),
            ("data: d\naugmentation:\n  - zoom_out: {reflect: 0.3}\n", "c.yaml:3: augmentation[0].zoom_out.reflect: expected true or false, got '0.3'"),
            ("data: d\naugmentation:\n  - zoom_out: {probability: true}\n", "c.yaml:3: augmentation[0].zoom_out.probability: expected a non-negative number, got 'true'"),
            ("data: d\naugmentation: horizontal_flip\n", "c.yaml:2: augmentation: expected a list of steps, e.g. [horizontal_flip, {rotation: {max_degrees: 10}}]"),
        ]
        for (text, message) in cases {
            do { _ = try TrainingConfig.parse(text, file: "c.yaml"); Issue.record("accepted \(text)") } catch {
                #expect(error.description == message)
            }
        }
    }

    /// The configured steps are what the training batches apply: with only a certain flip, every training image
    /// arrives mirrored.
    @Test func batchesApplyTheConfiguredSteps() throws {
        var flipped = TrainingFixtures.smallConfig()
        flipped.imageSize = 64  // the fixture's own size: no resampling between flip and comparison
        flipped.augmentation = [.horizontalFlip(probability: 1)]
        var plain = flipped
        plain.augment = false
        let dataset = try ImageFolder(root: TrainingFixtures.shapes)
        let a = try ClassificationBatches(dataset: dataset, config: flipped).trainingBatch(step: 0).inputs
        let b = try ClassificationBatches(dataset: dataset, config: plain).trainingBatch(step: 0).inputs
        let (n, c, h, w) = (a.shape[0], a.shape[1], a.shape[2], a.shape[3])
        var worst: Float = 0
        for i in 0..<(n * c * h) { for x in 0..<w { worst = max(worst, abs(a.data[i * w + x] - b.data[i * w + (w - 1 - x)])) } }
        #expect(worst < 1e-5, "largest difference from the mirrored plain batch: \(worst)")
        #expect(a.scalars != b.scalars)
    }
}
