/// A report input or output problem, in one line naming the file and what is wrong.
public struct ReportError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
