import Foundation
import Testing
@testable import Evaluation

/// The `fovea errors --json` document: the CLI contract's keys, one entry per box, numbers that agree
/// with the library results.
@Suite struct ErrorReportTests {
    func report(_ name: String) throws -> (ErrorAnalysis, [String: Any]) {
        let c = try Fixtures.load(name)
        let analysis = try ErrorAnalysis(groundTruth: c.groundTruth, detections: c.detections, iouType: c.iouType)
        let object = try JSONSerialization.jsonObject(with: Data(analysis.jsonReport().utf8)) as! [String: Any]
        return (analysis, object)
    }

    @Test func contractKeysAndValues() throws {
        let (analysis, json) = try report("bbox_mixed")
        let coco = json["coco"] as! [String: Any]
        #expect(Set(coco.keys) == Set(CocoEvaluation.statNames))
        for (name, value) in zip(CocoEvaluation.statNames, analysis.coco.stats) {
            #expect(abs((coco[name] as! NSNumber).doubleValue - value) <= 1e-12, "\(name)")
        }
        let tide = json["tide"] as! [String: Any]
        #expect(Set((tide["main"] as! [String: Any]).keys) == ["Cls", "Loc", "Both", "Dupe", "Bkg", "Miss"])
        #expect(Set((tide["special"] as! [String: Any]).keys) == ["FalsePos", "FalseNeg"])
        #expect(abs((tide["AP50"] as! NSNumber).doubleValue - analysis.tide.ap50) <= 1e-12)

        let detections = json["detections"] as! [[String: Any]]
        #expect(detections.count == analysis.detections.count)
        let required: Set<String> = ["index", "image_id", "category_id", "score", "error", "gt_id", "iou"]
        #expect(detections.allSatisfy { required.isSubset(of: Set($0.keys)) })
        #expect(detections.enumerated().allSatisfy { ($1["index"] as! Int) == $0 })
        let kinds = Set(detections.map { $0["error"] as! String })
        #expect(kinds.isSubset(of: ["TP", "Cls", "Loc", "Both", "Dupe", "Bkg", "Capped"]))
        #expect(kinds.contains("TP") && kinds.contains("Bkg"))
        // A TP names the ground truth it matched, by annotation id, at IoU ≥ 0.5.
        for d in detections where d["error"] as! String == "TP" {
            #expect(d["gt_id"] is Int)
            #expect((d["iou"] as! NSNumber).doubleValue >= 0.5)
        }
        #expect(detections.contains { $0["drift"] != nil }, "Loc boxes carry their drift")

        let groundTruth = json["ground_truth"] as! [[String: Any]]
        #expect(groundTruth.count == analysis.groundTruth.annotations.count)
        #expect(Set(groundTruth.map { $0["status"] as! String }).isSubset(of: ["TP", "Miss", "Cls", "Loc", "Ignored"]))
        #expect(groundTruth.filter { $0["status"] as! String == "Miss" }.count == analysis.tide.errorCounts[.miss])
    }

    @Test func confusionCountsEveryEvaluatedBoxOnce() throws {
        let (analysis, _) = try report("bbox_dense")
        let confusion = DetectionConfusion(groundTruth: analysis.groundTruth, detections: analysis.detections, tide: analysis.tide)
        let evaluated = analysis.tide.detections.filter { $0.kind != .notEvaluated }.count
        let n = confusion.categoryIds.count + 1
        let detectionColumns = (0..<n).reduce(0) { sum, row in sum + (0..<(n - 1)).reduce(0) { $0 + confusion.count(groundTruthRow: row, predictedColumn: $1) } }
        #expect(detectionColumns == evaluated)
        let truePositives = analysis.tide.detections.filter { $0.kind == .truePositive }.count
        #expect((0..<(n - 1)).reduce(0) { $0 + confusion.count(groundTruthRow: $1, predictedColumn: $1) } >= truePositives)
        #expect(confusion.count(groundTruthRow: n - 1, predictedColumn: n - 1) == 0)
    }

