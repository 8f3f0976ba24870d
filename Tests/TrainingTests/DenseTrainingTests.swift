import Datasets
import Foundation
import Tensors
import Testing
import Training

/// Detection and segmentation through the one training loop: records, metrics, exact resume, learning.
@Suite(.serialized) struct DenseTrainingTests {
    let revision = SourceRevision(commit: "test", dirty: false)

    @Test(arguments: [(ShapesFixture.Task.detection, ["val_ap50", "val_map"]), (.segmentation, ["val_miou"])])
    func aShortRunRecordsTheTaskMetricInMetricsAndMeta(_ task: ShapesFixture.Task, _ metrics: [String]) throws {
        let config = try TrainingFixtures.denseConfig(task, steps: 4)
        #expect(config.task.metricNames == metrics, "the names the config checks best_metric against are the ones recorded")
        let folder = TrainingFixtures.temporaryFolder("dense-\(task.rawValue)")
        let trainer = try Trainer(config: config, runDirectory: folder, resume: false, revision: revision)
        #expect(try trainer.run() == .finished(steps: 4))
        #expect(trainer.trainLosses.count == 4 && trainer.trainLosses.allSatisfy { $0.isFinite })

        let csv = try String(contentsOf: folder.appendingPathComponent("metrics.csv"), encoding: .utf8)
        let header = csv.split(separator: "\n")[0].split(separator: ",").map(String.init)
        for column in metrics + ["val_loss", "train_loss", "grad_norm_total", "step"] { #expect(header.contains(column), "\(column)") }
        #expect(!header.contains("val_acc"))

        let store = CheckpointStore(runDirectory: folder)
        let meta = try store.meta(at: try #require(store.latest()))
        for name in metrics + ["val_loss"] { #expect(meta.metrics[name]?.isFinite == true, "\(name) in meta.json") }
        #expect(meta.evaluations.map(\.step) == [2, 4])
        #expect(meta.evaluations.allSatisfy { $0.valAcc == nil && Set($0.metrics?.keys.map { $0 } ?? []) == Set(metrics) })
        #expect(meta.hyperparameters["best_metric"] == metrics[0])
        #expect(meta.dataset.classes.count == (task == .detection ? 5 : 6))
        for value in meta.evaluations.compactMap({ $0.metrics?[metrics[0]] }) { #expect((0...1).contains(value)) }
        #expect(store.best() != nil, "the best checkpoint by the recorded metric")
    }

    /// The same batch again and again: a model and loss that work drive the loss well down.
    @Test(arguments: [ShapesFixture.Task.detection, .segmentation])
    func theLossFallsOnOneBatchRepeated(_ task: ShapesFixture.Task) throws {
        var config = try TrainingFixtures.denseConfig(task)
        config.augment = false
        let trainer = try Trainer(config: config, runDirectory: TrainingFixtures.temporaryFolder("overfit"), resume: false, revision: revision)
        let batch = try trainer.task.trainingBatch(step: 0)
        trainer.optimizer.setRate(task == .detection ? 2e-3 : 1e-2)
        var losses: [Float] = []
        for _ in 0..<12 {
            trainer.optimizer.zeroGrad()
            let loss = batch.loss(trainer.model(batch.inputs))
            losses.append(loss.item)
            loss.backward()
            trainer.optimizer.step()
        }
        #expect(losses.allSatisfy { $0.isFinite })
        #expect(losses.suffix(3).max()! < 0.6 * losses[0], "\(losses)")
    }

    /// Augmented (the task defaults: flips, rotation, elastic for segmentation), prefetched on two threads, stopped
    /// and resumed: the losses and weights of a run on the training thread, bit for bit.
    @Test(arguments: [ShapesFixture.Task.segmentation, .detection])
    func aResumedDenseRunRepeatsTheUninterruptedOneExactly(_ task: ShapesFixture.Task) throws {
        var config = try TrainingFixtures.denseConfig(task, steps: 6)
        config.loaderWorkers = 0
        let whole = try Trainer(config: config, runDirectory: TrainingFixtures.temporaryFolder("dense-whole"), resume: false, revision: revision)
        _ = try whole.run()

        config.loaderWorkers = 2
        let folder = TrainingFixtures.temporaryFolder("dense-split")
        #expect(try Trainer(config: config, runDirectory: folder, resume: false, revision: revision).run(stopAfter: 3) == .paused(steps: 3))
        let resumed = try Trainer(config: config, runDirectory: folder, resume: true, revision: revision)
        #expect(try resumed.run() == .finished(steps: 6))
        #expect(resumed.trainLosses.map(\.bitPattern) == whole.trainLosses.map(\.bitPattern), "\(resumed.trainLosses) vs \(whole.trainLosses)")
        let sameWeights = zip(resumed.model.stateDict, whole.model.stateDict).allSatisfy { $0.tensor.scalars.map(\.bitPattern) == $1.tensor.scalars.map(\.bitPattern) }
        #expect(sameWeights)
        let csv = { (t: Trainer) in try String(contentsOf: t.runDirectory.appendingPathComponent("metrics.csv"), encoding: .utf8) }
        #expect(try csv(resumed) == csv(whole))
    }

    /// A horizontal flip moves the mask with the image: the flipped batch's targets are the plain batch's mirrored.
    @Test func geometricAugmentationMovesTheMasks() throws {
        var plain = try TrainingFixtures.denseConfig(.segmentation)
        plain.augmentation = []
        var flipped = plain
        flipped.augmentation = [.horizontalFlip(probability: 1)]
        let run = { (c: TrainingConfig) in try Trainer(config: c, runDirectory: TrainingFixtures.temporaryFolder("flip"), resume: false).task.trainingBatch(step: 0) }
        let a = try run(plain), b = try run(flipped)
        let (n, size) = (a.inputs.shape[0], a.inputs.shape[3])
        let mirrored = Tensor(shape: a.inputs.shape, (0..<a.inputs.count).map { i in a.inputs.scalars[i - i % size + size - 1 - i % size] })
        #expect(b.inputs.scalars == mirrored.scalars, "the images are mirrored")
        // Scoring the mirrored logits of a fixed output against the flipped targets equals scoring it against the plain ones.
        let logits = Tensor(shape: [n, 6, size, size], (0..<(n * 6 * size * size)).map { Float(($0 * 7919) % 13) / 13 })
        let logitsMirrored = Tensor(shape: logits.shape, (0..<logits.count).map { i in logits.scalars[i - i % size + size - 1 - i % size] })
        #expect(abs(a.loss(logits).item - b.loss(logitsMirrored).item) < 1e-6)
    }
}

/// Config mistakes of the dense tasks are one line naming the file, line and key.
@Suite struct DenseConfigTests {
    @Test func mistakesNameFileLineAndKey() throws {
        let folder = try TrainingFixtures.denseShapes(.detection)
        let images = folder.appendingPathComponent("images").path, annotations = folder.appendingPathComponent("annotations.json").path
        let cases = [
            ("data: \(images)\nmodel: centernet_resnet18\nannotations: /nope/annotations.json\n",
             "c.yaml:3: annotations: no such file or folder '/nope/annotations.json'"),
            ("data: \(images)\nmodel: centernet_resnet18\nannotations: \(folder.path)\n",
             "c.yaml:3: annotations: '\(folder.path)' is a folder, expected the COCO instances file"),
            ("data: \(images)\nmodel: unet_small\nannotations: \(annotations)\n",
             "c.yaml:3: annotations: only for detection models (unet_small is a segmentation model)"),
            ("data: \(images)\nmodel: resnet18\nmasks: \(images)\n",
             "c.yaml:3: masks: only for segmentation models (resnet18 is a classification model)"),
            ("data: \(images)\nmodel: unet_small\n", "c.yaml:2: model: unet_small is a segmentation model: `masks:` (the folder of class-index PNG masks) is required"),
            ("data: \(images)\nmodel: centernet_resnet18\nannotations: \(annotations)\naugmentation:\n  - zoom_out: {reflect: true}\n",
             "c.yaml:4: augmentation: augmentation[0] zoom_out: reflect mirrors objects near the edge into the border without their boxes; use reflect: false for detection"),
            ("data: \(images)\nmodel: centernet_resnet18\nannotations: \(annotations)\ndropout: 0.2\n",
             "c.yaml:4: dropout: not available for detection models (centernet_resnet18 is a detection model)"),
            ("data: \(images)\nmodel: centernet_resnet18\nannotations: \(annotations)\nbest_metric: val_acc\n",
             "c.yaml:4: best_metric: expected val_ap50, val_map, val_loss or train_loss for a detection model"),
            ("data: \(images)\nmodel: centernet\n", "c.yaml:2: model: 'centernet' is not an architecture of the zoo (known: "),
        ]
        for (text, message) in cases {
            do { _ = try TrainingConfig.parse(text, file: "c.yaml"); Issue.record("accepted \(text)") } catch {
                #expect(error.description.hasPrefix(message), "\(error.description)")
                #expect(!error.description.contains("\n"))
            }
        }
    }

    @Test func aDetectionConfigParsesWithTheTaskDefaults() throws {
        let folder = try TrainingFixtures.denseShapes(.detection)
        let config = try TrainingConfig.parse("""
            model: centernet_resnet18
            data: \(folder.appendingPathComponent("images").path)
            annotations: \(folder.appendingPathComponent("annotations.json").path)
            """, file: "c.yaml")
        #expect(config.task == .detection && config.selectionMetric == "val_ap50")
        let keys = Set(config.hyperparameters.map(\.key))
        #expect(keys.contains("annotations") && !keys.contains("masks"))
        #expect(!Set(TrainingFixtures.smallConfig().hyperparameters.map(\.key)).contains("annotations"), "classification records are unchanged")
    }

    @Test func aMaskWithAnUnknownClassStopsTheRunBeforeTheFirstStep() throws {
        let source = try TrainingFixtures.denseShapes(.segmentation)
        let folder = TrainingFixtures.temporaryFolder("badmask")
        try FileManager.default.copyItem(at: source.appendingPathComponent("images"), to: folder.appendingPathComponent("images"))
        try FileManager.default.copyItem(at: source.appendingPathComponent("masks"), to: folder.appendingPathComponent("masks"))
        try Data(#"["background", "square"]"#.utf8).write(to: folder.appendingPathComponent("classes.json"))
        var config = try TrainingFixtures.denseConfig(.segmentation)
        config.data = folder.appendingPathComponent("images").path
        config.masks = folder.appendingPathComponent("masks").path
        config.classes = folder.appendingPathComponent("classes.json").path
        #expect {
            _ = try Trainer(config: config, runDirectory: TrainingFixtures.temporaryFolder("badmask-run"), resume: false)
        } throws: { error in
            let text = (error as? TrainingError)?.description ?? ""
            return text.contains("masks/") && text.contains("the classes file names 2 (255 = ignore)")
        }
    }
    /// Detection's val_loss is CenterNet's per-object loss over the whole split: the batch size must not change it.
    @Test func detectionValidationLossDoesNotDependOnTheBatchSize() throws {
        let losses = try [1, 8].map { batch in
            var config = try TrainingFixtures.denseConfig(.detection)
            config.batchSize = batch
            config.valFraction = 0.5  // 8 images of one to four objects each
            let trainer = try Trainer(config: config, runDirectory: TrainingFixtures.temporaryFolder("valloss"), resume: false,
                                      revision: SourceRevision(commit: "test", dirty: false))
            trainer.model.eval()
            return try #require(try trainer.task.evaluate(trainer.model, samples: 0)).valLoss
        }
        #expect(abs(losses[0] - losses[1]) <= 1e-5 * abs(losses[0]), "\(losses)")
    }

    @Test func anImageWhoseSizeDisagreesWithItsAnnotationStopsTheRunBeforeTheFirstStep() throws {
        let source = try TrainingFixtures.denseShapes(.detection)
        let folder = TrainingFixtures.temporaryFolder("badsize")
        try FileManager.default.copyItem(at: source.appendingPathComponent("images"), to: folder.appendingPathComponent("images"))
        let annotations = folder.appendingPathComponent("annotations.json")
        var json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: source.appendingPathComponent("annotations.json"))) as? [String: Any])
        var images = try #require(json["images"] as? [[String: Any]])
        let (width, height) = (try #require(images[3]["width"] as? Int), try #require(images[3]["height"] as? Int))
        images[3]["width"] = width + 1
        json["images"] = images
        try JSONSerialization.data(withJSONObject: json).write(to: annotations)
        var config = try TrainingFixtures.denseConfig(.detection)
        config.data = folder.appendingPathComponent("images").path
        config.annotations = annotations.path
        let name = try #require(images[3]["file_name"] as? String), id = try #require(images[3]["id"] as? Int)
        #expect {
            _ = try Trainer(config: config, runDirectory: TrainingFixtures.temporaryFolder("badsize-run"), resume: false)
        } throws: { error in
            "\(error)" == "\(config.data)/\(name): the image is \(width)×\(height); \(annotations.path) images[id \(id)].width/height say \(width + 1)×\(height)"
        }
    }

    @Test func aMissingImagesFolderIsNamed() throws {
        var config = try TrainingFixtures.denseConfig(.segmentation)
        config.data = "/nonexistent/images"
        #expect {
            _ = try Trainer(config: config, runDirectory: TrainingFixtures.temporaryFolder("nodata-run"), resume: false)
        } throws: { "\($0)" == "/nonexistent/images: no such folder (the config's data: the images folder)" }
    }
}
