import ArgumentParser
import Evaluation
import Foundation

/// `fovea errors`: COCO AP (pycocotools semantics) and the TIDE error taxonomy (tidecv semantics) of a
/// COCO results file, with every detection and ground truth labelled in the JSON output.
struct Errors: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "COCO AP and TIDE errors of a detector's COCO results, every box labelled.",
        discussion: "Examples:\n  fovea errors --gt val.json --pred results.json\n  fovea errors --gt val.json --pred results.json --iou-type segm --json errors.json")

    @Option(name: .long, help: "COCO instances file (ground truth).")
    var gt: String

    @Option(name: .long, help: "COCO results file (a JSON list of detections).")
    var pred: String

    @Option(name: .customLong("iou-type"), help: "bbox or segm.")
    var iouType: IoUType = .bbox

    @Option(name: .long, help: "Write the full report (numbers and per-box labels) as JSON here.")
    var json: String?

    @Flag(name: .long, help: "Print the seconds each stage took on stderr.")
    var timings = false

    func run() throws {
        let analysis: ErrorAnalysis
        do {
            analysis = try ErrorAnalysis.run(groundTruthPath: gt, detectionsPath: pred, iouType: iouType)
        } catch let error as EvaluationError {
            throw InputError(error.description)
        }
        print(analysis.textSummary(), terminator: "")
        var stages = analysis.stageSeconds
        if let json {
            let start = Date()
            let bytes = analysis.jsonReportBytes()
            guard let file = fopen(json, "wb") else { throw InputError("\(json): cannot write the file") }
            let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            guard fclose(file) == 0, written == bytes.count else { throw InputError("\(json): cannot write the file") }
            stages.append(("write json", Date().timeIntervalSince(start)))
        }
        if timings {
            for (stage, seconds) in stages {
                FileHandle.standardError.write(Data("\(stage): \(String(format: "%.3f", seconds)) s\n".utf8))
            }
        }
    }
}

extension IoUType: ExpressibleByArgument {}
