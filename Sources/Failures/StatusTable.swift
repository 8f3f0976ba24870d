import Foundation

/// The plain-text table of `fovea failures status` and `check`: one row per curated case.
public struct StatusRow: Sendable, Equatable {
    public var caseId: String, image: String, classId: Int
    public var firstSeen: String
    public var pinned: Bool
    public var previousError: String?, currentError: String?
    public var status: String
    public var failingSince: String?, brokenBy: String?
    public var flips: Int
}

public enum StatusTable {
    /// Rows for the manifest's cases, with statuses from `checks` and the history's answers when given.
    public static func rows(manifest: FailureManifest, checks: [CaseCheck], history: FailureHistory?, run: String) throws -> [StatusRow] {
        let byId = Dictionary(checks.map { ($0.caseId, $0) }, uniquingKeysWith: { a, _ in a })
        let flips = Dictionary(try history?.flippingCases(run: run, minFlips: 1).map { ($0.caseId, $0.flips) } ?? [],
                               uniquingKeysWith: { a, _ in a })
        return try manifest.cases.map { c in
            let check = byId[c.id]
            return StatusRow(caseId: c.id, image: c.image, classId: c.target.classId, firstSeen: c.firstSeen, pinned: c.pinned,
                             previousError: check?.previousError, currentError: check?.currentError,
                             status: check?.status.rawValue ?? "not checked",
                             failingSince: try history?.failingSince(caseId: c.id, run: run)?.name,
                             brokenBy: try history?.brokenBy(caseId: c.id, run: run)?.name,
                             flips: flips[c.id] ?? 0)
        }
    }

    public static let header = ["case", "image", "class", "first seen", "before → now", "status", "failing since", "broken by", "flips"]

    public static func render(_ rows: [StatusRow]) -> String {
        let cells = rows.map { r in
            [r.caseId + (r.pinned ? " *" : ""), r.image, String(r.classId), r.firstSeen,
             "\(r.previousError ?? "ok") → \(r.currentError ?? "ok")", r.status,
             r.failingSince ?? "-", r.brokenBy ?? "-", String(r.flips)]
        }
        let table = [header] + cells
        let widths = header.indices.map { i in table.map { $0[i].count }.max() ?? 0 }
        return table.map { row in
            var line = zip(row, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }

    public static func render(_ flips: FlipSummary) -> String {
        let btc = flips.backwardTrustCompatibility.map { String(format: "%.4f", $0) } ?? "n/a"
        return "validation set: \(flips.compared) compared, \(flips.negativeFlips.count) negative flips, "
            + "\(flips.positiveFlips.count) positive flips, backward trust compatibility \(btc)\n"
    }
}
