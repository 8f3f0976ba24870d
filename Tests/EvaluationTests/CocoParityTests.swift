import Foundation
import Testing
@testable import Evaluation

/// COCO AP against pycocotools on the golden sets (crowds, score ties, empty images, a category
/// absent from the ground truth, an image with more than 100 detections, bbox and segm).
@Suite struct CocoParityTests {
    @Test(arguments: Fixtures.cases)
    func twelveStatsMatchPycocotools(name: String) throws {
        let c = try Fixtures.load(name)
        let evaluation = try CocoEvaluator.evaluate(groundTruth: c.groundTruth, detections: c.detections, iouType: c.iouType)
        let expected = doubles(c.coco["stats"])
        let actual = evaluation.stats
        #expect(expected.count == 12)
        for (i, (a, e)) in zip(actual, expected).enumerated() {
            #expect(abs(a - e) <= 1e-6, "\(name) \(CocoEvaluation.statNames[i]): \(a) vs pycocotools \(e)")
        }
    }

    @Test(arguments: Fixtures.cases)
    func perClassAPAndCurvesMatchPycocotools(name: String) throws {
        let c = try Fixtures.load(name)
        let evaluation = try CocoEvaluator.evaluate(groundTruth: c.groundTruth, detections: c.detections, iouType: c.iouType)
        let perClass = c.coco["per_class_ap"] as! [String: Any]
        let curves = c.coco["pr_curve_iou50"] as! [String: Any]
        let recalls = c.coco["recall"] as! [String: Any]
        #expect(perClass.count == c.groundTruth.categories.count)
        var sawAbsentCategory = false
        for (key, value) in perClass {
            let id = Int(key)!
            let e = (value as! NSNumber).doubleValue
            sawAbsentCategory = sawAbsentCategory || e == -1
            #expect(abs(evaluation.averagePrecision(categoryId: id) - e) <= 1e-6, "\(name) category \(id)")
            let curve = evaluation.precisionRecallCurve(categoryId: id, iouIndex: 0)
            let expectedCurve = doubles(curves[key])
            #expect(curve.count == 101)
            #expect(zip(curve, expectedCurve).allSatisfy { abs($0 - $1) <= 1e-9 }, "\(name) category \(id) PR curve")
            let k = evaluation.categoryIds.firstIndex(of: id)!
            let r = (0..<10).map { evaluation.recall(t: $0, k: k, a: 0, m: 2) }
            #expect(zip(r, doubles(recalls[key])).allSatisfy { abs($0 - $1) <= 1e-9 }, "\(name) category \(id) recall")
        }
        #expect(sawAbsentCategory, "the golden set should hold a category without ground truth")
    }

    @Test func thresholdsCarryNumpyLinspaceRounding() {
        let p = CocoParameters()
        #expect(p.iouThresholds[8] == 0.8999999999999999)
        #expect(p.iouThresholds[9] == 0.95)
        #expect(p.recallThresholds[35] == 0.35000000000000003)
        #expect(p.recallThresholds.count == 101)
    }

    @Test func noDetectionsGiveZeroAPNotACrash() throws {
        let c = try Fixtures.load("bbox_mixed")
        let evaluation = try CocoEvaluator.evaluate(groundTruth: c.groundTruth, detections: [], iouType: .bbox)
        let stats = evaluation.stats
        #expect(stats[0] == 0)
        #expect(stats[8] == 0)
    }
}

@Suite struct CocoThreadingTests {
    @Test func workerCountDoesNotChangeResults() throws {
        let c = try Fixtures.load("bbox_dense")
        let geometry = try MatchGeometry(groundTruth: c.groundTruth, detections: c.detections, iouType: .bbox)
        let one = CocoEvaluator.evaluate(groundTruth: c.groundTruth, detections: c.detections, geometry: geometry,
                                         parameters: CocoParameters(), threads: 1)
        let three = CocoEvaluator.evaluate(groundTruth: c.groundTruth, detections: c.detections, geometry: geometry,
                                           parameters: CocoParameters(), threads: 3)
        #expect(one.precision == three.precision)
        #expect(one.recall == three.recall)
    }
}
