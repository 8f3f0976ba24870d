import Attribution
import Datasets
import Evaluation
import Failures
import Foundation
import NN
import Report

/// A semantic segmenter's iteration from files alone: ground-truth and predicted class-index masks (PNG, 255 = ignore,
/// matched by file name), the images they belong to, and optionally the class names (a JSON list).
struct SegmentationFiles {
    let config: IterateConfig
    let name: String
    let folder: URL
    let workspace: Workspace
    let log: (String) -> Void

    var casesFile: URL { folder.appendingPathComponent("cases.json") }
    /// The predicted masks: the config's folder, or this iteration's own when it predicts with imported weights.
    var predictions: URL { config.predictions.map { URL(fileURLWithPath: $0) } ?? folder.appendingPathComponent("predicted-masks") }
    var heatMaps: CaseHeatMaps { CaseHeatMaps(folder: folder.appendingPathComponent("cams"), methods: config.camMethods) }

    struct Loaded {
        var analysis: SegmentationAnalysis
        var classNames: [String]
        var names: [String]
        var images: [String?]
        var predictions: [String]
        var sizes: [(width: Int, height: Int)]
        var background: Int?
    }

    func load() throws -> Loaded {
        let truthFolder = config.groundTruth!, predictionFolder = predictions.path
        let manager = FileManager.default
        guard let listing = try? manager.contentsOfDirectory(atPath: truthFolder) else { throw IterationError("\(truthFolder): not a folder of masks") }
        let names = listing.filter { $0.lowercased().hasSuffix(".png") }.sorted()
        guard !names.isEmpty else { throw IterationError("\(truthFolder): no PNG masks") }
        var classNames = [String]()
        if let classes = config.classes {
            guard let data = manager.contents(atPath: classes), let list = try? JSONDecoder().decode([String].self, from: data) else {
                throw IterationError("\(classes): expected a JSON list of class names")
            }
            classNames = list
        }
        var pairs = [(SegmentationMask, SegmentationMask)]()
        for file in names {
            let truthPath = URL(fileURLWithPath: truthFolder).appendingPathComponent(file).path
            let predictedPath = URL(fileURLWithPath: predictionFolder).appendingPathComponent(file).path
            guard manager.fileExists(atPath: predictedPath) else { throw IterationError("\(predictedPath): missing (no prediction for \(file))") }
            do { pairs.append((try SegmentationMask.read(path: truthPath), try SegmentationMask.read(path: predictedPath))) } catch {
                throw IterationError("\(error)")
            }
            let (t, p) = pairs[pairs.count - 1]
            guard t.width == p.width, t.height == p.height else {
                throw IterationError("\(predictedPath): \(p.width)×\(p.height), but its ground truth is \(t.width)×\(t.height)")
            }
        }
        var largest = 0
        for (truth, predicted) in pairs {
            for mask in [truth, predicted] {
                for label in mask.labels where label != SegmentationMask.ignoreIndex { largest = max(largest, Int(label)) }
            }
        }
        if classNames.isEmpty { classNames = (0...largest).map { $0 == 0 ? "background" : "class \($0)" } }
        guard largest < classNames.count else { throw IterationError("\(config.classes ?? truthFolder): label \(largest) has no class name") }
        var analysis = SegmentationAnalysis(classCount: classNames.count)
        for (i, (t, p)) in pairs.enumerated() {
            do { try analysis.add(groundTruth: t.labels.map(Int.init), prediction: p.labels.map(Int.init), width: t.width, height: t.height) } catch {
                throw IterationError("\(names[i]): \(error)")
            }
        }
        let images = names.map { file -> String? in config.images.map { URL(fileURLWithPath: $0).appendingPathComponent(file).path } }
        return Loaded(analysis: analysis, classNames: classNames, names: names, images: images,
                      predictions: names.map { URL(fileURLWithPath: predictionFolder).appendingPathComponent($0).path },
                      sizes: pairs.map { ($0.0.width, $0.0.height) }, background: classNames.firstIndex(of: "background"))
    }

    var saved: SavedCases { SavedCases(file: casesFile, workspace: workspace) }

