import Evaluation

/// Turns a segmenter's region analysis into case records: one per ground-truth region (right, or `Miss`, `Loc` for
/// boundary drift, `Cls` for confusion) and one per false-positive region (`Bkg`) — the units followed across
/// iterations. A ground-truth region keeps its identity (image, class, bounds); a false-positive region is
/// re-found by overlap, as a detector's is.
public enum SegmentationCases {
    /// `images`: a name per analysed image, in the order they were added; `background`: a class whose regions are
    /// not cases (the "nothing here" label).
    public static func records(from analysis: SegmentationAnalysis, images: [String], background: Int? = 0) -> [CaseRecord] {
        analysis.regions.compactMap { r -> CaseRecord? in
            guard r.classId != background else { return nil }
            let box = [Double(r.minX), Double(r.minY), Double(r.maxX - r.minX + 1), Double(r.maxY - r.minY + 1)]
            let image = images.indices.contains(r.image) ? images[r.image] : String(r.image)
            let partner = r.partner.map { analysis.regions[$0] }
            if r.isGroundTruth {
                let error: String? = switch r.status {
                case .matched: nil
                case .boundaryDrift: "Loc"
                case .classConfusion: "Cls"
                case .missed, .falsePositive: "Miss"
                }
                let key = "segment-\(image)-\(r.classId)-" + box.map { String(Int($0)) }.joined(separator: ",")
                return CaseRecord(key: key, image: image, target: CaseTarget(kind: .groundTruth, classId: r.classId, box: box),
                                  error: error, confidence: r.iou, predictedClass: partner?.classId, iou: r.iou)
            }
            guard r.status == .falsePositive else { return nil }
            let key = "region-\(image)-\(r.classId)-" + box.map { String(Int($0)) }.joined(separator: ",")
            // A false region that overlaps no object at all is the surest mistake: ranked by 1 − its best IoU.
            return CaseRecord(key: key, image: image, target: CaseTarget(kind: .region, classId: r.classId, box: box),
                              error: "Bkg", confidence: 1 - r.iou, predictedClass: r.classId, iou: r.iou)
        }
    }
}
