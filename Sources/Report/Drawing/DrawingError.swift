/// A drawing could not be encoded or written: names the file (or "<memory>") and what went wrong.
public struct DrawingError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}
