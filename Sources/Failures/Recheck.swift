/// What became of one curated case between two iterations.
public enum CaseStatus: String, Sendable, Codable, CaseIterable {
    /// Failing before, right now.
    case fixed
    /// Failing before and now (the error type may have changed).
    case stillFailing = "still failing"
    /// Right before, failing now: the regression a gate stops.
    case newlyBroken = "newly broken"
    /// Right before and now.
    case passing
    /// The case's target is not in this iteration's validation set.
    case absent
}

public struct CaseCheck: Sendable, Equatable {
    public var caseId: String
    public var previousError: String?
    public var currentError: String?
    public var status: CaseStatus
    /// Score of the prediction behind the current verdict, when there is one.
    public var confidence: Double?
    public var errorChanged: Bool { status == .stillFailing && previousError != currentError }
}

/// Flips over the whole validation set (every ground truth or sample seen in both iterations).
public struct FlipSummary: Sendable, Equatable {
    public var compared: Int
    /// Right before, wrong now.
    public var negativeFlips: [String]
    /// Wrong before, right now.
    public var positiveFlips: [String]
    public var previouslyCorrect: Int
    public var stillCorrect: Int
    /// Backward trust compatibility (Srivastava et al. 2020): of the cases the previous model got right,
    /// the fraction the new one still gets right; nil when it got none right.
    public var backwardTrustCompatibility: Double? {
        previouslyCorrect == 0 ? nil : Double(stillCorrect) / Double(previouslyCorrect)
    }
}

public struct Recheck: Sendable, Equatable {
    public var cases: [CaseCheck]
    public var flips: FlipSummary?
    public var newlyBroken: [CaseCheck] { cases.filter { $0.status == .newlyBroken } }
}

public enum Rechecker {
    /// A false-positive region still fails when this iteration has a false positive of the same class on
    /// the same image overlapping it at least this much (TIDE's foreground threshold).
    public static let regionIoU = 0.5

    /// `previous`: the last iteration's records, or nil on the first check, when each case's manifest error
    /// stands for what happened before.
    public static func recheck(_ manifest: FailureManifest, current: [CaseRecord], previous: [CaseRecord]?) -> Recheck {
        let now = VerdictIndex(current)
        let before = previous.map(VerdictIndex.init)
        let checks = manifest.cases.map { c -> CaseCheck in
            let was: String? = before.map { $0.verdict(for: c)?.error } ?? c.error
            guard let verdict = now.verdict(for: c) else {
                return CaseCheck(caseId: c.id, previousError: was, currentError: nil, status: .absent, confidence: nil)
            }
            let status: CaseStatus
            switch (was != nil, verdict.error != nil) {
            case (true, false): status = .fixed
            case (true, true): status = .stillFailing
            case (false, true): status = .newlyBroken
            case (false, false): status = .passing
            }
            return CaseCheck(caseId: c.id, previousError: was, currentError: verdict.error, status: status, confidence: verdict.confidence)
        }
        return Recheck(cases: checks, flips: previous.map { flips(previous: $0, current: current) })
    }

    /// Regions are left out: a false positive has no identity beyond its box, so "right before" means nothing.
    public static func flips(previous: [CaseRecord], current: [CaseRecord]) -> FlipSummary {
        let before = Dictionary(previous.filter { $0.target.kind != .region }.map { ($0.key, $0.isFailure) },
                                uniquingKeysWith: { a, _ in a })
        var summary = FlipSummary(compared: 0, negativeFlips: [], positiveFlips: [], previouslyCorrect: 0, stillCorrect: 0)
        for r in current where r.target.kind != .region {
            guard let wasFailing = before[r.key] else { continue }
            summary.compared += 1
            if !wasFailing { summary.previouslyCorrect += 1 }
            switch (wasFailing, r.isFailure) {
            case (false, true): summary.negativeFlips.append(r.key)
            case (true, false): summary.positiveFlips.append(r.key)
            case (false, false): summary.stillCorrect += 1
            case (true, true): break
            }
        }
        summary.negativeFlips.sort(); summary.positiveFlips.sort()
        return summary
    }
}

/// One iteration's records looked up by what a case points at.
struct VerdictIndex {
    let byKey: [String: CaseRecord]
    /// False-positive regions per image and class.
    let regions: [String: [CaseRecord]]

    init(_ records: [CaseRecord]) {
        byKey = Dictionary(records.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        regions = Dictionary(grouping: records.filter { $0.target.kind == .region }) { "\($0.image)/\($0.target.classId)" }
    }

    /// nil: the target is not in this iteration. Otherwise the error (nil when right) and its score.
    func verdict(for c: FailureCase) -> (error: String?, confidence: Double)? {
        switch c.target.kind {
        case .groundTruth, .sample:
            return byKey[c.id].map { ($0.error, $0.confidence) }
        case .region:
            guard let box = c.target.box else { return byKey[c.id].map { ($0.error, $0.confidence) } }
            let hits = (regions["\(c.image)/\(c.target.classId)"] ?? [])
                .filter { boxIoU($0.target.box ?? [], box) >= Rechecker.regionIoU }
                .sorted(by: FailureSelector.moreConfident)
            if let worst = hits.first { return (worst.error, worst.confidence) }
            // An image with no ground truth and no detection leaves no record; its false positive is gone all the same.
            return (nil, 0)
        }
    }
}
