import Datasets
import Evaluation
import Failures
import Foundation
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
        let update = FailureSetUpdate(workspace: workspace, iteration: name, policy: SelectionPolicy(minCases: config.minCases, maxCases: config.maxCases))
        let states = try update.run(input, first: previous == nil)
        try saved.save(states)
        log("failures: \(states.count) cases")
    }

    func record() throws -> IterationRecord {
        let loaded = try load()
        let cases = try saved.cases(among: SegmentationCases.records(from: loaded.analysis, images: loaded.names, background: loaded.background))
        return SegmentationIteration.record(name: name, analysis: loaded.analysis, classNames: loaded.classNames, imageNames: loaded.names,
                                            images: loaded.images, predictedMasks: loaded.predictions, sizes: loaded.sizes,
                                            source: config.predictions ?? config.weights, cases: cases)
    }
}
