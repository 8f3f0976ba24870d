/// The two things an iteration does to the failure set, over a manifest and (optionally) the history:
/// select a new set, or re-check the existing one. Callers load and save the manifest.
public enum FailureTracker {
    /// Replaces the unpinned cases with a fresh selection and records the iteration (statuses relative to
    /// the previous iteration when there is one).
    public static func select(_ input: IterationInput, iteration: String, run: String, manifest: inout FailureManifest,
                              history: FailureHistory?, policy: SelectionPolicy = SelectionPolicy()) throws -> FailureSelection {
        let pinned = Set(manifest.cases.filter(\.pinned).map(\.id))
        let selection = FailureSelector.select(from: input.records, policy: policy, excluding: pinned)
        manifest.apply(selection, iteration: iteration)
        _ = try check(input, iteration: iteration, run: run, manifest: manifest, history: history)
        return selection
    }

    public struct CheckResult: Sendable {
        public var recheck: Recheck
        public var iteration: IterationInfo?
        /// The iteration it was compared with; nil on the first one, when the manifest's errors stand for "before".
        public var previous: IterationInfo?
    }

    /// Re-checks every case against `input`, counts flips against the previous iteration of the run, and
    /// records the iteration, its metrics, the case statuses and every per-case prediction in one transaction.
    public static func check(_ input: IterationInput, iteration: String, run: String, manifest: FailureManifest,
                             history: FailureHistory?) throws -> CheckResult {
        let previous = try history?.iteration(before: iteration, run: run)
        let previousRecords = try previous.map { try history!.predictions(iteration: $0) }
        let recheck = Rechecker.recheck(manifest, current: input.records, previous: previousRecords)
        var metrics = input.metrics
        let counts = Dictionary(grouping: recheck.cases, by: \.status).mapValues(\.count)
        for status in CaseStatus.allCases { metrics["cases.\(status.rawValue)"] = Double(counts[status] ?? 0) }
        if let flips = recheck.flips {
            metrics["flips.negative"] = Double(flips.negativeFlips.count)
            metrics["flips.positive"] = Double(flips.positiveFlips.count)
            if let btc = flips.backwardTrustCompatibility { metrics["flips.btc"] = btc }
        }
        let recorded = try history?.record(run: run, iteration: iteration, source: input.source, metrics: metrics,
                                           predictions: input.records, statuses: recheck.cases)
        return CheckResult(recheck: recheck, iteration: recorded, previous: previous)
    }
}
