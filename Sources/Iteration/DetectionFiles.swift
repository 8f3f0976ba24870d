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

    struct CaseState: Codable { var id: String; var status: String }

    func updateFailures(previous: String?) throws {
        let input = IterationInput.detection(try loadAnalysis(), source: config.predictions)
        let update = FailureSetUpdate(workspace: workspace, iteration: name, policy: SelectionPolicy(minCases: config.minCases, maxCases: config.maxCases))
        let states = try update.run(input, first: previous == nil).map { CaseState(id: $0.id, status: $0.status) }
        try JSONEncoder().encode(states).write(to: casesFile, options: .atomic)
        log("failures: \(states.count) cases")
    }

    func record() throws -> IterationRecord {
        let analysis = try loadAnalysis()
        guard let data = FileManager.default.contents(atPath: casesFile.path),
              let states = try? JSONDecoder().decode([CaseState].self, from: data) else { throw IterationError("\(casesFile.path): missing") }
        let records = Dictionary(DetectionCases.records(from: analysis).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let manifest = try FailureManifest.load(path: workspace.manifest.path)
        let cases = states.compactMap { s -> (CaseRecord, String)? in
            if let r = records[s.id] { return (r, s.status) }
            // A curated region no detection covers any more: drawn from the manifest.
            guard let c = manifest.cases.first(where: { $0.id == s.id }) else { return nil }
            return (CaseRecord(key: c.id, image: c.image, target: c.target, error: nil, confidence: 0), s.status)
        }
        return DetectionIteration.record(name: name, analysis: analysis, source: config.predictions, imageRoot: config.images, cases: cases)
    }
}
