/// tidecv's `fix_errors` + `get_mAP`, computed without rebuilding and re-sorting the AP data per fix.
///
/// In a fixed copy tidecv pushes, per class, the error points first (in error order), then the original
/// true positives (in push order), and sorts stably by score. A fix only drops points, flips them to
/// true or moves them to another class — never changes a score — so one global order by
/// (score desc, errors before positives, sequence) serves every fix. And only true positives move
/// the 101-point curve: after the envelope, precision at a recall point is the best precision at any
/// later true positive. So each fix is one pass counting false positives between true positives.
struct FixedAPCalculator {
    private struct Entry { var score: Double; var error: Int32; var slot: Int32 }  // error < 0: a true positive

    private let run: TideRun
    private let entries: [Entry]
    private let classIds: [Int]
    /// Per error: class slot of its original point, and of its fixed point or of the ground truth it removes.
    private let originalSlot: [Int]
    private let fixedSlot: [Int]

    init(_ run: TideRun) {
        self.run = run
        classIds = run.ap.classIds
        var slots = [Int: Int]()
        for (s, id) in classIds.enumerated() { slots[id] = s }
        originalSlot = run.errors.map { slots[$0.originalClass] ?? -1 }
        fixedSlot = run.errors.map { error in
            switch run.fixed(error) {
            case .none: return -1
            case .point(let classId, _), .removeGroundTruth(let classId): return slots[classId] ?? -1
            }
        }
        // (entry, group, sequence) sort keys: errors in error order, then true positives in push order.
        var keyed = [(entry: Entry, group: Int, sequence: Int)]()
        for (e, error) in run.errors.enumerated() where error.detection != nil {
            keyed.append((Entry(score: run.detections[error.detection!].score, error: Int32(e), slot: -1), 0, e))
        }
        var sequence = 0
        for (s, points) in run.ap.points.enumerated() {
            for point in points where point.correct {
                keyed.append((Entry(score: point.score, error: -1, slot: Int32(s)), 1, sequence)); sequence += 1
            }
        }
        keyed.sort { a, b in
            if a.entry.score != b.entry.score { return a.entry.score > b.entry.score }
            if a.group != b.group { return a.group < b.group }
            return a.sequence < b.sequence
        }
        entries = keyed.map(\.entry)
    }

    /// mAP ×100 with every error of `type` fixed (nil: none), optionally with perfect ranking
    /// (FalsePos: every true positive scored 1, every false positive 0) or without the unmatched
    /// ground truth (FalseNeg).
    func meanAP(fixing type: TideErrorType?, perfectRanking: Bool = false, dropFalseNegatives: Bool = false) -> Double {
        let K = classIds.count
        var groundTruth = run.ap.groundTruthCounts
        if dropFalseNegatives { for (s, id) in classIds.enumerated() { groundTruth[s] -= run.falseNegatives[id] ?? 0 } }

        // What each error contributes in this fixed copy: nil, or (class slot, true/false).
        var contribution = [(slot: Int, correct: Bool)?](repeating: nil, count: run.errors.count)
        // Classes in tidecv's creation order: first pushed by an error, then the rest as in the original.
        var firstSeen = [Bool](repeating: false, count: K), creationOrder = [Int]()
        for (e, error) in run.errors.enumerated() {
            var slot: Int?, correct = false
            if error.type == type {
                if fixedSlot[e] >= 0 {
                    if error.type == .miss { groundTruth[fixedSlot[e]] -= 1 } else { slot = fixedSlot[e]; correct = true }
                }
            } else if error.original != nil {
                slot = originalSlot[e]
            }
            if let slot {
                contribution[e] = (slot, correct)
                if !firstSeen[slot] { firstSeen[slot] = true; creationOrder.append(slot) }
            }
        }
        for s in 0..<K where !firstSeen[s] { creationOrder.append(s) }

        var truePositivePrecisions = [[Double]](repeating: [], count: K)
        var trueCounts = [Int](repeating: 0, count: K), falseCounts = [Int](repeating: 0, count: K)
        func visit(_ slot: Int, _ correct: Bool) {
            if correct {
                trueCounts[slot] += 1
                truePositivePrecisions[slot].append(Double(trueCounts[slot]) / Double(trueCounts[slot] + falseCounts[slot]))
            } else {
                falseCounts[slot] += 1
            }
        }
        func resolve(_ entry: Entry) -> (slot: Int, correct: Bool)? {
            entry.error < 0 ? (Int(entry.slot), true) : contribution[Int(entry.error)]
        }
        if perfectRanking {
            // Scores become 1 and 0: all true positives rank before all false positives.
            for entry in entries { if let c = resolve(entry), c.correct { visit(c.slot, true) } }
            for entry in entries { if let c = resolve(entry), !c.correct { visit(c.slot, false) } }
        } else {
            for entry in entries { if let c = resolve(entry) { visit(c.slot, c.correct) } }
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