    @Test func driftOfAShiftedBox() {
        let drift = LocalizationDrift(detection: BoundingBox(x: 12, y: 10, width: 20, height: 10),
                                      groundTruth: BoundingBox(x: 10, y: 10, width: 10, height: 10))!
        #expect(abs(drift.centerX - 0.7) < 1e-12)  // centres 22 vs 15, in ground-truth widths of 10
        #expect(drift.centerY == 0)
        #expect(abs(drift.scale - log(2.0.squareRoot())) < 1e-12)
        #expect(abs(drift.aspect - log(2.0)) < 1e-12)
        #expect(LocalizationDrift(detection: BoundingBox(x: 0, y: 0, width: 0, height: 1), groundTruth: BoundingBox(x: 0, y: 0, width: 1, height: 1)) == nil)
    }
}

@Suite struct JSONTextWriterTests {
    @Test func escapesAndNumbers() throws {
        var w = JSONTextWriter()
        w.open("{")
        w.key("name"); w.string("a \"cat\"\n\u{01}é")
        w.key("values"); w.open("[")
        for v in [0.0, -1.0, 0.1, 1e-7, Double.nan] { w.element(); w.number(v) }
        w.element(); w.integer(-1234567890123)
        w.close("]")
        w.close("}")
        let text = String(decoding: w.bytes, as: UTF8.self)
        #expect(text == #"{"name":"a \"cat\"\n\u0001é","values":[0,-1,0.1,1e-07,null,-1234567890123]}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(w.bytes)) as! [String: Any]
        #expect(parsed["name"] as? String == "a \"cat\"\n\u{01}é")
    }
}

@Suite struct ErrorTallyTests {
    @Test func perClassAndPerImageCountsAddUpToTheLabels() throws {
        let c = try Fixtures.load("bbox_mixed")
        let analysis = try ErrorAnalysis(groundTruth: c.groundTruth, detections: c.detections, iouType: .bbox)
        let tally = ErrorTally(groundTruth: c.groundTruth, detections: c.detections, tide: analysis.tide)
        let misses = analysis.tide.groundTruth.filter { $0.status == .miss }.count
        let byCategory = tally.byCategory.values.reduce(0) { $0 + $1.values.reduce(0, +) }
        let byImage = tally.byImage.reduce(0) { $0 + $1.counts.values.reduce(0, +) }
        #expect(byCategory == c.detections.count + misses)
        #expect(byImage == c.detections.count + misses)
        #expect(tally.byImage.count == c.groundTruth.images.count)
        let bkg = analysis.tide.detections.filter { $0.kind == .bkg }.count
        #expect(tally.byCategory.values.reduce(0) { $0 + ($1["Bkg"] ?? 0) } == bkg)
    }
}

@Suite struct TextSummaryTests {
    @Test func fixedPointFormatting() {
        #expect(fixed(0.08895, 3) == "0.089")
        #expect(fixed(12.345, 2) == "12.35" || fixed(12.345, 2) == "12.34")  // 12.345 is not exact in binary
        #expect(fixed(7, 2) == "7.00")
        #expect(fixed(-0.5, 1) == "-0.5")
        #expect(fixed(-0.0001, 2) == "0.00")
        #expect(fixed(0.999, 2) == "1.00")
    }

    @Test func summaryHasCocoLinesAndTideTables() throws {
        let c = try Fixtures.load("bbox_mixed")
        let analysis = try ErrorAnalysis(groundTruth: c.groundTruth, detections: c.detections, iouType: .bbox)
        let lines = analysis.textSummary().split(separator: "\n")
        #expect(lines.filter { $0.contains("Average Precision") }.count == 6)
        #expect(lines.filter { $0.contains("Average Recall") }.count == 6)
        #expect(lines.contains { $0.hasPrefix("  families   misses") })
        #expect(lines[1].hasSuffix("= \(fixed(analysis.coco.stats[0], 3))"))
    }
}
