import Datasets
import Evaluation
import Foundation
import NN
import Report
import Testing
@testable import Iteration

@Suite struct IterateConfigTests {
    @Test func unknownKeysAndWrongTypesNameFileLineAndKey() {
        let cases: [(String, String)] = [
            ("task: classification\ntrian: a.yaml\n", "it.yaml:2: trian: unknown key"),
            ("task: classification\ntrain: a.yaml\nmax_cases: many\n", "it.yaml:3: max_cases: expected an integer, got 'many'"),
            ("task: regression\n", "it.yaml:1: task: 'regression' is not one of classification, detection, segmentation"),
            ("task: classification\ntrain: a.yaml\ncam_methods: [gradcam, deepdream]\n", "it.yaml:3: cam_methods: 'deepdream' is not one of"),
            ("task: classification\n", "it.yaml: train: required for classification"),
            ("task: detection\nground_truth: gt.json\n", "it.yaml: ground_truth and predictions (or model and weights, or train): required for detection"),
            ("task: detection\nground_truth: gt.json\nmodel: centernet_resnet18\n", "it.yaml: model and weights: give both, or neither"),
            ("task: detection\nground_truth: gt.json\nmodel: centernet_resnet18\nweights: w.safetensors\n", "it.yaml: images: required to run the model"),
            ("- a\n- b\n", "it.yaml: expected a mapping"),
            ("task: [classification\n", "it.yaml: invalid YAML:"),
            ("train: a.yaml\nworkspace: w\ntrain: b.yaml\n", "it.yaml:3: train: given twice (first at line 1)"),
        ]
        for (yaml, expected) in cases {
            do {
                _ = try IterateConfig.parse(yaml, file: "it.yaml")
                Issue.record("accepted: \(yaml)")
            } catch let error as IterationError {
                #expect(error.description.hasPrefix(expected) && !error.description.contains("\n"), "\(error.description)")
            } catch { Issue.record("\(error)") }
        }
    }

    @Test func defaultsAndLists() throws {
        let c = try IterateConfig.parse("train: t.yaml\ncam_methods: [gradcam++, eigencam]\nskip: cam\n", file: "it.yaml")
        #expect(c.task == .classification && c.camMethods == [.gradcamPlusPlus, .eigencam] && c.skip == [.cam])
        #expect(c.reportFolder.hasSuffix("runs/iterate/report"))
    }
}

@Suite struct DemoAdviceTests {
    @Test func eachAdvisoryMapsToItsRemedy() {
        let over = Demo.respond(to: ["overfitting: step 80: train loss fell …"], settings: ["augment": "false"])
        #expect(over.map(\.key) == ["augment"] && over[0].value == "true")
        let overAugmented = Demo.respond(to: ["overfitting: …"], settings: ["augment": "true", "steps": "100"])
        #expect(overAugmented.map(\.key) == ["drop_block", "drop_block_size", "drop_block_ramp_steps"] && overAugmented[2].value == "50")
        #expect(Demo.respond(to: [], settings: ["augment": "true"]).map(\.key) == ["label_smoothing"])
        let clip = Demo.respond(to: ["clip: gradient norm 31 above 10"], settings: [:])
        #expect(clip == [Demo.Change(key: "clip_grad_norm", value: "1.0", reason: "gradient norms above 10: clip them at 1")])
        let diverging = Demo.respond(to: ["diverging: loss rose"], settings: ["lr": "0.003"])
        #expect(diverging.map(\.key) == ["lr", "schedule"] && diverging[0].value == "0.001")
        let learning = Demo.respond(to: [], stillLearning: true, settings: ["steps": "150"])
        #expect(learning.map(\.key) == ["steps"] && learning[0].value == "300")
        #expect(Demo.respond(to: ["overfitting: …"], stillLearning: true, settings: ["augment": "false"]).map(\.key) == ["augment"])
        #expect(Demo.stillLearning(validationAccuracy: [0.3, 0.5, 0.6]) && !Demo.stillLearning(validationAccuracy: [0.3, 0.6, 0.59])
                && !Demo.stillLearning(validationAccuracy: [0.6, 0.605]) && !Demo.stillLearning(validationAccuracy: [0.4]))
        let quiet = Demo.respond(to: [], settings: ["augment": "false"])
        #expect(quiet.map(\.key) == ["augment"])
    }
}

