import Foundation
import GRDB

/// One recorded iteration of a run, in the order the run recorded them.
public struct IterationInfo: Sendable, Equatable {
    public var id: Int64
    public var run: String
    public var name: String
    /// 1, 2, 3… within its run.
    public var sequence: Int
}

/// A curated case whose verdict changed between right and wrong more than once.
public struct FlippingCase: Sendable, Equatable {
    public var caseId: String
    public var flips: Int
}

/// The history of a project's failure set in an embedded SQLite database: runs, iterations, metrics, the
/// status of every curated case at every iteration, and every per-case prediction of the validation set
/// (so that the next iteration can count flips). Every write is one transaction.
public final class FailureHistory: Sendable {
    let queue: DatabaseQueue

    public init(path: String) throws {
        do {
            queue = try DatabaseQueue(path: path)
            try Self.migrator.migrate(queue)
        } catch let error as DatabaseError {
            throw FailuresError("\(path): not a failure history database (\(error.message ?? "\(error.resultCode)"))")
        }
    }

    /// Migrations only ever get appended: a database written by any earlier release opens in this one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs, iterations, metrics, case statuses, predictions") { db in
            try db.create(table: "run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "iteration") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("run", onDelete: .cascade).notNull()
                t.column("name", .text).notNull()
                t.column("sequence", .integer).notNull()
                t.column("source", .text)
                t.column("recordedAt", .datetime).notNull()
                t.uniqueKey(["runId", "name"])
                t.uniqueKey(["runId", "sequence"])
            }
            try db.create(table: "metric") { t in
                t.belongsTo("iteration", onDelete: .cascade).notNull()
                t.column("name", .text).notNull()
                t.column("value", .double).notNull()
                t.primaryKey(["iterationId", "name"])
            }
            try db.create(table: "caseStatus") { t in
                t.belongsTo("iteration", onDelete: .cascade).notNull()
                t.column("caseId", .text).notNull()
                t.column("status", .text).notNull()
                t.column("error", .text)
                t.column("previousError", .text)
                t.column("confidence", .double)
                t.primaryKey(["iterationId", "caseId"])
            }
            try db.create(table: "prediction") { t in
                t.belongsTo("iteration", onDelete: .cascade).notNull()
                t.column("caseKey", .text).notNull()
                t.column("image", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("classId", .integer).notNull()
                t.column("box", .text)
                t.column("groundTruthId", .integer)
                t.column("sampleIndex", .integer)
                t.column("error", .text)
                t.column("confidence", .double).notNull()
                t.column("predictedClass", .integer)
                t.column("iou", .double)
                t.primaryKey(["iterationId", "caseKey"])
            }
        }
        return migrator
    }

    /// Names of the migrations applied, oldest first.
    public func appliedMigrations() throws -> [String] {
        try queue.read { try Self.migrator.appliedIdentifiers($0) }.sorted()
    }

    // MARK: writing

    /// Records one iteration atomically. Recording a name the run already has replaces that iteration's
    /// data in place (same sequence number): re-running a CI job does not add a phantom iteration.
    @discardableResult
    public func record(run: String, iteration: String, source: String? = nil, metrics: [String: Double],
                       predictions: [CaseRecord], statuses: [CaseCheck]) throws -> IterationInfo {
        try queue.write { db in
            let now = Date()
            let runId: Int64
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM run WHERE name = ?", arguments: [run]) {
                runId = id
            } else {
                try db.execute(sql: "INSERT INTO run (name, createdAt) VALUES (?, ?)", arguments: [run, now])
                runId = db.lastInsertedRowID
            }
            let iterationId: Int64, sequence: Int
            if let row = try Row.fetchOne(db, sql: "SELECT id, sequence FROM iteration WHERE runId = ? AND name = ?",
                                          arguments: [runId, iteration]) {
                iterationId = row["id"]; sequence = row["sequence"]
                for table in ["metric", "caseStatus", "prediction"] {
                    try db.execute(sql: "DELETE FROM \(table) WHERE iterationId = ?", arguments: [iterationId])
                }
                try db.execute(sql: "UPDATE iteration SET source = ?, recordedAt = ? WHERE id = ?", arguments: [source, now, iterationId])
            } else {
                sequence = (try Int.fetchOne(db, sql: "SELECT MAX(sequence) FROM iteration WHERE runId = ?", arguments: [runId]) ?? 0) + 1
                try db.execute(sql: "INSERT INTO iteration (runId, name, sequence, source, recordedAt) VALUES (?, ?, ?, ?, ?)",
                               arguments: [runId, iteration, sequence, source, now])
                iterationId = db.lastInsertedRowID
            }
            for (name, value) in metrics.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT INTO metric (iterationId, name, value) VALUES (?, ?, ?)", arguments: [iterationId, name, value])
            }
            for s in statuses {
                try db.execute(sql: """
                    INSERT INTO caseStatus (iterationId, caseId, status, error, previousError, confidence) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [iterationId, s.caseId, s.status.rawValue, s.currentError, s.previousError, s.confidence])
            }
            let insert = try db.makeStatement(sql: """
                INSERT OR REPLACE INTO prediction (iterationId, caseKey, image, kind, classId, box, groundTruthId, sampleIndex,
                                                   error, confidence, predictedClass, iou) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for r in predictions {
                try insert.execute(arguments: [iterationId, r.key, r.image, r.target.kind.rawValue, r.target.classId,
                                               r.target.box.map(Self.boxText), r.target.groundTruthId, r.target.sampleIndex,
                                               r.error, r.confidence, r.predictedClass, r.iou])
            }
            return IterationInfo(id: iterationId, run: run, name: iteration, sequence: sequence)
        }
    }

    // MARK: reading

    public func iterations(run: String) throws -> [IterationInfo] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT iteration.id, iteration.name, iteration.sequence FROM iteration JOIN run ON run.id = iteration.runId
                WHERE run.name = ? ORDER BY iteration.sequence
                """, arguments: [run]).map { IterationInfo(id: $0["id"], run: run, name: $0["name"], sequence: $0["sequence"]) }
        }
    }

    /// The iteration recorded before `name` (or the latest one when `name` is new to the run).
    public func iteration(before name: String, run: String) throws -> IterationInfo? {
        let all = try iterations(run: run)
        guard let i = all.firstIndex(where: { $0.name == name }) else { return all.last }
        return i > 0 ? all[i - 1] : nil
    }

    public func metrics(iteration: IterationInfo) throws -> [String: Double] {
        try queue.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT name, value FROM metric WHERE iterationId = ?",
                                                              arguments: [iteration.id]).map { ($0["name"] as String, $0["value"] as Double) })
        }
    }

    public func predictions(iteration: IterationInfo) throws -> [CaseRecord] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM prediction WHERE iterationId = ? ORDER BY caseKey", arguments: [iteration.id]).map { row in
                let kind = CaseTarget.Kind(rawValue: row["kind"]) ?? .groundTruth
                let box = (row["box"] as String?).map(Self.parseBox)
                return CaseRecord(key: row["caseKey"], image: row["image"],
                                  target: CaseTarget(kind: kind, classId: row["classId"], box: box,
                                                     groundTruthId: row["groundTruthId"], sampleIndex: row["sampleIndex"]),
                                  error: row["error"], confidence: row["confidence"], predictedClass: row["predictedClass"], iou: row["iou"])
            }
        }
    }

    public func statuses(iteration: IterationInfo) throws -> [CaseCheck] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM caseStatus WHERE iterationId = ? ORDER BY caseId", arguments: [iteration.id]).map { row in
                CaseCheck(caseId: row["caseId"], previousError: row["previousError"], currentError: row["error"],
                          status: CaseStatus(rawValue: row["status"]) ?? .absent, confidence: row["confidence"])
            }
        }
    }

    /// A case's verdicts in iteration order: (iteration, failing?). Iterations where it was absent are skipped.
    public func timeline(caseId: String, run: String) throws -> [(iteration: IterationInfo, failing: Bool)] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT iteration.id, iteration.name, iteration.sequence, caseStatus.error FROM caseStatus
                JOIN iteration ON iteration.id = caseStatus.iterationId JOIN run ON run.id = iteration.runId
                WHERE run.name = ? AND caseStatus.caseId = ? AND caseStatus.status != ? ORDER BY iteration.sequence
                """, arguments: [run, caseId, CaseStatus.absent.rawValue]).map { row in
                (IterationInfo(id: row["id"], run: run, name: row["name"], sequence: row["sequence"]), (row["error"] as String?) != nil)
            }
        }
    }

    /// "Since when does this case fail": the first iteration of the failing streak that reaches the latest
    /// iteration; nil when the case is right in its latest iteration.
    public func failingSince(caseId: String, run: String) throws -> IterationInfo? {
        let line = try timeline(caseId: caseId, run: run)
        guard line.last?.failing == true else { return nil }
        let start = line.lastIndex { !$0.failing }.map { $0 + 1 } ?? 0
        return line[start].iteration
    }

    /// "Which iteration broke it": the latest iteration in which it went from right to wrong; nil if it never did.
    public func brokenBy(caseId: String, run: String) throws -> IterationInfo? {
        let line = try timeline(caseId: caseId, run: run)
        return line.indices.dropFirst().last { !line[$0 - 1].failing && line[$0].failing }.map { line[$0].iteration }
    }

    /// "Which cases flip back and forth": cases whose verdict changed at least `minFlips` times, most first.
    public func flippingCases(run: String, minFlips: Int = 2) throws -> [FlippingCase] {
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT caseStatus.caseId, caseStatus.error FROM caseStatus
                JOIN iteration ON iteration.id = caseStatus.iterationId JOIN run ON run.id = iteration.runId
                WHERE run.name = ? AND caseStatus.status != ? ORDER BY caseStatus.caseId, iteration.sequence
                """, arguments: [run, CaseStatus.absent.rawValue]).map { ($0["caseId"] as String, ($0["error"] as String?) != nil) }
        }
        var flips = [String: Int](), last = [String: Bool]()
        for (id, failing) in rows {
            if let before = last[id], before != failing { flips[id, default: 0] += 1 }
            last[id] = failing
            flips[id, default: 0] += 0
        }
        return flips.filter { $0.value >= minFlips }.map { FlippingCase(caseId: $0.key, flips: $0.value) }
            .sorted { $0.flips != $1.flips ? $0.flips > $1.flips : $0.caseId < $1.caseId }
    }

    static func boxText(_ box: [Double]) -> String { box.map { "\($0)" }.joined(separator: ",") }
    static func parseBox(_ text: String) -> [Double] { text.split(separator: ",").compactMap { Double($0) } }
}
