import Foundation

/// One problem `fovea lint` found: what (a stable check id and a sentence) and where (file, field or index).
public struct LintFinding: Codable, Sendable, Equatable {
    public enum Severity: String, Codable, Sendable, Comparable {
        case error, warning
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .error && rhs == .warning }
    }

    public var severity: Severity
    /// Stable identifier for scripts, e.g. `box-reversed`.
    public var check: String
    public var file: String
    /// Field path or index inside the file (`annotations[3].bbox`), or empty when the whole file is meant.
    public var location: String
    public var message: String

    public init(_ severity: Severity, _ check: String, file: String, location: String = "", _ message: String) {
        self.severity = severity
        self.check = check
        self.file = file
        self.location = location
        self.message = message
    }
}

/// The findings of one lint run, errors first, each group in the order found.
public struct LintReport: Sendable, Equatable {
    public let dataset: String
    public let findings: [LintFinding]

    public init(dataset: String, findings: [LintFinding]) {
        self.dataset = dataset
        self.findings = findings.enumerated().sorted { a, b in
            a.element.severity != b.element.severity ? a.element.severity < b.element.severity : a.offset < b.offset
        }.map(\.element)
    }

    public var errorCount: Int { findings.filter { $0.severity == .error }.count }
    public var warningCount: Int { findings.count - errorCount }
    public var hasErrors: Bool { errorCount > 0 }

    /// Which checks fired, for tests and summaries.
    public var checks: Set<String> { Set(findings.map(\.check)) }

    /// A fixed-width table, one finding per line, then a count line.
    public func table() -> String {
        let header = ["severity", "check", "where", "problem"]
        let rows = findings.map { [$0.severity.rawValue, $0.check, $0.location.isEmpty ? $0.file : "\($0.file): \($0.location)", $0.message] }
        let widths = (0..<3).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            (0..<3).map { cells[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                + "  " + cells[3]
        }
        let summary = "\(dataset): \(errorCount) error\(errorCount == 1 ? "" : "s"), \(warningCount) warning\(warningCount == 1 ? "" : "s")"
        return ((rows.isEmpty ? [] : [line(header)] + rows.map(line)) + [summary]).joined(separator: "\n") + "\n"
    }

    /// `{"dataset", "errors", "warnings", "findings": [{"severity", "check", "file", "location", "message"}]}`.
    public func json() -> Data {
        struct Document: Encodable {
            let dataset: String
            let errors: Int
            let warnings: Int
            let findings: [LintFinding]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let document = Document(dataset: dataset, errors: errorCount, warnings: warningCount, findings: findings)
        return ((try? encoder.encode(document)) ?? Data()) + Data("\n".utf8)
    }
}
