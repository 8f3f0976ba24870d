import Datasets
import Evaluation
import Foundation
import NN
import Tensors

/// Semantic segmentation on a folder of images and a folder of class-index PNG masks (same names, `.png`;
/// 255 = ignore): images and masks stretched to `image_size` (masks by nearest neighbour), per-pixel
/// cross-entropy ignoring 255; validation scores the arg-max masks, stretched back to each mask's own size,
/// with the Evaluation module's `SegmentationAnalysis`: `val_miou`.
final class SegmentationTask: TrainingTask {
    let images: [String]
    let masks: [String]
    let data: TaskData
    let batchOrder: BatchOrder
    let validation: [Int]
    let samples: DenseSamples
    let labelSmoothing: Float
    static let ignore = Int(SegmentationMask.ignoreIndex)

    init(_ config: TrainingConfig) throws {
        let classes = try Self.classNames(config.classes)
        guard let listed = try? FileManager.default.contentsOfDirectory(atPath: config.data) else {
            throw TrainingError("\(config.data): no such folder (the config's data: the images folder)")
        }
        let names = listed.filter { ImageFolder.imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        guard !names.isEmpty else { throw TrainingError("\(config.data): no PNG or JPEG images") }
        images = names.map { (config.data as NSString).appendingPathComponent($0) }
        masks = names.map { (config.masks as NSString).appendingPathComponent((($0 as NSString).deletingPathExtension) + ".png") }
        for (image, mask) in zip(images, masks) { try Self.check(mask: mask, of: image, classes: classes.count) }
        data = TaskData(spanning: [config.data, config.masks, config.classes], files: images + masks + [config.classes], classes: classes)
        let seed = UInt64(bitPattern: Int64(config.seed))
        let split = BatchOrder.split(count: images.count, validationFraction: config.valFraction, seed: seed)
        batchOrder = BatchOrder(training: split.training, batchSize: config.batchSize, seed: seed)
        validation = split.validation
        labelSmoothing = Float(config.labelSmoothing)
        let (images, masks) = (images, masks)
        samples = DenseSamples(config) { index in
            let mask: SegmentationMask
            do { mask = try SegmentationMask.read(path: masks[index]) } catch { throw TrainingError("\(error)") }
            return AnnotatedSample(image: try DenseSamples.image(at: images[index]), mask: mask)
        }
    }

    /// classes.json: a JSON list of names, the mask value of each its index.
    static func classNames(_ path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path),
              let names = try? JSONDecoder().decode([String].self, from: data), !names.isEmpty else {
            throw TrainingError("\(path): expected a JSON list of class names, e.g. [\"background\", \"cat\"]")
        }
        guard names.count < ignore else { throw TrainingError("\(path): \(names.count) classes; mask values stop at 254 (255 = ignore)") }
        return names
    }

    /// Every mask exists, matches its image's size and holds only class indices or 255: checked before the first
    /// step, so a bad mask stops the run at once with its name rather than hours in.
    static func check(mask: String, of image: String, classes: Int) throws {
        let labels: SegmentationMask, size: (width: Int, height: Int)
        do {
            labels = try SegmentationMask.read(path: mask)
            size = try ImageCodecs.size(path: image)
        } catch { throw TrainingError("\(error)") }
        guard labels.width == size.width && labels.height == size.height else {
            throw TrainingError("\(mask): \(labels.width)×\(labels.height), its image \(image) is \(size.width)×\(size.height)")
        }
        if let i = labels.labels.firstIndex(where: { Int($0) >= classes && Int($0) != ignore }) {
            throw TrainingError("\(mask): pixel (\(i % labels.width), \(i / labels.width)) has class \(labels.labels[i]); the classes file names \(classes) (255 = ignore)")
        }
    }

    func trainingBatch(step: Int) throws -> TrainingBatch {
        let (epoch, members) = batchOrder.members(ofStep: step)
        let order = batchOrder
        let (inputs, targets) = try assemble(members) { order.augmentationSeed(epoch: epoch, sample: $0) }
        let smoothing = labelSmoothing
        return TrainingBatch(inputs: inputs) { crossEntropy($0, targets: targets, labelSmoothing: smoothing, ignoreIndex: Self.ignore) }
    }

    /// Inputs and per-pixel targets (row-major per image, image after image).
    private func assemble(_ members: [Int], augmentSeed: ((Int) -> UInt64)?) throws -> (Tensor, [Int]) {
        let loaded = try members.map { try samples.sample($0, augmentSeed: augmentSeed?($0)) }
        return (samples.inputs(loaded), loaded.flatMap { $0.mask!.labels.map(Int.init) })
    }

    /// Loss (mean over labelled pixels at `image_size`) and mean IoU at each mask's own size.
    func evaluate(_ model: Module, samples shown: Int) throws -> TaskEvaluation? {
        guard !validation.isEmpty else { return nil }
        var pictures: [ValidationGrid.Picture] = []
        var analysis = SegmentationAnalysis(classCount: data.classes.count, ignoreIndex: Self.ignore)
        var lossSum = 0.0, labelled = 0
        for start in stride(from: 0, to: validation.count, by: batchOrder.batchSize) {
            let members = Array(validation[start..<min(start + batchOrder.batchSize, validation.count)])
            let (inputs, targets) = try assemble(members, augmentSeed: nil)
            let logits = withoutGrad { model(inputs) }
            let counted = targets.count { $0 != Self.ignore }
            if counted > 0 {
                lossSum += Double(crossEntropy(logits, targets: targets, ignoreIndex: Self.ignore).item) * Double(counted)
                labelled += counted
            }
            let predicted = logits.argmax(axis: 1), (h, w) = (logits.shape[2], logits.shape[3])
            for n in members.indices where pictures.count < shown {  // the input tinted with its predicted classes
                var picture = samples.grid.picture(inputs, n)
                for y in 0..<h { for x in 0..<w where predicted[(n * h + y) * w + x] != 0 {
                    picture.tint(x, y, ValidationGrid.classColor(predicted[(n * h + y) * w + x]))
                } }
                pictures.append(picture)
            }
            for (n, index) in members.enumerated() {
                let truth: SegmentationMask
                do { truth = try SegmentationMask.read(path: masks[index]) } catch { throw TrainingError("\(error)") }
                let labels = SegmentationMask.stretchedLabels(predicted[(n * h * w)..<((n + 1) * h * w)], width: w, height: h,
                                                              toWidth: truth.width, toHeight: truth.height)
                do { try analysis.add(groundTruth: truth.labels.map(Int.init), prediction: labels, width: truth.width, height: truth.height) }
                catch { throw TrainingError("\(masks[index]): \(error)") }
            }
        }
        return TaskEvaluation(valLoss: labelled > 0 ? lossSum / Double(labelled) : .nan, metrics: [("val_miou", analysis.meanIoU)],
                              picture: pictures.isEmpty ? nil : samples.grid.tile(pictures, frames: pictures.map { _ in ValidationGrid.neutral }))
    }
}
