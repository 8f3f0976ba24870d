/// One browser for the whole test run: starting Chromium costs about a second, an inspection a fraction of that.
/// It is never closed explicitly; when the test process exits, the browser sees its pipe close and quits.
enum SharedChromium {
    private static let launched = Result { try HeadlessChromium() }

    static func browser() throws -> HeadlessChromium { try launched.get() }
}
