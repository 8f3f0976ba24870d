import ArgumentParser
import Evaluation
import Foundation

/// `fovea errors`: COCO AP (pycocotools semantics) and the TIDE error taxonomy (tidecv semantics) of a
/// COCO results file, with every detection and ground truth labelled in the JSON output.
struct Errors: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "COCO AP and TIDE errors of a detector's COCO results, every box labelled.")

    @Option(name: .long, help: "COCO instances file (ground truth).")
    var gt: String

    @Option(name: .long, help: "COCO results file (a JSON list of detections).")
    var pred: String

    @Option(name: .customLong("iou-type"), help: "bbox or segm.")
    var iouType: IoUType = .bbox

    @Option(name: .long, help: "Write the full report (numbers and per-box labels) as JSON here.")
    var json: String?

    func run() throws {
        let analysis: ErrorAnalysis
        do {
            analysis = try ErrorAnalysis.run(groundTruthPath: gt, detectionsPath: pred, iouType: iouType)
        } catch let error as EvaluationError {
            throw InputError(error.description)
        }
        print(analysis.textSummary(), terminator: "")
        if let json {
            guard FileManager.default.createFile(atPath: json, contents: Data(analysis.jsonReport().utf8)) else {
                throw InputError("\(json): cannot write the file")
            }
        }
    }
}

extension IoUType: ExpressibleByArgument {}
