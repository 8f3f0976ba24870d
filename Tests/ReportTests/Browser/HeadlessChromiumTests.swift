import Datasets
import Foundation
import Testing

/// Each test builds a tiny site and checks that the browser check notices exactly the problem planted in it.
@Suite(.serialized) struct HeadlessChromiumTests {
    let site: TemporarySite
    let browser: HeadlessChromium

    init() throws {
        site = try TemporarySite()
        browser = try SharedChromium.browser()
    }

    /// A page with visible text, so only the planted problem stands out.
    static func page(_ body: String, head: String = "") -> String {
        "<!doctype html><html><head><meta charset=utf-8><title>t</title>\(head)</head>"
            + "<body><h1>Fovea report</h1><p>Some text a reviewer reads.</p>\(body)</body></html>"
    }

    @Test func consoleErrorIsReported() throws {
        let url = try site.write("index.html", Self.page("<script>console.error('boom', 42)</script>"))
        let inspection = try browser.inspect(url)
        #expect(inspection.consoleErrors == ["console.error: boom 42"])
        #expect(inspection.problems.count == 1)
    }

    @Test func uncaughtExceptionIsReported() throws {
        let url = try site.write("index.html", Self.page("<script>throw new TypeError('kaput')</script>"))
        let inspection = try browser.inspect(url)
        #expect(inspection.consoleErrors.count == 1)
        #expect(inspection.consoleErrors.first?.contains("TypeError: kaput") == true)
    }

