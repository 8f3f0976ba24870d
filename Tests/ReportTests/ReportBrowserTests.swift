import Foundation
import Testing
@testable import Report

/// Reports opened in a real headless Chromium: every page reachable from the index loads without console errors
/// or failed requests, every image loads, no link is dead, nothing is fetched from a network, no page is blank.
@Suite(.serialized) struct ReportBrowserTests {
    static func temporaryFolder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-browser-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func reportFromPredictionFilesPassesTheBrowserCheck() throws {
        let (record, _) = try SiteTests.shapesDetection(hostileName: true)
        let out = Self.temporaryFolder().appendingPathComponent("report")
        let index = try ReportSite(title: "shapes detector", iterations: [record], version: "test").write(to: out, templates: try SiteTests.templates)
        let check = try SiteCheck.run(index: index, browser: SharedChromium.browser())
        #expect(check.problems.isEmpty, "\(check.problems)")
        #expect(check.pages.count == 2 + record.cases.count)  // index, the iteration, one page per case
        for (_, page) in check.pages {
            #expect(!page.images.isEmpty && page.images.allSatisfy(\.loaded))
            #expect(page.nonBackgroundFraction > 0.01)
        }
        try? FileManager.default.removeItem(at: out.deletingLastPathComponent())
    }

    /// The README's main job, at a size CI affords: two iterations, the second acting on the first one's advice.
    @Test func demoReportPassesTheBrowserCheck() throws {
        let root = Self.temporaryFolder()
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("fovea")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["demo", "--images", "240", "--steps", "36", "--quiet",
                             "--out", root.appendingPathComponent("report").path, "--workspace", root.appendingPathComponent("work").path]
        process.currentDirectoryURL = SiteTests.repository
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(stdout.contains("failure set at it2:"), "\(stdout)")
        let index = root.appendingPathComponent("report/index.html")
        let check = try SiteCheck.run(index: index, browser: SharedChromium.browser())
        #expect(check.problems.isEmpty, "\(check.problems)")
        let casePages = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("report/cases").path)
        #expect(!casePages.isEmpty && check.pages.count == 3 + casePages.count)  // index, it1, it2, every case
        let html = try String(contentsOf: index, encoding: .utf8)
        #expect(html.contains("it1") && html.contains("it2"))
        let iteration = try String(contentsOf: root.appendingPathComponent("report/iterations/it2.html"), encoding: .utf8)
        for method in ["gradcam", "gradcam++", "scorecam", "eigencam"] { #expect(iteration.contains("<th>\(method)</th>")) }
        try? FileManager.default.removeItem(at: root)
    }
}
