import Foundation
import Testing
@testable import Evaluation

/// TIDE against tidecv 1.0.1 on the golden sets: the six main dAPs, FalsePos/FalseNeg, its AP50,
/// and the error type of every detection and every missed ground truth.
@Suite struct TideParityTests {
    /// The contract asks for 1e-3 (tidecv prints two decimals); the implementation is held much tighter.
    static let tolerance = 1e-9

    @Test(arguments: Fixtures.cases)
    func dAPsMatchTidecv(name: String) throws {
        let c = try Fixtures.load(name)
        let result = try TideEvaluator.evaluate(groundTruth: c.groundTruth, detections: c.detections, iouType: c.iouType)
        let main = c.tide["main"] as! [String: Any]
        let special = c.tide["special"] as! [String: Any]
        let expectedAP = (c.tide["AP50"] as! NSNumber).doubleValue
        #expect(abs(result.ap50 - expectedAP) <= Self.tolerance, "\(name) AP50 \(result.ap50) vs \(expectedAP)")
        #expect(main.count == 6)
        for type in TideErrorType.allCases {
            let expected = (main[type.rawValue] as! NSNumber).doubleValue
            let actual = result.mainErrors[type] ?? .nan
            #expect(abs(actual - expected) <= Self.tolerance, "\(name) \(type.rawValue): \(actual) vs tidecv \(expected)")
        }
        let fp = (special["FalsePos"] as! NSNumber).doubleValue, fn = (special["FalseNeg"] as! NSNumber).doubleValue
        #expect(abs(result.falsePositive - fp) <= Self.tolerance, "\(name) FalsePos \(result.falsePositive) vs \(fp)")
        #expect(abs(result.falseNegative - fn) <= Self.tolerance, "\(name) FalseNeg \(result.falseNegative) vs \(fn)")
    }

    @Test(arguments: Fixtures.cases)
    func everyDetectionAndMissCarriesTidecvsLabel(name: String) throws {
        let c = try Fixtures.load(name)
        let result = try TideEvaluator.evaluate(groundTruth: c.groundTruth, detections: c.detections, iouType: c.iouType)
        let expected = c.tide["detection_errors"] as! [String: String]
        var mismatches = [String]()
        for (index, label) in result.detections.enumerated() {
            let want = expected[String(index)] ?? "Capped"
            if label.kind.rawValue != want { mismatches.append("#\(index): \(label.kind.rawValue) vs \(want)") }
        }
        #expect(mismatches.isEmpty, "\(name): \(mismatches.prefix(5))")
        #expect(result.detections.contains { $0.kind == .notEvaluated }, "the golden set should exceed 100 detections on an image")
        let missed = Set((c.tide["missed_gt_indices"] as! [Int]))
        let ours = Set(result.groundTruth.indices.filter { result.groundTruth[$0].status == .miss })
        #expect(ours == missed, "\(name) missed ground truth")
        #expect((result.errorCounts[.miss] ?? 0) == missed.count)
    }
}
