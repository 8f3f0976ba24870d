import Failures
import Foundation

/// The failure-set stage, the same for every task: the first iteration selects the set; every later one re-checks it
/// (fixed, still failing, newly broken) and adds what newly broke — right in the previous iteration, wrong now —
/// most confident first, while there is room under `maxCases`. Manifest and history live in the workspace.
struct FailureSetUpdate {
    let workspace: Workspace
    let iteration: String
    let policy: SelectionPolicy
    static let run = "iterate"

    struct State {
        var id: String
        /// `failing` on the first iteration (nothing to compare with), else the re-check's status.
        var status: String
        var record: CaseRecord?
    }

    func run(_ input: IterationInput, first: Bool) throws -> [State] {
        var manifest = FileManager.default.fileExists(atPath: workspace.manifest.path)
            ? try FailureManifest.load(path: workspace.manifest.path) : FailureManifest()
        let history = try FailureHistory(path: workspace.history.path)
        var check: FailureTracker.CheckResult
        if manifest.cases.isEmpty {
            _ = try FailureTracker.select(input, iteration: iteration, run: Self.run, manifest: &manifest, history: history, policy: policy)
            check = try FailureTracker.check(input, iteration: iteration, run: Self.run, manifest: manifest, history: history)
        } else {
            check = try FailureTracker.check(input, iteration: iteration, run: Self.run, manifest: manifest, history: history)
            let records = Dictionary(input.records.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            let room = policy.maxCases - manifest.cases.count
            let broken = (check.recheck.flips?.negativeFlips ?? []).compactMap { records[$0] }
                .filter { manifest.index(of: $0.key) == nil }
                .sorted { ($0.confidence, $1.key) > ($1.confidence, $0.key) }
            if room > 0 && !broken.isEmpty {
                for record in broken.prefix(room) { try manifest.add(FailureCase(record: record, iteration: iteration)) }
                check = try FailureTracker.check(input, iteration: iteration, run: Self.run, manifest: manifest, history: history)
            }
        }
        try manifest.save(path: workspace.manifest.path)
        let records = Dictionary(input.records.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        return check.recheck.cases.map { c in
            State(id: c.caseId, status: first && c.status == .stillFailing ? "failing" : c.status.rawValue, record: records[c.caseId])
        }
    }
}

/// The failure set's cases and statuses at one iteration (`cases.json`), for tasks whose records are rebuilt from
/// their inputs when the report is drawn.
struct SavedCases {
    let file: URL
    let workspace: Workspace

    struct Entry: Codable { var id: String; var status: String }

    func save(_ states: [FailureSetUpdate.State]) throws {
        try JSONEncoder().encode(states.map { Entry(id: $0.id, status: $0.status) }).write(to: file, options: .atomic)
    }

    /// Selects (first iteration) or re-checks the failure set from `input`, saves the cases' statuses and says how many.
    func update(_ input: IterationInput, iteration: String, config: IterateConfig, first: Bool, log: (String) -> Void) throws {
        let policy = SelectionPolicy(minCases: config.minCases, maxCases: config.maxCases)
        let states = try FailureSetUpdate(workspace: workspace, iteration: iteration, policy: policy).run(input, first: first)
        try save(states)
        log("failures: \(states.count) cases")
    }

    /// The saved cases with their records among `records`, and the `limit` top errors among `records` outside them.
    func casesAndTopErrors(among records: [CaseRecord], limit: Int) throws -> (cases: [(record: CaseRecord, status: String)], top: [CaseRecord]) {
        let cases = try cases(among: records)
        return (cases, FailureSelector.topErrors(records, excluding: Set(cases.map(\.record.key)), limit: limit))
    }

    /// Each saved case with its record among `records`; a curated region that nothing covers any more is rebuilt
    /// from the manifest (right, with no prediction).
    func cases(among records: [CaseRecord]) throws -> [(record: CaseRecord, status: String)] {
        guard let data = FileManager.default.contents(atPath: file.path),
              let entries = try? JSONDecoder().decode([Entry].self, from: data) else { throw IterationError("\(file.path): missing or unreadable") }
        let byKey = Dictionary(records.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let manifest = try FailureManifest.load(path: workspace.manifest.path)
        return entries.compactMap { e in
            if let r = byKey[e.id] { return (r, e.status) }
            guard let c = manifest.cases.first(where: { $0.id == e.id }) else { return nil }
            return (CaseRecord(key: c.id, image: c.image, target: c.target, error: nil, confidence: 0), e.status)
        }
    }
}
