/// Accumulated COCO results: pycocotools' `eval['precision']`, `eval['recall']` and `stats`.
public struct CocoEvaluation: Sendable {
    public let parameters: CocoParameters
    /// Sorted category ids: the K axis.
    public let categoryIds: [Int]
    /// [T][R][K][A][M], -1 where a category has no non-ignored ground truth.
    public let precision: [Double]
    /// [T][K][A][M], -1 likewise.
    public let recall: [Double]

    public static let statNames = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]

    var T: Int { parameters.iouThresholds.count }
    var R: Int { parameters.recallThresholds.count }
    var K: Int { categoryIds.count }
    var A: Int { parameters.areaRanges.count }
    var M: Int { parameters.maxDetections.count }

    public func precision(t: Int, r: Int, k: Int, a: Int, m: Int) -> Double {
        precision[(((t * R + r) * K + k) * A + a) * M + m]
    }

    public func recall(t: Int, k: Int, a: Int, m: Int) -> Double {
        recall[((t * K + k) * A + a) * M + m]
    }

    /// The 12 numbers of `COCOeval.summarize()` for bbox/segm, in its order (see `statNames`).
    public var stats: [Double] {
        let last = parameters.maxDetections.count - 1
        return [
            summarize(ap: true), summarize(ap: true, iou: 0.5, maxDet: last), summarize(ap: true, iou: 0.75, maxDet: last),
            summarize(ap: true, area: 1, maxDet: last), summarize(ap: true, area: 2, maxDet: last),
            summarize(ap: true, area: 3, maxDet: last),
            summarize(ap: false, maxDet: 0), summarize(ap: false, maxDet: 1), summarize(ap: false, maxDet: last),
            summarize(ap: false, area: 1, maxDet: last), summarize(ap: false, area: 2, maxDet: last),
            summarize(ap: false, area: 3, maxDet: last),
        ]
    }

    /// Mean over the entries > -1 (absent categories are left out); -1 when there are none.
    /// `iou` selects thresholds by exact equality, as `np.where(iouThr == p.iouThrs)` does.
    func summarize(ap: Bool, iou: Double? = nil, area: Int = 0, maxDet: Int? = nil) -> Double {
        let m = maxDet ?? (M - 1)
        let thresholds = (0..<T).filter { iou == nil || parameters.iouThresholds[$0] == iou }
        var sum = 0.0, count = 0
        for t in thresholds {
            for k in 0..<K {
                if ap {
                    for r in 0..<R { let v = precision(t: t, r: r, k: k, a: area, m: m); if v > -1 { sum += v; count += 1 } }
                } else {
                    let v = recall(t: t, k: k, a: area, m: m); if v > -1 { sum += v; count += 1 }
                }
            }
        }
        return count == 0 ? -1 : sum / Double(count)
    }

    /// AP@[.5:.95] of one category (area all, 100 detections); -1 without non-ignored ground truth.
    public func averagePrecision(categoryId: Int) -> Double {
        guard let k = categoryIds.firstIndex(of: categoryId) else { return -1 }
        var sum = 0.0, count = 0
        for t in 0..<T { for r in 0..<R {
            let v = precision(t: t, r: r, k: k, a: 0, m: M - 1); if v > -1 { sum += v; count += 1 }
        } }
        return count == 0 ? -1 : sum / Double(count)
    }

    /// Interpolated precision at the 101 recall points for one category and IoU threshold index
    /// (area all, 100 detections); all -1 for a category without ground truth.
    public func precisionRecallCurve(categoryId: Int, iouIndex: Int = 0) -> [Double] {
        guard let k = categoryIds.firstIndex(of: categoryId) else { return [] }
        return (0..<R).map { precision(t: iouIndex, r: $0, k: k, a: 0, m: M - 1) }
    }
}
