import Datasets
import Evaluation
import Foundation
import NN
import Tensors

/// CenterNet training on a COCO detection set: images stretched to `image_size` with their boxes, targets encoded
/// at stride 4, CenterNet's loss; validation decodes the detections, maps them back to each image's own pixels
/// and scores them with Fovea's COCO evaluator (pycocotools' numbers): `val_ap50` and `val_map` (AP at 0.5:0.95).
final class DetectionTask: TrainingTask {
    let dataset: COCODetectionDataset
    let data: TaskData
    let batchOrder: BatchOrder
    let validation: [Int]
    let annotationFile: String
    /// Built once: every evaluation scores against the same images.
    let validationTruth: CocoGroundTruth
    let samples: DenseSamples
    let coder: CenterNetCoder

    init(_ config: TrainingConfig) throws {
        do { dataset = try COCODetectionDataset(annotationFile: config.annotations, imageRoot: config.data) }
        catch { throw TrainingError(error.description) }
        try Self.checkSizes(dataset, annotations: config.annotations)
        data = TaskData(spanning: [config.data, config.annotations], files: dataset.entries.map(\.path) + [config.annotations],
                        classes: dataset.classes.names)
        let seed = UInt64(bitPattern: Int64(config.seed))
        let split = BatchOrder.split(count: dataset.entries.count, validationFraction: config.valFraction, seed: seed)
        batchOrder = BatchOrder(training: split.training, batchSize: config.batchSize, seed: seed)
        validation = split.validation
        validationTruth = Self.groundTruth(dataset, validation: split.validation)
        annotationFile = config.annotations
        coder = CenterNetCoder(classes: dataset.classes.count)
        let entries = dataset.entries
        samples = DenseSamples(config) { index in
            let entry = entries[index], image = try DenseSamples.image(at: entry.path)
            // Crowd regions are no object to find: CenterNet has no "ignore" target, so they are left out.
            let boxes = zip(entry.boxes, entry.crowd).filter { !$0.1 }.map(\.0)
            return AnnotatedSample(image: image, boxes: boxes)
        }
    }

    /// Every image's size is the one its `images[].width`/`height` record says (the boxes are in those pixels):
    /// checked from the headers before the first step, so a mismatch stops the run at once, naming both files.
    static func checkSizes(_ dataset: COCODetectionDataset, annotations: String) throws {
        for entry in dataset.entries {
            let size: (width: Int, height: Int)
            do { size = try ImageCodecs.size(path: entry.path) } catch { throw TrainingError("\(error)") }
            guard size == (entry.width, entry.height) else {
                throw TrainingError("\(entry.path): the image is \(size.width)×\(size.height); \(annotations) images[id \(entry.imageID)]."
                                    + "width/height say \(entry.width)×\(entry.height)")
            }
        }
    }

    func trainingBatch(step: Int) throws -> TrainingBatch {
        let (epoch, members) = batchOrder.members(ofStep: step)
        let order = batchOrder
        let (inputs, targets) = try assemble(members) { order.augmentationSeed(epoch: epoch, sample: $0) }
        let coder = self.coder
        return TrainingBatch(inputs: inputs) { coder.loss($0, targets) }
    }

    private func assemble(_ members: [Int], augmentSeed: ((Int) -> UInt64)?) throws -> (Tensor, [CenterNetCoder.Targets]) {
        let loaded = try members.map { try samples.sample($0, augmentSeed: augmentSeed?($0)) }
        let targets = loaded.map { sample in
            coder.encode(sample.boxes.map {
                NN.Detection(box: (Float($0.x), Float($0.y), Float($0.width), Float($0.height)), label: $0.label, score: 1)
            }, imageSize: (samples.size, samples.size))
        }
        return (samples.inputs(loaded), targets)
    }

