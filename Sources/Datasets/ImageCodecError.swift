/// A file that could not be decoded or encoded, reported on one line as `file: problem`.
public struct ImageCodecError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let problem: String

    public init(file: String, problem: String) {
        self.file = file
        // Library messages occasionally carry a trailing newline; the CLI contract is one line per error.
        self.problem = problem.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    public var description: String { "\(file): \(problem)" }
}
