/// Bad input to an evaluation: one line naming the file and the entry (index, field, value),
/// e.g. `GT.json: annotations[12].bbox: expected 4 numbers, got 3`. The CLI maps it to exit code 1.
public struct EvaluationError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