    /// Loss (per object, as training reports it) and COCO AP of the validation images' detections.
    func evaluate(_ model: Module, samples shown: Int) throws -> TaskEvaluation? {
        guard !validation.isEmpty else { return nil }
        var lossSum = 0.0
        var detections: [Evaluation.Detection] = []
        var pictures: [ValidationGrid.Picture] = []
        var objects = 0.0
        let stretch = Preprocessing(size: samples.size, resize: .stretch)
        for start in stride(from: 0, to: validation.count, by: batchOrder.batchSize) {
            let members = Array(validation[start..<min(start + batchOrder.batchSize, validation.count)])
            let (inputs, targets) = try assemble(members, augmentSeed: nil)
            let output = withoutGrad { model(inputs) }
            // CenterNet's loss is per object of the batch: weighted by objects, the mean does not depend on batching.
            let batchObjects = Double(max(1, targets.reduce(0) { $0 + $1.mask.scalars.reduce(0, +) }))
            lossSum += Double(coder.loss(output, targets).item) * batchObjects
            objects += batchObjects
            let decoded = coder.decode(output, limit: CenterNetCoder.limit, scoreThreshold: CenterNetCoder.scoreThreshold,
                                       iouThreshold: CenterNetCoder.iouThreshold)
            for (n, found) in decoded.enumerated() where pictures.count < shown {
                pictures.append(picture(inputs, n, truth: targetsBoxes(members[n]), found: found))
            }
            for (index, found) in zip(members, decoded) {
                let entry = dataset.entries[index]
                detections += found.map {
                    let b = stretch.originalBox($0.box, height: entry.height, width: entry.width)
                    return Evaluation.Detection(imageId: entry.imageID, categoryId: dataset.categoryIDs[$0.label], score: Double($0.score),
                                                box: BoundingBox(x: b[0], y: b[1], width: b[2], height: b[3]))
                }
            }
        }
        let stats: [Double]
        do { stats = try CocoEvaluator.evaluate(groundTruth: validationTruth, detections: detections, iouType: .bbox).stats }
        catch { throw TrainingError("\(annotationFile): COCO evaluation of the validation detections: \(error)") }
        return TaskEvaluation(valLoss: lossSum / objects, metrics: [("val_ap50", stats[1]), ("val_map", stats[0])],
                              picture: pictures.isEmpty ? nil : samples.grid.tile(pictures, frames: pictures.map { _ in ValidationGrid.neutral }))
    }

    /// A validation input with its boxes in green and the detections scoring 0.3 or more in red.
    private func picture(_ inputs: Tensor, _ n: Int, truth: [LabeledBox], found: [NN.Detection]) -> ValidationGrid.Picture {
        var picture = samples.grid.picture(inputs, n)
        for box in truth { picture.outline((Float(box.x), Float(box.y), Float(box.width), Float(box.height)), ValidationGrid.right) }
        for detection in found where detection.score >= 0.3 { picture.outline(detection.box, ValidationGrid.wrong) }
        return picture
    }

    /// Sample `index`'s boxes at `image_size`, as the model was asked to find them.
    private func targetsBoxes(_ index: Int) -> [LabeledBox] { (try? samples.sample(index, augmentSeed: nil).boxes) ?? [] }

    /// The validation images' ground truth, as the COCO evaluator reads it.
    /// The validation images' annotations as COCO ground truth, for the evaluator.
    private static func groundTruth(_ dataset: COCODetectionDataset, validation: [Int]) -> CocoGroundTruth {
        let entries = validation.map { dataset.entries[$0] }
        let all = dataset.instances.annotations
        return CocoGroundTruth(
            images: entries.map { ImageInfo(id: $0.imageID, width: $0.width, height: $0.height) },
            categories: zip(dataset.categoryIDs, dataset.classes.names).map { Category(id: $0, name: $1) },
            annotations: entries.flatMap { entry in
                entry.annotationIndices.map { i in
                    let a = all[i]
                    return GroundTruthAnnotation(id: a.id, imageId: a.imageID, categoryId: a.categoryID,
                                                 box: BoundingBox(x: a.bbox[0], y: a.bbox[1], width: a.bbox[2], height: a.bbox[3]),
                                                 area: a.area, isCrowd: a.isCrowd != 0)
                }
            })
    }
}
