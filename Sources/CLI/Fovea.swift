import ArgumentParser
import Foundation

@main
struct Fovea: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fovea",
        abstract: "Interpretability and error analysis for image models.",
        subcommands: [Doctor.self, Lint.self, Predict.self, CAM.self, Bench.self, FixturesCommand.self, Errors.self])

    /// Exit codes as the CLI contract fixes them: 0 success, 1 bad input (one line naming file and field),
    /// 2 bad usage. Never a stack trace.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as InputError {
            FileHandle.standardError.write(Data("fovea: \(error.description)\n".utf8))
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }  // --help, --version
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Bad input: what and where (file, field, value), reported on one line with exit code 1.
struct InputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
