import Evaluation

/// Turns a detector's error analysis into case records: one per ground truth (TP, Miss, or the Cls/Loc
/// error pointing at it) and one per false-positive region (Bkg, Dupe, Both) — the units whose fate
/// can be followed from one iteration to the next.
public enum DetectionCases {
    public static func records(from analysis: ErrorAnalysis) -> [CaseRecord] {
        records(groundTruth: analysis.groundTruth, detections: analysis.detections, tide: analysis.tide)
    }

    public static func records(groundTruth: CocoGroundTruth, detections: [Detection], tide: TideResult) -> [CaseRecord] {
        var records = [CaseRecord]()
        for (g, ann) in groundTruth.annotations.enumerated() {
            let label = tide.groundTruth[g]
            let error: String?
            switch label.status {
            case .crowd: continue  // crowds are never matched: nothing to fix
            case .truePositive: error = nil
            case .miss, .cls, .loc: error = label.status.rawValue
            }
            let det = label.detectionIndex.map { detections[$0] }
            let iou = label.detectionIndex.map { tide.detections[$0].iou }
            records.append(CaseRecord(
                key: "gt-\(ann.id)", image: String(ann.imageId),
                target: CaseTarget(kind: .groundTruth, classId: ann.categoryId, box: boxArray(ann.box), groundTruthId: ann.id),
                error: error, confidence: label.status == .miss ? 0 : det?.score ?? 0,
                predictedClass: det?.categoryId, iou: iou))
        }
        // Cls and Loc detections are already told by the ground truth they point at; the rest have none.
        for (d, det) in detections.enumerated() {
            let label = tide.detections[d]
            guard [.bkg, .dupe, .both].contains(label.kind), let box = det.box else { continue }
            records.append(CaseRecord(
                key: regionKey(image: det.imageId, classId: det.categoryId, box: box), image: String(det.imageId),
                target: CaseTarget(kind: .region, classId: det.categoryId, box: boxArray(box),
                                   groundTruthId: label.groundTruthIndex.map { groundTruth.annotations[$0].id }),
                error: label.kind.rawValue, confidence: det.score, predictedClass: det.categoryId, iou: label.iou))
        }
        return records
    }

    /// Whole pixels: a region key must not change with the last digits of a box regression.
    static func regionKey(image: Int, classId: Int, box: BoundingBox) -> String {
        let r = [box.x, box.y, box.width, box.height].map { String(Int(($0).rounded())) }
        return "region-\(image)-\(classId)-\(r.joined(separator: ","))"
    }

    static func boxArray(_ b: BoundingBox) -> [Double] { [b.x, b.y, b.width, b.height] }
}