    func updateFailures(previous: String?) throws {
        let loaded = try load()
        log(String(format: "errors: mean IoU %.3f over %d images", loaded.analysis.meanIoU, loaded.names.count))
        let input = IterationInput.segmentation(loaded.analysis, images: loaded.names, background: loaded.background, source: config.predictions ?? config.weights)
        try saved.update(input, iteration: name, config: config, first: previous == nil, log: log)
    }

    /// Heat maps of every case: the segmenter's logits of the case's class (the predicted one where it confused) summed
    /// over the case's region — its ground-truth pixels, or the predicted ones of a false region — as pytorch-grad-cam's
    /// SemanticSegmentationTarget does. The zoo's segmenters answer at their input's resolution.
    func drawCAMs(_ model: DenseModel) throws {
        let loaded = try load()
        let (cases, top) = try casesAndTopErrors(loaded)
        let items = try (cases.map(\.record) + top).compactMap { record -> CaseHeatMaps.Item? in
            guard let box = record.target.box, let i = loaded.names.firstIndex(of: record.image), let path = loaded.images[i] else { return nil }
            let maskPath = record.target.kind == .region ? loaded.predictions[i] : URL(fileURLWithPath: config.groundTruth!).appendingPathComponent(record.image).path
            let mask: SegmentationMask
            do { mask = try SegmentationMask.read(path: maskPath) } catch { throw IterationError("\(error)") }
            let input = try model.input(path)
            let region = Self.region(of: record.target.classId, in: mask, box: box, side: input.tensor.shape[2])
            return .init(id: record.key, input: input.tensor, target: .region(class: record.predictedClass ?? record.target.classId, mask: region),
                         picture: input.picture, window: input.window)
        }
        let layer = config.camLayer ?? model.architecture.defaultCAMLayer(inputSize: model.preprocessing.size)
        try heatMaps.draw(items, model: model.module, layer: layer, config: config.file, log: log)
    }

    /// The pixels of `label` inside `box`, stretched to a side × side output (nearest mask pixel); the box itself when
    /// the label is not there (a region re-found from the manifest).
    static func region(of label: Int, in mask: SegmentationMask, box: [Double], side: Int) -> [Float] {
        let (x0, y0) = (Int(box[0]), Int(box[1])), (x1, y1) = (Int(box[0] + box[2]), Int(box[1] + box[3]))
        func inside(_ x: Int, _ y: Int) -> Bool { x >= x0 && x < x1 && y >= y0 && y < y1 }
        var region = [Float](repeating: 0, count: side * side), rectangle = region
        // Which mask pixel each output pixel reads: the mask's own nearest-neighbour stretch, applied to pixel indices.
        let sources = SegmentationMask.stretchedLabels(Array(0..<(mask.width * mask.height))[...], width: mask.width, height: mask.height,
                                                       toWidth: side, toHeight: side)
        for (i, source) in sources.enumerated() where inside(source % mask.width, source / mask.width) {
            rectangle[i] = 1
            if Int(mask.labels[source]) == label { region[i] = 1 }
        }
        return region.contains(1) ? region : rectangle
    }

    /// The failure set's cases with their statuses, and the top errors outside it.
    func casesAndTopErrors(_ loaded: Loaded) throws -> (cases: [(record: CaseRecord, status: String)], top: [CaseRecord]) {
        try saved.casesAndTopErrors(among: SegmentationCases.records(from: loaded.analysis, images: loaded.names, background: loaded.background),
                                    limit: config.camTopErrors)
    }

    /// `runDirectory`: the run that trained the model, when this iteration trained it.
    func record(runDirectory: String?) throws -> IterationRecord {
        let loaded = try load()
        let (cases, top) = try casesAndTopErrors(loaded)
        var record = SegmentationIteration.record(name: name, analysis: loaded.analysis, classNames: loaded.classNames, imageNames: loaded.names,
                                                  images: loaded.images, predictedMasks: loaded.predictions, sizes: loaded.sizes,
                                                  source: config.predictions ?? config.weights, cases: cases,
                                                  topErrors: top)
        record.runDirectory = runDirectory
        heatMaps.attach(to: &record)
        return record
    }
}