/// Whole iterations on generated shapes data, small enough for CI: every stage runs, then a re-run after a
/// template edit redraws only the report, then a changed config makes a second iteration that re-checks the set.
@Suite(.serialized) struct ClassificationIterationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func iterateCachesStagesAndReChecksTheFailureSet() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-iterate-\(UUID().uuidString)")
        let data = root.appendingPathComponent("shapes")
        _ = try ShapesFixture.write(task: .classification, images: 150, seed: 3, to: data.path)
        let templates = root.appendingPathComponent("templates")
        try FileManager.default.copyItem(at: Self.repository.appendingPathComponent("templates/report"), to: templates)
        func trainConfig(_ name: String, augment: Bool) throws -> String {
            let url = root.appendingPathComponent(name)
            try """
            data: \(data.path)
            model: shapes_cnn
            steps: 24
            batch_size: 16
            image_size: 32
            augment: \(augment)
            lr: 0.003
            eval_every: 8
            """.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        var config = IterateConfig(file: "test.yaml")
        config.workspace = root.appendingPathComponent("ws").path
        config.train = try trainConfig("a.yaml", augment: false)
        config.camMethods = [.gradcam, .scorecam]
        config.minCases = 4
        config.maxCases = 8
        config.camTopErrors = 3
        config.templates = templates.path
        var lines = [String]()
        let pipeline = { try Pipeline(config: config, version: "test", log: { lines.append($0) }) }

        let first = try pipeline().run()
        #expect(first.iteration == "it1")
        #expect(first.ranStages == [.train, .predict, .errors, .failures, .cam, .report])
        let ws = try Workspace(root: config.workspace)
        let record = try IterationRecord.load(from: ws.folder("it1").appendingPathComponent("iteration.json"))
        #expect(record.task == "classification" && record.headline.first?.name == "accuracy")
        #expect((4...8).contains(record.cases.count))
        #expect(record.cases.allSatisfy { $0.status == "failing" && $0.cams.map(\.method) == ["gradcam", "scorecam"] })
        for c in record.cases { for cam in c.cams { #expect(FileManager.default.fileExists(atPath: cam.overlay)) } }
        // Beyond the failure set: three more errors, explained too, none of them curated.
        let top = try #require(record.topErrors)
        #expect(top.count == 3 && top.allSatisfy { $0.error != nil && $0.cams.count == 2 })
        #expect(Set(top.map(\.id)).isDisjoint(with: record.cases.map(\.id)))
        let index = try #require(first.report)
        let page = try String(contentsOf: index.deletingLastPathComponent().appendingPathComponent("iterations/it1.html"), encoding: .utf8)
        #expect(page.contains("Top errors outside the failure set") && page.contains(top[0].id))
        #expect(FileManager.default.fileExists(atPath: index.path))

        // A template edit: the same command re-renders the report and nothing else.
        let marker = "<!-- edited template \(UUID().uuidString) -->"
        let indexTemplate = templates.appendingPathComponent("index.mustache")
        try (try String(contentsOf: indexTemplate, encoding: .utf8) + marker).write(to: indexTemplate, atomically: true, encoding: .utf8)
        let again = try pipeline().run()
        #expect(again.iteration == "it1")
        #expect(again.ranStages == [.report])
        #expect(again.cachedStages == [.train, .predict, .errors, .failures, .cam])
        #expect(try String(contentsOf: index, encoding: .utf8).contains(marker))

        // A changed training config starts it2, which re-checks it1's cases.
        config.train = try trainConfig("b.yaml", augment: true)
        let second = try pipeline().run()
        #expect(second.iteration == "it2")
        #expect(second.ranStages.first == .train)
        let record2 = try IterationRecord.load(from: ws.folder("it2").appendingPathComponent("iteration.json"))
        let carried = Set(record.cases.map(\.id)).intersection(record2.cases.map(\.id))
        #expect(carried.count == record.cases.count, "it2 re-checks every case it1 selected")
        #expect(record2.cases.allSatisfy { ["fixed", "still failing", "newly broken"].contains($0.status) })
        #expect(try ws.iterations() == ["it1", "it2"])
        let html = try String(contentsOf: index, encoding: .utf8)
        #expect(html.contains("it1") && html.contains("it2"))
        try? FileManager.default.removeItem(at: root)
    }
}

/// A detector trained elsewhere: its COCO results in, the failure set followed across two result files.
@Suite struct DetectionIterationTests {
    @Test func twoResultFilesMakeTwoIterations() throws {
        let repository = ClassificationIterationTests.repository
        let fixture = repository.appendingPathComponent("fixtures/shapes/detection")
        let gtPath = fixture.appendingPathComponent("annotations.json").path
        let gt = try CocoFiles.loadGroundTruth(path: gtPath, keepSegmentation: false)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-iterate-det-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        /// Results where every `missEvery`-th object is missed and the rest found with a slight shift.
        func results(_ name: String, missEvery: Int) throws -> String {
            let entries = gt.annotations.enumerated().compactMap { i, a -> String? in
                guard i % missEvery != 0 else { return nil }
                return "{\"image_id\":\(a.imageId),\"category_id\":\(a.categoryId),\"score\":0.9,\"bbox\":[\(a.box.x + 1),\(a.box.y),\(a.box.width),\(a.box.height)]}"
            }
            let url = root.appendingPathComponent(name)
            try ("[" + entries.joined(separator: ",") + "]").write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        var config = IterateConfig(file: "det.yaml")
        config.task = .detection
        config.workspace = root.appendingPathComponent("ws").path
        config.groundTruth = gtPath
        config.images = fixture.appendingPathComponent("images").path
        config.predictions = try results("a.json", missEvery: 2)
        let first = try Pipeline(config: config, version: "test", log: { _ in }).run()
        #expect(first.ranStages == [.predict, .errors, .failures, .report])
        config.predictions = try results("b.json", missEvery: 1000)
        let second = try Pipeline(config: config, version: "test", log: { _ in }).run()
        #expect(second.iteration == "it2")
        let ws = try Workspace(root: config.workspace)
        let record = try IterationRecord.load(from: ws.folder("it2").appendingPathComponent("iteration.json"))
        #expect(record.cases.contains { $0.status == "fixed" })
        #expect(record.cases.allSatisfy { $0.image?.hasPrefix(fixture.path) ?? false })
        #expect(record.headline.first?.name == "AP")
        try? FileManager.default.removeItem(at: root)
    }
}

/// A semantic segmenter trained elsewhere: its predicted masks in, regions taken apart, the failure set followed from
/// flawed masks to perfect ones.
@Suite struct SegmentationIterationTests {
    @Test func maskFoldersMakeIterationsWithRegionCases() throws {
        let fixture = ClassificationIterationTests.repository.appendingPathComponent("fixtures/shapes/segmentation")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-iterate-seg-\(UUID().uuidString)")
        var config = IterateConfig(file: "seg.yaml")
        config.task = .segmentation
        config.workspace = root.appendingPathComponent("ws").path
        config.groundTruth = fixture.appendingPathComponent("masks").path
        config.images = fixture.appendingPathComponent("images").path
        config.classes = fixture.appendingPathComponent("classes.json").path
        // it1: the committed stand-in predictions (scripts/goldens/derived_results.py), with every region error in them.
        config.predictions = ClassificationIterationTests.repository.appendingPathComponent("fixtures/iterate/segmentation-predictions").path
        let first = try Pipeline(config: config, version: "test", log: { _ in }).run()
        #expect(first.ranStages == [.predict, .errors, .failures, .report])
        let ws = try Workspace(root: config.workspace)
        let record1 = try IterationRecord.load(from: ws.folder("it1").appendingPathComponent("iteration.json"))
        #expect(record1.task == "segmentation" && record1.headline.first?.name == "mean IoU")
        #expect(Set(record1.cases.compactMap(\.error)).isSuperset(of: ["Miss", "Cls", "Bkg"]))
        #expect(record1.cases.allSatisfy { $0.status == "failing" && $0.mask != nil && $0.image != nil })
        config.predictions = fixture.appendingPathComponent("masks").path  // it2: perfect masks
        let second = try Pipeline(config: config, version: "test", log: { _ in }).run()
        #expect(second.iteration == "it2")
        let record2 = try IterationRecord.load(from: ws.folder("it2").appendingPathComponent("iteration.json"))
        // Perfect masks: every object region is fixed; invented regions are gone (fixed as well).
        #expect(!record2.cases.isEmpty && record2.cases.allSatisfy { $0.status == "fixed" }, "\(record2.cases.map(\.status))")
        #expect(record2.headline.first?.value == 1)
        try? FileManager.default.removeItem(at: root)
    }
}

/// A segmenter of the zoo with imported weights (here freshly initialised ones, as a user's untrained export would be):
/// the predict stage runs it and the iteration reads its masks like any others.
@Suite struct SegmentationWeightsTests {
    @Test func importedWeightsPredictTheMasks() throws {
        let fixture = ClassificationIterationTests.repository.appendingPathComponent("fixtures/shapes/segmentation")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-iterate-segw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let weights = root.appendingPathComponent("unet.safetensors")
        try Architecture.unet_small.make(classes: 6, seed: 3).save(to: weights)
        var config = try IterateConfig.parse("""
            task: segmentation
            model: unet_small
            weights: \(weights.path)
            ground_truth: \(fixture.appendingPathComponent("masks").path)
            images: \(fixture.appendingPathComponent("images").path)
            classes: \(fixture.appendingPathComponent("classes.json").path)
            cam_methods: [gradcam, eigencam]
            """, file: "seg.yaml")
        config.workspace = root.appendingPathComponent("ws").path
        let outcome = try Pipeline(config: config, version: "test", log: { _ in }).run()
        #expect(outcome.ranStages == [.predict, .errors, .failures, .cam, .report])
        let folder = try Workspace(root: config.workspace).folder("it1")
        let masks = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("predicted-masks").path).sorted()
        #expect(masks == (try FileManager.default.contentsOfDirectory(atPath: fixture.appendingPathComponent("masks").path)).sorted())
        let first = try SegmentationMask.read(path: folder.appendingPathComponent("predicted-masks").appendingPathComponent(masks[0]).path)
        let truth = try SegmentationMask.read(path: fixture.appendingPathComponent("masks").appendingPathComponent(masks[0]).path)
        #expect(first.width == truth.width && first.height == truth.height && first.labels.allSatisfy { $0 < 6 })
        let record = try IterationRecord.load(from: folder.appendingPathComponent("iteration.json"))
        #expect(!record.cases.isEmpty && record.cases.allSatisfy { $0.mask?.hasPrefix(folder.path) ?? false })
        // Every case is explained by each method, drawn over its own image at the image's size.
        #expect(record.cases.allSatisfy { $0.cams.map(\.method) == ["gradcam", "eigencam"] })
        for c in record.cases {
            let overlay = try ImageCodecs.read(path: c.cams[0].overlay)
            #expect(overlay.width == c.imageWidth && overlay.height == c.imageHeight)
        }
        #expect(throws: IterationError.self) { try IterateConfig.parse("task: segmentation\nmodel: unet_small\nground_truth: m\nimages: i\n", file: "x.yaml") }
        try? FileManager.default.removeItem(at: root)
    }
}

/// The zoo's single-stage detector with imported weights (freshly initialised, as an untrained export would be): the
/// predict stage writes its COCO results, and every case gets a heat map of the detector's score at its box.
@Suite struct DetectionWeightsTests {
    static let fixture = ClassificationIterationTests.repository.appendingPathComponent("fixtures/shapes/detection")

    func config(weights: URL, root: URL) throws -> IterateConfig {
        var config = try IterateConfig.parse("""
            task: detection
            model: centernet_resnet18
            weights: \(weights.path)
            ground_truth: \(Self.fixture.appendingPathComponent("annotations.json").path)
            images: \(Self.fixture.appendingPathComponent("images").path)
            cam_methods: [gradcam, eigencam]
            max_cases: 6
            """, file: "det.yaml")
        config.workspace = root.appendingPathComponent("ws").path
        return config
    }

    @Test func importedWeightsDetectAndExplainTheCases() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-iterate-detw-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let weights = root.appendingPathComponent("centernet.safetensors")
        try Architecture.centernet_resnet18.make(classes: 5, seed: 3).save(to: weights)
        let config = try config(weights: weights, root: root)
        let outcome = try Pipeline(config: config, version: "test", log: { _ in }).run()
        #expect(outcome.ranStages == [.predict, .errors, .failures, .cam, .report])

        // A wide image lies in the middle rows of the 128 letterbox: the heat map is cut to that window.
        let wide = root.appendingPathComponent("wide.png").path
        try ImageCodecs.writePNG(Image(width: 128, height: 64, layout: .rgb, pixels: [UInt8](repeating: 90, count: 128 * 64 * 3)), to: wide)
        let input = try DenseModel(model: "centernet_resnet18", weights: weights.path, task: .detection, config: "det.yaml").input(wide)
        #expect(input.tensor.shape == [1, 3, 128, 128])
        #expect(input.window == (top: 32, left: 0, height: 64, width: 128))

        let folder = try Workspace(root: config.workspace).folder("it1")
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("detections.json"))) as! [[String: Any]]
        let truth = try CocoFiles.loadGroundTruth(path: config.groundTruth!)
        let ids = Set(truth.images.map(\.id))
        #expect(!results.isEmpty)
        for r in results {
            // Category ids of the ground truth (output k is the k-th category by id), image ids of the ground truth,
            // and boxes back in the images' own pixels (128 × 128 images at a 128 input).
            #expect((1...5).contains(r["category_id"] as! Int) && ids.contains(r["image_id"] as! Int))
            let box = r["bbox"] as! [Double]
            #expect(box.count == 4 && box[0] > -64 && box[1] > -64 && box[0] < 192 && box[1] < 192)
        }
        let record = try IterationRecord.load(from: folder.appendingPathComponent("iteration.json"))
        #expect(!record.cases.isEmpty && record.cases.count <= 6)
        #expect(record.cases.allSatisfy { $0.cams.map(\.method) == ["gradcam", "eigencam"] })
        let top = try #require(record.topErrors)
        #expect(!top.isEmpty && top.count <= 10 && top.allSatisfy { $0.cams.count == 2 })
        for c in record.cases + top {
            let overlay = try ImageCodecs.read(path: c.cams[0].overlay)
            #expect(overlay.width == c.imageWidth && overlay.height == c.imageHeight)
        }

        // Unchanged inputs: nothing re-runs; another layer redraws only the heat maps (and the report).
        var again = config
        #expect(try Pipeline(config: again, version: "test", log: { _ in }).run().ranStages == [.report])
        again.camLayer = "backbone.layer3"
        #expect(try Pipeline(config: again, version: "test", log: { _ in }).run().ranStages == [.cam, .report])
    }

    @Test func weightsOfAnotherDatasetAreRefusedByName() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-iterate-detw3-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let weights = root.appendingPathComponent("three.safetensors")
        try Architecture.centernet_resnet18.make(classes: 3, seed: 1).save(to: weights)
        do {
            _ = try Pipeline(config: try config(weights: weights, root: root), version: "test", log: { _ in }).run()
            Issue.record("accepted a 3-class detector for 5 categories")
        } catch let e as IterationError {
            #expect(e.description == "\(weights.path): 3 output classes, but \(Self.fixture.appendingPathComponent("annotations.json").path) has 5 categories")
        }
    }

    @Test func aRegionIsTheClassPixelsInsideTheBoxElseTheBox() {
        // 4 × 4 mask, class 2 in the top-left 2 × 2 block, seen at a 4 × 4 output.
        let mask = SegmentationMask(width: 4, height: 4, labels: [2, 2, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
        let region = SegmentationFiles.region(of: 2, in: mask, box: [0, 0, 3, 3], side: 4)
        #expect(region == [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        // Class 3 is not there: the box's pixels, stretched to an 8 × 8 output.
        let box = SegmentationFiles.region(of: 3, in: mask, box: [2, 2, 2, 2], side: 8)
        #expect(box.enumerated().allSatisfy { i, v in v == ((i / 8 >= 4 && i % 8 >= 4) ? 1 : 0) })
    }
}

/// Detection and segmentation iterations that train their own model (`train:`, a dense `fovea train` config) and then
/// evaluate, select, explain and report it as they do imported weights — a second run with nothing changed runs nothing.
@Suite struct DenseTrainingIterationTests {
    @Test(arguments: ["detection", "segmentation"])
    func trainThenEvaluateOnTheHeldOutSet(_ task: String) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-iterate-dense-train-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let sample = ClassificationIterationTests.repository.appendingPathComponent("fixtures/shapes/\(task)")
        let data = task == "detection"
            ? "model: centernet_resnet18\nannotations: \(sample.appendingPathComponent("annotations.json").path)\ndata: \(sample.path)/images\n"
            : "model: unet_small\nmasks: \(sample.appendingPathComponent("masks").path)\nclasses: \(sample.appendingPathComponent("classes.json").path)\ndata: \(sample.path)/images\n"
        let train = root.appendingPathComponent("train.yaml")
        try (data + "image_size: 64\nbatch_size: 4\nsteps: 2\neval_every: 2\nval_fraction: 0.3\nlr: 0.001\n").write(to: train, atomically: true, encoding: .utf8)
        let truth = task == "detection" ? sample.appendingPathComponent("annotations.json").path : sample.appendingPathComponent("masks").path
        var config = try IterateConfig.parse("""
            task: \(task)
            train: \(train.path)
            ground_truth: \(truth)
            images: \(sample.appendingPathComponent("images").path)
            \(task == "segmentation" ? "classes: \(sample.appendingPathComponent("classes.json").path)" : "")
            cam_methods: [gradcam]
            max_cases: 4
            cam_top_errors: 2
            """, file: "\(task).yaml")
        config.workspace = root.appendingPathComponent("ws").path
        let outcome = try Pipeline(config: config, version: "test", log: { _ in }).run()
        #expect(outcome.ranStages == [.train, .predict, .errors, .failures, .cam, .report])
        let folder = try Workspace(root: config.workspace).folder("it1")
        let record = try IterationRecord.load(from: folder.appendingPathComponent("iteration.json"))
        // The report's training section reads this iteration's own run.
        #expect(record.runDirectory == folder.appendingPathComponent("run").path)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("run/metrics.csv").path))
        let page = try String(contentsOf: try #require(outcome.report).deletingLastPathComponent().appendingPathComponent("iterations/it1.html"), encoding: .utf8)
        #expect(page.contains("Validation metrics") && page.contains("Loss"))
        #expect(!record.cases.isEmpty && (record.cases + (record.topErrors ?? [])).allSatisfy { $0.cams.map(\.method) == ["gradcam"] })
        #expect(try Pipeline(config: config, version: "test", log: { _ in }).run().ranStages == [.report])
    }

    @Test func aTrainedModelTakesNoWeightsOrPredictions() {
        for extra in ["model: unet_small\nweights: w.safetensors\n", "predictions: p\n"] {
            #expect {
                try IterateConfig.parse("task: segmentation\ntrain: t.yaml\nground_truth: m\nimages: i\n" + extra, file: "x.yaml")
            } throws: { "\($0)" == "x.yaml: train: the model is the one trained; give no model, weights or predictions" }
        }
    }

    /// A training config for another task stops the iteration before the first training step, naming that file.
    @Test func aTrainingConfigOfAnotherTaskIsRefusedBeforeTraining() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-iterate-wrongtask-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let sample = ClassificationIterationTests.repository.appendingPathComponent("fixtures/shapes")
        let train = root.appendingPathComponent("train.yaml")
        try "model: resnet18\ndata: \(sample.path)/classification\nsteps: 2\n".write(to: train, atomically: true, encoding: .utf8)
        var config = try IterateConfig.parse("""
            task: detection
            train: \(train.path)
            ground_truth: \(sample.path)/detection/annotations.json
            images: \(sample.path)/detection/images
            """, file: "det.yaml")
        config.workspace = root.appendingPathComponent("ws").path
        #expect {
            _ = try Pipeline(config: config, version: "test", log: { _ in }).run()
        } throws: { "\($0)" == "\(train.path): model: resnet18 is a classification model, but the iteration's task is detection" }
        let run = try Workspace(root: config.workspace).folder("it1").appendingPathComponent("run/checkpoints")
        #expect(!FileManager.default.fileExists(atPath: run.path), "no training step ran")
    }
}
