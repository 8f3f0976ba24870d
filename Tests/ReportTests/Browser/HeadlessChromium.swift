import Foundation

/// A real headless Chromium driven over the DevTools protocol (`--remote-debugging-pipe`). Each inspection opens
/// a fresh tab (Target.createTarget, flattened session) and closes it afterwards, so pages never share state; the
/// browser's own default tab is left alone. Calls are serialised, so one instance can serve a whole test run.
final class HeadlessChromium: @unchecked Sendable {
    /// E.g. "Chrome/156.0.8078.108" (Browser.getVersion).
    let version: String
    /// The browser's process id (also its process group, which `close` kills).
    var pid: pid_t { process.pid }
    /// Seconds a page may take to fire its load event, and each later step (image settling, screenshot) to finish,
    /// unless `inspect` is given its own timeout.
    let pageTimeout: Double
    private let process: ChromiumProcess
    private let connection: DevToolsConnection
    private let lock = NSLock()
    private var closed = false

    /// Starts the browser and waits (at most `startupTimeout` seconds) until it answers on the pipe.
    init(executable: String = "/usr/bin/chromium", startupTimeout: Double = 30, pageTimeout: Double = 10) throws {
        self.pageTimeout = pageTimeout
        let process = try ChromiumProcess(executable: executable)
        self.process = process
        connection = DevToolsConnection(fd: process.fd, exitLog: { process.logTail() })
        do {
            version = try connection.call("Browser.getVersion", timeout: startupTimeout)["product"] as? String ?? "?"
        } catch {
            process.terminate(grace: 0)
            throw error
        }
    }

    /// Loads `page` (a file:// URL) in a fresh tab of the given viewport size, waits for its load event, makes lazy
    /// images load, and reports what a reviewer would notice. Throws, naming the URL, when the page cannot be
    /// opened or does not finish loading within `timeout` seconds (default `pageTimeout`). Requests to anything but
    /// local files are recorded and failed, never sent.
    func inspect(_ page: URL, viewport: (width: Int, height: Int) = (1280, 800),
                 timeout: Double? = nil) throws -> PageInspection {
        let pageTimeout = timeout ?? self.pageTimeout
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { throw BrowserError.closed }

        let target = try string("targetId", of: connection.call("Target.createTarget", ["url": "about:blank"]))
        defer { _ = try? connection.call("Target.closeTarget", ["targetId": target], timeout: 5) }
        let session = try string("sessionId", of: connection.call("Target.attachToTarget",
                                                                  ["targetId": target, "flatten": true]))
        let recorder = PageEventRecorder(sessionId: session)
        connection.onEvent = { [connection] event in
            recorder.record(event)
            if event.sessionId == session, event.method == "Fetch.requestPaused",
               let request = event.params["requestId"] as? String {
                _ = try? connection.send("Fetch.failRequest", ["requestId": request, "errorReason": "BlockedByClient"],
                                         session: session)
            }
        }
        defer { connection.onEvent = { _ in } }

        let setup: [(String, [String: Any])] = [
            ("Page.enable", [:]), ("Page.setLifecycleEventsEnabled", ["enabled": true]),
            ("Runtime.enable", [:]), ("Log.enable", [:]), ("Network.enable", [:]),
            // Anything fetched over the network is paused here and failed by the handler above.
            ("Fetch.enable", ["patterns": ["http://*", "https://*", "ftp://*"].map { ["urlPattern": $0] }]),
            ("Emulation.setDeviceMetricsOverride",
             ["width": viewport.width, "height": viewport.height, "deviceScaleFactor": 1, "mobile": false]),
        ]
        for (method, params) in setup { try connection.call(method, params, session: session) }

        let url = page.absoluteString
        let navigation = try connection.call("Page.navigate", ["url": url], session: session, timeout: pageTimeout)
        if let error = navigation["errorText"] as? String, !error.isEmpty {
            throw BrowserError.navigationFailed(url: url, error: error)
        }
        let loader = navigation["loaderId"] as? String ?? ""
        do {
            try connection.wait(seconds: pageTimeout) { recorder.loadedLoaders.contains(loader) }
        } catch BrowserError.commandTimedOut {
            throw BrowserError.loadTimedOut(url: url, seconds: pageTimeout)
        }

        let imageWait = Int(pageTimeout * 1000 / 2)
        let evaluation = try connection.call(
            "Runtime.evaluate",
            ["expression": PageScript.settleAndDescribe(imageWaitMilliseconds: imageWait),
             "awaitPromise": true, "returnByValue": true],
            session: session, timeout: pageTimeout)
        if let exception = evaluation["exceptionDetails"] as? [String: Any] {
            throw BrowserError.scriptFailed(url: url, message: exception["text"] as? String ?? "\(exception)")
        }
        let described = (evaluation["result"] as? [String: Any])?["value"] as? [String: Any] ?? [:]
        let shot = try connection.call("Page.captureScreenshot", ["format": "png"], session: session,
                                       timeout: pageTimeout)
        guard let png = Data(base64Encoded: shot["data"] as? String ?? "") else {
            throw BrowserError.protocolError(method: "Page.captureScreenshot", message: "data is not base64")
        }

        var inspection = PageInspection(url: page)
        inspection.consoleErrors = recorder.consoleErrors
        inspection.failedRequests = recorder.failedRequests
        inspection.externalRequests = recorder.externalRequests
        inspection.images = (described["images"] as? [[String: Any]] ?? []).map {
            (src: $0["src"] as? String ?? "", loaded: $0["loaded"] as? Bool ?? false)
        }
        inspection.links = described["links"] as? [String] ?? []
        inspection.screenshot = png
        let background = described["background"] as? [Int] ?? [255, 255, 255]
        inspection.nonBackgroundFraction = try PageInspection.nonBackgroundFraction(
            png: png, background: background, file: "screenshot of \(url)")
        return inspection
    }

    /// Asks the browser to quit, then kills what is left of it. Safe to call twice.
    func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        _ = try? connection.send("Browser.close")
        process.terminate(grace: 2)
    }

    deinit { close() }

    private func string(_ key: String, of result: [String: Any]) throws -> String {
        guard let value = result[key] as? String else {
            throw BrowserError.protocolError(method: key, message: "reply has no \(key): \(result)")
        }
        return value
    }
}
