/// tidecv's AP bookkeeping (`ClassedAPDataObject`): per class, data points (score, true/false) in push
/// order plus a ground-truth count. Push order matters: equal scores keep it through a stable sort, so
/// "fixed" copies rebuild it exactly as tidecv does (fixed errors first, then the original positives).
struct TideAPData {
    struct Point { var score: Double; var correct: Bool }

    /// Classes in creation order (tidecv's defaultdict order, which fixes the summation order of mAP).
    private(set) var classIds: [Int] = []
    private var slotOfClass: [Int: Int] = [:]
    /// Flat cache of `slotOfClass` for small class ids (one look-up per detection).
    private var smallSlots = [Int32](repeating: -1, count: 4096)
    private(set) var points: [[Point]] = []
    private(set) var groundTruthCounts: [Int] = []

    mutating func slot(_ classId: Int) -> Int {
        let small = classId >= 0 && classId < smallSlots.count
        if small, smallSlots[classId] >= 0 { return Int(smallSlots[classId]) }
        if !small, let s = slotOfClass[classId] { return s }
        let s = classIds.count
        if small { smallSlots[classId] = Int32(s) } else { slotOfClass[classId] = s }
        classIds.append(classId); points.append([]); groundTruthCounts.append(0)
        return s
    }

    mutating func push(_ classId: Int, _ point: Point) { points[slot(classId)].append(point) }
    mutating func addGroundTruth(_ classId: Int, _ n: Int) { groundTruthCounts[slot(classId)] += n }

    /// Mean over classes that have points or ground truth, ×100 (`get_mAP`).
    var meanAP: Double {
        var sum = 0.0, n = 0
        for s in classIds.indices where !(points[s].isEmpty && groundTruthCounts[s] == 0) {
            sum += Self.averagePrecision(points[s], groundTruth: groundTruthCounts[s]); n += 1
        }
        return n == 0 ? 0 : sum / Double(n)
    }

    /// `APDataObject.get_ap`: stable sort by score, precision envelope, 101 recall points x/100
    /// with `searchsorted(…, 'left')`, mean ×100.
    static func averagePrecision(_ unsorted: [Point], groundTruth: Int) -> Double {
        if groundTruth == 0 { return 0 }
        let order = ScoreOrder.descending(unsorted.map(\.score))
        var precisions = [Double](), recalls = [Double]()
        precisions.reserveCapacity(order.count); recalls.reserveCapacity(order.count)
        var trueCount = 0, falseCount = 0
        for i in order {
            if unsorted[i].correct { trueCount += 1 } else { falseCount += 1 }
            precisions.append(Double(trueCount) / Double(trueCount + falseCount))
            recalls.append(Double(trueCount) / Double(groundTruth))
        }
        if precisions.count > 1 {
            for i in stride(from: precisions.count - 1, to: 0, by: -1) where precisions[i] > precisions[i - 1] {
                precisions[i - 1] = precisions[i]
            }
        }
        var sum = 0.0, i = 0
        for bar in 0...100 {
            let x = Double(bar) / 100
            while i < recalls.count && recalls[i] < x { i += 1 }
            if i < precisions.count { sum += precisions[i] }
        }
        return sum / 101 * 100
    }
}
