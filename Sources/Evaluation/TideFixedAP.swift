/// tidecv's `fix_errors` + `get_mAP`, computed without rebuilding and re-sorting the AP data per fix.
///
/// In a fixed copy tidecv pushes, per class, the error points first (in error order), then the original
/// true positives (in push order), and sorts stably by score. A fix only drops points, flips them to
/// true or moves them to another class — never changes a score — so one global order by
/// (score desc, errors before positives, sequence) serves every fix. And only true positives move
/// the 101-point curve: after the envelope, precision at a recall point is the best precision at any
/// later true positive. So each fix is one sequential pass counting false positives between true positives.
struct FixedAPCalculator {
    /// One data point in the global order: an original true positive, or a detection's error.
    private struct Entry {
        /// Error type index (`TideErrorType.allCases`), or -1 for an original true positive.
        var type: Int8
        /// Class slot of the unfixed point (-1: the detection is inside a crowd and has none).
        var originalSlot: Int32
        /// Class slot of the fixed point (-1: fixing removes it).
        var fixedSlot: Int32
    }

    private let entries: [Entry]
    private let classIds: [Int]
    private let groundTruthCounts: [Int]
    private let falseNegatives: [Int]
    /// Per class, the Miss errors (fixing Miss removes that many ground truths).
    private let misses: [[Int]]
    /// Per error in error order: its type, and the class slots it pushes unfixed / fixed (for tidecv's
    /// class creation order, which fixes the summation order of the mean).
    private let errorType: [Int8], errorOriginalSlot: [Int32], errorFixedSlot: [Int32]

    init(_ run: TideRun) {
        classIds = run.ap.classIds
        groundTruthCounts = run.ap.groundTruthCounts
        var slots = [Int: Int]()
        for (s, id) in classIds.enumerated() { slots[id] = s }
        falseNegatives = classIds.map { run.falseNegatives[$0] ?? 0 }
        let types = TideErrorType.allCases
        var misses = [[Int]](repeating: [], count: classIds.count)
        var errorType = [Int8](), errorOriginalSlot = [Int32](), errorFixedSlot = [Int32]()
        errorType.reserveCapacity(run.errors.count)
        // Built in (errors in error order, then true positives in push order); a stable sort by score
        // then gives tidecv's order within every class.
        var scores = [Double](), unordered = [Entry]()
        scores.reserveCapacity(run.errors.count + run.ap.points.reduce(0) { $0 + $1.count })
        unordered.reserveCapacity(scores.capacity)
        for (e, error) in run.errors.enumerated() {
            let type = Int8(types.firstIndex(of: error.type)!)
            let original = error.original != nil ? Int32(slots[error.originalClass] ?? -1) : -1
            var fixed: Int32 = -1
            switch run.fixed(error) {
            case .none: break
            case .point(let classId, _): fixed = Int32(slots[classId] ?? -1)
            case .removeGroundTruth(let classId): misses[slots[classId]!].append(e)
            }
            errorType.append(type); errorOriginalSlot.append(original); errorFixedSlot.append(fixed)
            if let d = error.detection {
                scores.append(run.detections[d].score)
                unordered.append(Entry(type: type, originalSlot: original, fixedSlot: fixed))
            }
        }
        for (s, points) in run.ap.points.enumerated() {
            for point in points where point.correct {
                scores.append(point.score)
                unordered.append(Entry(type: -1, originalSlot: Int32(s), fixedSlot: Int32(s)))
            }
        }
        entries = ScoreOrder.descending(scores).map { unordered[$0] }
        self.misses = misses
        self.errorType = errorType; self.errorOriginalSlot = errorOriginalSlot; self.errorFixedSlot = errorFixedSlot
    }

    /// mAP ×100 with every error of `type` fixed (nil: none), optionally with perfect ranking
    /// (FalsePos: every true positive scored 1, every false positive 0) or without the unmatched
    /// ground truth (FalseNeg).
    func meanAP(fixing type: TideErrorType?, perfectRanking: Bool = false, dropFalseNegatives: Bool = false) -> Double {
        let K = classIds.count
        let fixedType = type.map { Int8(TideErrorType.allCases.firstIndex(of: $0)!) } ?? -2
        var groundTruth = groundTruthCounts
        if dropFalseNegatives { for s in 0..<K { groundTruth[s] -= falseNegatives[s] } }
        if type == .miss { for s in 0..<K { groundTruth[s] -= misses[s].count } }

        // Classes in tidecv's creation order: first pushed by an error, then the rest as in the original.
        var firstSeen = [Bool](repeating: false, count: K), creationOrder = [Int]()
        for e in errorType.indices {
            let slot = Int(errorType[e] == fixedType ? errorFixedSlot[e] : errorOriginalSlot[e])
            if slot >= 0 && !firstSeen[slot] { firstSeen[slot] = true; creationOrder.append(slot) }
        }
        for s in 0..<K where !firstSeen[s] { creationOrder.append(s) }

        var truePositivePrecisions = [[Double]](repeating: [], count: K)
        var trueCounts = [Int](repeating: 0, count: K), falseCounts = [Int](repeating: 0, count: K)
        entries.withUnsafeBufferPointer { entries in
            // pass 0: everything in order; with perfect ranking, pass 0 takes the true points, pass 1 the false.
            for pass in 0..<(perfectRanking ? 2 : 1) {
                for entry in entries {
                    let correct: Bool, slot: Int
                    if entry.type < 0 { correct = true; slot = Int(entry.originalSlot) }
                    else if entry.type == fixedType { correct = true; slot = Int(entry.fixedSlot) }
                    else { correct = false; slot = Int(entry.originalSlot) }
                    if slot < 0 || (perfectRanking && correct != (pass == 0)) { continue }
                    if correct {
                        trueCounts[slot] += 1
                        truePositivePrecisions[slot].append(Double(trueCounts[slot]) / Double(trueCounts[slot] + falseCounts[slot]))
                    } else {
                        falseCounts[slot] += 1
                    }
                }
            }
        }

        var sum = 0.0, n = 0
        for s in creationOrder where !(trueCounts[s] + falseCounts[s] == 0 && groundTruth[s] == 0) {
            sum += Self.averagePrecision(truePositivePrecisions[s], groundTruth: groundTruth[s]); n += 1
        }
        return n == 0 ? 0 : sum / Double(n)
    }

    /// `get_ap` from the precision at each true positive (in rank order).
    static func averagePrecision(_ precisions: [Double], groundTruth: Int) -> Double {
        if groundTruth == 0 { return 0 }
        var envelope = precisions
        var k = envelope.count - 1
        while k > 0 { if envelope[k] > envelope[k - 1] { envelope[k - 1] = envelope[k] }; k -= 1 }
        var sum = 0.0, j = 0
        for bar in 0...100 {
            let x = Double(bar) / 100
            while j < envelope.count && Double(j + 1) / Double(groundTruth) < x { j += 1 }
            if j < envelope.count { sum += envelope[j] }
        }
        return sum / 101 * 100
    }
}
