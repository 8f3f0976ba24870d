import Attribution
import Evaluation
import Failures
import Foundation
import NN
import Report

/// A detector's (or instance segmenter's, with `iou_type: segm`) iteration: COCO ground truth and results in (from a
/// detector run elsewhere, or from the zoo's detector with its weights), errors taken apart, the failure set updated,
/// its cases explained by heat maps when the model is at hand, and drawn on their images.
struct DetectionFiles {
    let config: IterateConfig
    let name: String
    let folder: URL
    let workspace: Workspace
    let log: (String) -> Void

    var errorsFile: URL { folder.appendingPathComponent("errors.json") }
    var casesFile: URL { folder.appendingPathComponent("cases.json") }
    var iouType: IoUType { config.iouType }
    /// The COCO results: the config's file, or this iteration's own when it runs the detector.
    var predictions: String { config.predictions ?? folder.appendingPathComponent("detections.json").path }
    var heatMaps: CaseHeatMaps { CaseHeatMaps(folder: folder.appendingPathComponent("cams"), methods: config.camMethods) }

    func loadAnalysis() throws -> ErrorAnalysis {
        do { return try ErrorAnalysis.run(groundTruthPath: config.groundTruth!, detectionsPath: predictions, iouType: iouType) } catch {
            throw IterationError("\(error)")
        }
    }

    func analyse() throws {
        let analysis = try loadAnalysis()
        try Data(analysis.jsonReport().utf8).write(to: errorsFile, options: .atomic)
        log(String(format: "errors: AP %.3f, AP50 %.3f over %d detections", analysis.coco.stats[0], analysis.coco.stats[1], analysis.detections.count))
    }

    var saved: SavedCases { SavedCases(file: casesFile, workspace: workspace) }

    func updateFailures(previous: String?) throws {
        let input = IterationInput.detection(try loadAnalysis(), source: config.predictions ?? config.weights)
        try saved.update(input, iteration: name, config: config, first: previous == nil, log: log)
    }

    /// Heat maps of every case: the detector's score for the case's class at the centre of its box (the predicted box
    /// of a false positive, the ground truth's of a miss), i.e. what made it fire there, or not.
    func drawCAMs(_ model: DenseModel) throws {
        let analysis = try loadAnalysis()
        let (cases, top) = try casesAndTopErrors(analysis)
        let categories = analysis.groundTruth.categories.map(\.id).sorted()
        let files = Dictionary(analysis.groundTruth.images.map { ($0.id, $0.fileName) }, uniquingKeysWith: { a, _ in a })
        let items = try (cases.map(\.record) + top).compactMap { record -> CaseHeatMaps.Item? in
            guard let box = record.target.box, let name = files[Int(record.image) ?? -1] ?? nil,
                  let path = DetectionIteration.path(config.images, name),
                  let label = categories.firstIndex(of: record.predictedClass ?? record.target.classId) else { return nil }
            let input = try model.input(path)
            let (scale, offset) = input.placement, side = input.tensor.shape[2] / CenterNet.stride
            let cx = Float(box[0] + box[2] / 2) * scale.1 + offset.1, cy = Float(box[1] + box[3] / 2) * scale.0 + offset.0
            let cell = { (v: Float) in min(side - 1, max(0, Int(v) / CenterNet.stride)) }
            return .init(id: record.key, input: input.tensor, target: .box(class: label, row: cell(cy), column: cell(cx)),
                         picture: input.picture, window: input.window)
        }
        let layer = config.camLayer ?? model.architecture.defaultCAMLayer(inputSize: model.preprocessing.size)
        try heatMaps.draw(items, model: model.module, layer: layer, config: config.file, log: log)
    }

    /// The failure set's cases with their statuses, and the top errors outside it.
    func casesAndTopErrors(_ analysis: ErrorAnalysis) throws -> (cases: [(record: CaseRecord, status: String)], top: [CaseRecord]) {
        try saved.casesAndTopErrors(among: DetectionCases.records(from: analysis), limit: config.camTopErrors)
    }

    /// `runDirectory`: the run that trained the model, when this iteration trained it.
    func record(runDirectory: String?) throws -> IterationRecord {
        let analysis = try loadAnalysis()
        let (cases, top) = try casesAndTopErrors(analysis)
        var record = DetectionIteration.record(name: name, analysis: analysis, source: config.predictions ?? config.weights,
                                               imageRoot: config.images, cases: cases, topErrors: top)
        record.runDirectory = runDirectory
        heatMaps.attach(to: &record)
        return record
    }
}
