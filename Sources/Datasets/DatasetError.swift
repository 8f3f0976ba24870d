/// A dataset that cannot be used as given, reported on one line as `file: problem`.
public struct DatasetError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}