    @Test func brokenImageIsReported() throws {
        let url = try site.write("index.html", Self.page("<img src='missing.png' alt=''>"))
        let inspection = try browser.inspect(url)
        #expect(inspection.images.count == 1)
        #expect(inspection.images.first?.src == site.url("missing.png").absoluteString)
        #expect(inspection.images.first?.loaded == false)
        #expect(inspection.failedRequests == ["\(site.url("missing.png").absoluteString): net::ERR_FILE_NOT_FOUND"])
        // The console line the browser logs for it (Log.entryAdded), as a reviewer opening DevTools would see it.
        #expect(inspection.consoleErrors
                == ["Failed to load resource: net::ERR_FILE_NOT_FOUND (\(site.url("missing.png").absoluteString))"])
        #expect(inspection.externalRequests.isEmpty)
    }

    @Test func deadRelativeLinkIsReported() throws {
        let index = try site.write("index.html", Self.page("<a href='cases/case-1.html#top'>case 1</a>"
                                                           + "<a href='nowhere.html'>gone</a>"))
        try site.write("cases/case-1.html", Self.page("<a href='../index.html'>back</a>"))
        let report = try SiteCheck.run(index: index, browser: browser)
        #expect(report.pages.count == 2)
        #expect(report.deadLinks.count == 1)
        #expect(report.deadLinks.first?.from == index.standardizedFileURL)
        #expect(report.deadLinks.first?.to == site.url("nowhere.html").absoluteString)
        #expect(report.problems == ["index.html: dead link: \(site.url("nowhere.html").absoluteString)"])
    }

    /// A report must survive being moved, so a link out of its folder is a problem even when the target exists.
    @Test func linkOutOfTheSiteFolderIsReported() throws {
        try site.write("outside.html", Self.page(""))
        let index = try site.write("report/index.html", Self.page("<a href='../outside.html'>up</a>"))
        let report = try SiteCheck.run(index: index, browser: browser)
        #expect(report.pages.count == 1)
        #expect(report.deadLinks.isEmpty)
        #expect(report.problems == ["index.html: link leaves the site folder: \(site.url("outside.html").absoluteString)"])
    }

    /// 10.255.255.1 is unroutable: a real request would hang in connect; it must be failed at once instead.
    @Test func networkRequestIsFlaggedAndNeverWaitedFor() throws {
        let url = try site.write("index.html", Self.page(
            "<img src='http://10.255.255.1/chart.png' alt=''>",
            head: "<link rel=stylesheet href='https://fonts.example.com/font.css'>"))
        let started = ContinuousClock.now
        let inspection = try browser.inspect(url)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(inspection.externalRequests.sorted()
                == ["http://10.255.255.1/chart.png", "https://fonts.example.com/font.css"])
        #expect(inspection.images.first?.loaded == false)
        #expect(inspection.failedRequests.count == 2)
    }

    @Test(arguments: ["", "style='background: #123456'"])
    func blankPageIsReported(bodyStyle: String) throws {
        let url = try site.write("index.html", "<!doctype html><html><body \(bodyStyle)></body></html>")
        let inspection = try browser.inspect(url)
        #expect(inspection.nonBackgroundFraction < 1e-6)
        #expect(inspection.problems.count == 1)
        #expect(inspection.problems.first?.contains("blank") == true)
        #expect(inspection.consoleErrors.isEmpty)
    }

    @Test func oneShortWordIsNotBlank() throws {
        let url = try site.write("index.html", "<!doctype html><html><body>ok</body></html>")
        let inspection = try browser.inspect(url)
        #expect(inspection.nonBackgroundFraction > PageInspection.blankBelow)
        #expect(inspection.problems == [])
    }

    @Test func cleanTwoPageSitePasses() throws {
        // A 64×48 gradient, lazy and below the fold, so it loads only because the checker makes it.
        let pixels: [UInt8] = (0..<48).flatMap { y in (0..<64).flatMap { x in [UInt8(x * 4), UInt8(y * 5), 128] } }
        try site.write("images/gradient.png",
                       try ImageCodecs.encodePNG(Image(width: 64, height: 48, layout: .rgb, pixels: pixels)))
        let index = try site.write("index.html", Self.page(
            "<a href='page2.html'>next</a><div style='height: 3000px'></div>"
                + "<img src='images/gradient.png' loading='lazy' width=64 height=48 alt='gradient'>",
            head: "<style>body { background: #fafafa; font: 16px sans-serif }</style>"))
        try site.write("page2.html", Self.page("<a href='index.html'>back</a> <a href='https://fovea.example/'>home</a>"))

        let report = try SiteCheck.run(index: index, browser: browser)
        #expect(report.problems == [])
        #expect(report.deadLinks.isEmpty)
        #expect(Set(report.pages.keys.map(\.lastPathComponent)) == ["index.html", "page2.html"])
        let first = try #require(report.pages[index.standardizedFileURL])
        #expect(first.images.map(\.loaded) == [true])
        #expect(first.links == [site.url("page2.html").absoluteString])
        #expect(first.nonBackgroundFraction > PageInspection.blankBelow)
        #expect(first.nonBackgroundFraction < 0.2)  // text on a light background, not a solid fill
        let screenshot = try ImageCodecs.decode(first.screenshot, file: "screenshot")
        #expect((screenshot.width, screenshot.height) == (1280, 800))
    }

    /// The renderer spins forever; the inspection must give up after its timeout, and the browser must go on.
    @Test func pageThatNeverLoadsTimesOutNamingTheURL() throws {
        let url = try site.write("hang.html", "<!doctype html><script>while (true) {}</script>")
        let started = ContinuousClock.now
        #expect {
            try browser.inspect(url, timeout: 1)
        } throws: { error in
            "\(error)" == "\(url.absoluteString) did not fire its load event within 1.0 s"
        }
        #expect(ContinuousClock.now - started < .seconds(4))
        let next = try site.write("next.html", Self.page(""))
        #expect(try browser.inspect(next).problems == [])
    }

    @Test func missingPageFailsNamingTheURL() throws {
        let url = site.url("absent.html")
        #expect {
            try browser.inspect(url)
        } throws: { error in
            "\(error)".contains(url.absoluteString) && "\(error)".contains("ERR_FILE_NOT_FOUND")
        }
    }
}

/// A browser of its own, so that closing it cannot disturb the shared one.
@Suite struct HeadlessChromiumLifecycleTests {
    @Test func closedBrowserRefusesWorkAndLeavesNoProcess() throws {
        let site = try TemporarySite()
        let url = try site.write("index.html", HeadlessChromiumTests.page(""))
        let browser = try HeadlessChromium()
        #expect(browser.version.hasPrefix("Chrome/") || browser.version.hasPrefix("HeadlessChrome/"))
        #expect(try browser.inspect(url).problems == [])
        let pid = browser.pid
        browser.close()
        #expect(kill(pid, 0) == -1 && errno == ESRCH)  // reaped, not a zombie
        #expect { try browser.inspect(url) } throws: { error in "\(error)" == "the browser was already closed" }
        browser.close()  // a second close is harmless
    }

    @Test func missingExecutableIsAClearError() {
        #expect {
            _ = try HeadlessChromium(executable: "/nonexistent/chromium")
        } throws: { error in
            "\(error)".hasPrefix("no Chromium executable at /nonexistent/chromium")
        }
    }
}
