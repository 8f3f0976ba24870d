import Foundation
@testable import Evaluation

/// Golden files written by scripts/goldens/coco_eval.py (pycocotools 2.0.x, tidecv 1.0.1).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/coco")

    static let cases = ["bbox_mixed", "bbox_dense", "segm_with_boxes", "segm_rle_only", "bbox_zero_id"]

    static func path(_ name: String) -> String { root.appendingPathComponent(name).path }

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: root.appendingPathComponent(name))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    struct Case {
        let name: String
        let iouType: IoUType
        let groundTruth: CocoGroundTruth
        let detections: [Detection]
        let expected: [String: Any]
        var coco: [String: Any] { expected["coco"] as! [String: Any] }
        var tide: [String: Any] { expected["tide"] as! [String: Any] }
    }

    static func load(_ name: String) throws -> Case {
        let expected = try json("\(name)/expected.json")
        let iouType = IoUType(rawValue: expected["iou_type"] as! String)!
        let gt = try CocoFiles.loadGroundTruth(path: path("\(name)/gt.json"))
        let dets = try CocoFiles.loadDetections(path: path("\(name)/dets.json"), groundTruth: gt, iouType: iouType)
        return Case(name: name, iouType: iouType, groundTruth: gt, detections: dets, expected: expected)
    }
}

func doubles(_ value: Any?) -> [Double] { (value as? [Any] ?? []).map { ($0 as! NSNumber).doubleValue } }
