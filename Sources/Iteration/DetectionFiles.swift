import Evaluation
import Failures
import Foundation
import Report

/// A detector's (or instance segmenter's, with `iou_type: segm`) iteration from files alone: COCO ground truth and
/// results in, errors taken apart, the failure set updated, and its cases drawn on their images.
struct DetectionFiles {
    let config: IterateConfig
    let name: String
    let folder: URL
    let workspace: Workspace
    let log: (String) -> Void

    var errorsFile: URL { folder.appendingPathComponent("errors.json") }
    var casesFile: URL { folder.appendingPathComponent("cases.json") }
    var iouType: IoUType { config.iouType }

    func loadAnalysis() throws -> ErrorAnalysis {
        do { return try ErrorAnalysis.run(groundTruthPath: config.groundTruth!, detectionsPath: config.predictions!, iouType: iouType) } catch {
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
        let input = IterationInput.detection(try loadAnalysis(), source: config.predictions)
        let update = FailureSetUpdate(workspace: workspace, iteration: name, policy: SelectionPolicy(minCases: config.minCases, maxCases: config.maxCases))
        let states = try update.run(input, first: previous == nil)
        try saved.save(states)
        log("failures: \(states.count) cases")
    }

    func record() throws -> IterationRecord {
        let analysis = try loadAnalysis()
        let cases = try saved.cases(among: DetectionCases.records(from: analysis))
        return DetectionIteration.record(name: name, analysis: analysis, source: config.predictions, imageRoot: config.images, cases: cases)
    }
}
