import ArgumentParser
import Foundation

@main
struct Fovea: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fovea",
        abstract: "Interpretability and error analysis for image models.",
        subcommands: [Doctor.self, Lint.self, Predict.self, CAM.self, Bench.self, FixturesCommand.self, Errors.self, FailuresCommand.self,
                      TrainCommand.self, ReportCommand.self, IterateCommand.self, DemoCommand.self])

    /// Exit codes as the CLI contract fixes them: 0 success, 1 bad input (one line naming file and field),
    /// 2 bad usage. Never a stack trace.
    static func main() {
        acceptStopSignals()
        settleThreadPools()
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

/// oneDNN's OpenMP threads spin after every parallel region by default, taking the core that Fovea's own
/// loops need: Grad-CAM on resnet18 runs twice as fast with them sleeping. libgomp reads OMP_WAIT_POLICY when
/// it loads, before `main`, so the setting takes one re-exec; a user's own setting is left alone.
private func settleThreadPools() {
    guard getenv("OMP_WAIT_POLICY") == nil else { return }
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1)
    execv("/proc/self/exe", CommandLine.unsafeArgv)  // returns only if it failed; then run as we are
}

/// A parent (a test runner, a job system) may start us with SIGINT or SIGTERM blocked, and then `kill` would not
/// stop a long iteration; the signals' default actions (and `fovea train`'s Ctrl-C checkpoint) need them delivered.
private func acceptStopSignals() {
    var mask = sigset_t()
    sigemptyset(&mask)
    for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&mask, signal) }
    sigprocmask(SIG_UNBLOCK, &mask, nil)
}

/// Bad input: what and where (file, field, value), reported on one line with exit code 1.
struct InputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
