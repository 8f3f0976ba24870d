import Foundation

/// Why the headless browser could not answer; each case names what was being waited for, so a failing test says
/// which page or command hung instead of timing out the whole run.
enum BrowserError: Error, CustomStringConvertible {
    case executableMissing(String)
    case launchFailed(executable: String, errno: Int32)
    /// The browser closed its end of the pipe; `log` is the tail of its stderr.
    case browserExited(log: String)
    /// `close` was called before.
    case closed
    case commandTimedOut(method: String, seconds: Double)
    case protocolError(method: String, message: String)
    case navigationFailed(url: String, error: String)
    case loadTimedOut(url: String, seconds: Double)
    case scriptFailed(url: String, message: String)

    var description: String {
        switch self {
        case .executableMissing(let path):
            "no Chromium executable at \(path) (install Debian's chromium package: scripts/setup)"
        case .launchFailed(let executable, let code):
            "could not start \(executable): \(String(cString: strerror(code)))"
        case .browserExited(let log):
            "Chromium exited unexpectedly" + (log.isEmpty ? "" : "; its last output:\n\(log)")
        case .closed:
            "the browser was already closed"
        case .commandTimedOut(let method, let seconds):
            "Chromium did not answer \(method) within \(seconds) s"
        case .protocolError(let method, let message):
            "Chromium refused \(method): \(message)"
        case .navigationFailed(let url, let error):
            "\(url) did not load: \(error)"
        case .loadTimedOut(let url, let seconds):
            "\(url) did not fire its load event within \(seconds) s"
        case .scriptFailed(let url, let message):
            "inspecting \(url) failed in page script: \(message)"
        }
    }

    /// Whether the failure belongs to one page (the browser is still usable for the next one).
    var isPageLevel: Bool {
        switch self {
        case .navigationFailed, .loadTimedOut, .scriptFailed: true
        default: false
        }
    }
}
