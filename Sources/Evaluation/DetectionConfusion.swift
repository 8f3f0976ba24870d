/// Cross-class confusion of a detector from TIDE's labels, with a background row and column.
/// Rows are ground-truth classes (then background), columns predicted classes (then background):
/// a TP counts at (class, class), a Cls error at (its ground truth's class, predicted class), every
/// other false positive at (background, predicted class), and every ground truth left unmatched and
/// not claimed by a Cls error at (its class, background).
public struct DetectionConfusion: Sendable {
    public let categoryIds: [Int]
    /// (K+1)×(K+1), row-major; index K is background.
    public let counts: [Int]

    public init(groundTruth: CocoGroundTruth, detections: [Detection], tide: TideResult) {
        let ids = groundTruth.categories.map(\.id).sorted()
        let index = IdIndex(ids)
        let n = ids.count + 1, background = ids.count
        var counts = [Int](repeating: 0, count: n * n)
        var claimedByCls = Set<Int>()
        for (d, label) in tide.detections.enumerated() {
            let predicted = index[detections[d].categoryId] ?? background
            switch label.kind {
            case .notEvaluated: continue
            case .truePositive, .cls:
                let g = label.groundTruthIndex!
                if label.kind == .cls { claimedByCls.insert(g) }
                counts[(index[groundTruth.annotations[g].categoryId] ?? background) * n + predicted] += 1
            case .loc, .both, .dupe, .bkg:
                counts[background * n + predicted] += 1
            }
        }
        for (g, label) in tide.groundTruth.enumerated()
        where label.status != .truePositive && label.status != .crowd && !claimedByCls.contains(g) {
            counts[(index[groundTruth.annotations[g].categoryId] ?? background) * n + background] += 1
        }
        categoryIds = ids
        self.counts = counts
    }

    public func count(groundTruthRow row: Int, predictedColumn column: Int) -> Int {
        counts[row * (categoryIds.count + 1) + column]
    }
}
