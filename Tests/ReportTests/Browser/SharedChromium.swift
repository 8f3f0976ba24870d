import Foundation

/// One browser for the whole test run: starting Chromium costs about a second, an inspection a fraction of that.
/// It is closed when the test process exits, so neither the browser nor its scratch profile outlives the run.
enum SharedChromium {
    private static let launched: Result<HeadlessChromium, any Error> = {
        let result = Result { try HeadlessChromium() }
        if case .success = result { atexit { SharedChromium.close() } }
        return result
    }()

    static func browser() throws -> HeadlessChromium { try launched.get() }

    private static func close() {
        if case .success(let browser) = launched { browser.close() }
    }
}
