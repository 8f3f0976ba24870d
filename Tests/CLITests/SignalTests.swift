import Foundation
import Testing

/// A long `fovea` run stops on SIGTERM even when its parent started it with the signal blocked (as test runners and
/// some job systems do): the child inherits the mask, and a blocked SIGTERM would leave `kill` without effect.
@Suite struct SignalTests {
    @Test func terminationSignalStopsALongRunStartedWithItBlocked() throws {
        let process = Process()
        process.executableURL = foveaBinary()
        process.arguments = ["bench", "gemm", "--repeats", "100000"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
        Thread.sleep(forTimeInterval: 1)
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM,
                "still running 10 s after SIGTERM, or ended otherwise (status \(process.terminationStatus))")
    }
}
