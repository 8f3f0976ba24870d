/// How big the failure set may be and what counts as the same failure twice.
public struct SelectionPolicy: Sendable, Equatable {
    /// Filled up to this many with the most confident remaining mistakes.
    public var minCases: Int
    /// Never more, even when more error types or classes fail than fit (those are reported as uncovered).
    public var maxCases: Int
    /// Two failures on one image whose regions overlap at least this much (IoU) are one failure.
    /// 0.1 is TIDE's background threshold: below it boxes count as not touching.
    public var nearDuplicateIoU: Double
    /// Two failures whose embeddings (when both have one) have at least this cosine similarity are one
    /// failure, wherever they are.
    public var nearDuplicateCosine: Double

    public init(minCases: Int = 10, maxCases: Int = 20, nearDuplicateIoU: Double = 0.1, nearDuplicateCosine: Double = 0.95) {
        self.minCases = minCases; self.maxCases = max(maxCases, 0); self.nearDuplicateIoU = nearDuplicateIoU
        self.nearDuplicateCosine = nearDuplicateCosine
    }
}

/// The chosen cases, most confident mistake first, and what could not be covered within `maxCases`.
public struct FailureSelection: Sendable, Equatable {
    public var cases: [CaseRecord]
    public var uncoveredErrorTypes: [String]
    public var uncoveredClasses: [Int]
    /// Failures left out because a chosen case on the same image and region already tells them.
    public var collapsedDuplicates: Int
}

public enum FailureSelector {
    /// Deterministic: candidates are ranked by confidence, then key, and every step walks that ranking.
    /// 1. each failing error type, then each failing class, gets its most confident mistake that is not a
    ///    near-duplicate of one already chosen (a near-duplicate only when nothing else represents it);
    /// 2. the most confident remaining non-duplicates fill the set up to `minCases`.
    public static func select(from records: [CaseRecord], policy: SelectionPolicy = SelectionPolicy(),
                              excluding excluded: Set<String> = []) -> FailureSelection {
        let ranked = records.filter { $0.isFailure && !excluded.contains($0.key) }.sorted(by: moreConfident)
        var chosen = [CaseRecord](), chosenKeys = Set<String>()
        var coveredTypes = Set<String>(), coveredClasses = Set<Int>()

        func isNearDuplicate(_ c: CaseRecord) -> Bool {
            chosen.contains {
                ($0.image == c.image && regionsOverlap($0, c, policy.nearDuplicateIoU))
                    || (cosineSimilarity($0.embedding, c.embedding) ?? -1) >= policy.nearDuplicateCosine
            }
        }
        func choose(_ c: CaseRecord) {
            chosen.append(c); chosenKeys.insert(c.key)
            coveredTypes.insert(c.error!); coveredClasses.insert(c.target.classId)
        }
        func represent(_ group: [CaseRecord]) {
            guard chosen.count < policy.maxCases, let best = group.first(where: { !isNearDuplicate($0) }) ?? group.first else { return }
            choose(best)
        }

        let types = Set(ranked.compactMap(\.error)).sorted { ErrorTypeOrder.rank($0) < ErrorTypeOrder.rank($1) }
        for type in types where !coveredTypes.contains(type) {
            represent(ranked.filter { $0.error == type })
        }
        let classes = Set(ranked.map(\.target.classId)).sorted()
        for classId in classes where !coveredClasses.contains(classId) {
            represent(ranked.filter { $0.target.classId == classId })
        }
        var collapsed = 0
        for c in ranked where !chosenKeys.contains(c.key) {
            if isNearDuplicate(c) { collapsed += 1; continue }
            if chosen.count < min(policy.minCases, policy.maxCases) { choose(c) }
        }
        return FailureSelection(cases: chosen.sorted(by: moreConfident),
                                uncoveredErrorTypes: types.filter { !coveredTypes.contains($0) },
                                uncoveredClasses: classes.filter { !coveredClasses.contains($0) },
                                collapsedDuplicates: collapsed)
    }

    static func moreConfident(_ a: CaseRecord, _ b: CaseRecord) -> Bool {
        a.confidence != b.confidence ? a.confidence > b.confidence : a.key < b.key
    }

    /// nil unless both vectors exist, have the same length and are not zero.
    static func cosineSimilarity(_ a: [Float]?, _ b: [Float]?) -> Double? {
        guard let a, let b, a.count == b.count, !a.isEmpty else { return nil }
        var dot = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) { dot += Double(x) * Double(y); na += Double(x) * Double(x); nb += Double(y) * Double(y) }
        return na > 0 && nb > 0 ? dot / (na.squareRoot() * nb.squareRoot()) : nil
    }

    /// A case without a box (a classification sample) covers its whole image.
    static func regionsOverlap(_ a: CaseRecord, _ b: CaseRecord, _ threshold: Double) -> Bool {
        guard let boxA = a.target.box, let boxB = b.target.box else { return true }
        let iou = boxIoU(boxA, boxB)
        return iou > 0 && iou >= threshold
    }
}

extension FailureSelector {
    /// The iteration's errors worth a look besides the curated ones: the most confident error of each type in turn
    /// (ErrorTypeOrder), then the next of each, up to `limit` — so one abundant type cannot hide the others.
    public static func topErrors(_ records: [CaseRecord], excluding curated: Set<String>, limit: Int) -> [CaseRecord] {
        let byType = Dictionary(grouping: records.filter { $0.isFailure && !curated.contains($0.key) }, by: { $0.error! })
        let queues = byType.keys.sorted { ErrorTypeOrder.rank($0) < ErrorTypeOrder.rank($1) }.map { byType[$0]!.sorted(by: moreConfident) }
        var picked = [CaseRecord](), depth = 0
        while picked.count < limit, queues.contains(where: { $0.count > depth }) {
            for queue in queues where queue.count > depth && picked.count < limit { picked.append(queue[depth]) }
            depth += 1
        }
        return picked
    }
}
