import Datasets
import Evaluation
import Failures
import Foundation
import Testing
@testable import Report

/// The static site: pages from templates, every reference resolvable, dataset strings escaped, written into a
/// staging folder that replaces the old report only when complete.
@Suite struct SiteTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var templates: ReportTemplates { get throws { try ReportTemplates(directory: repository.appendingPathComponent("templates/report")) } }

    /// A detection iteration over the committed shapes detection sample and the results derived from it with every
    /// TIDE error type (fixtures/iterate/detection-results.json, written by scripts/goldens/derived_results.py).
    static func shapesDetection(hostileName: Bool = false) throws -> (IterationRecord, URL) {
        let root = repository.appendingPathComponent("fixtures/shapes/detection")
        var gt = try CocoFiles.loadGroundTruth(path: root.appendingPathComponent("annotations.json").path, keepSegmentation: false)
        if hostileName { gt.categories[0].name = "<script>alert('x')</script>&\"" }
        let detections = try CocoFiles.loadUncheckedDetections(path: repository.appendingPathComponent("fixtures/iterate/detection-results.json").path,
                                                               iouType: .bbox)
        let analysis = try ErrorAnalysis(groundTruth: gt, detections: detections, iouType: .bbox)
        let selection = FailureSelector.select(from: DetectionCases.records(from: analysis))
        let record = DetectionIteration.record(name: "it<1>", analysis: analysis, source: "derived predictions", imageRoot: root.path,
                                               cases: selection.cases.map { ($0, "failing") })
        return (record, root)
    }

    static func temporaryFolder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-site-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Every `src` and `href` in every page, resolved against the page.
    static func references(in site: URL) throws -> [(page: URL, target: String)] {
        let pages = FileManager.default.enumerator(at: site, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }.filter { $0.pathExtension == "html" }
        var out = [(URL, String)]()
        let pattern = try Regex(#"(?:src|href)="([^"]*)""#)
        for page in pages {
            let html = try String(contentsOf: page, encoding: .utf8)
            for match in html.matches(of: pattern) { out.append((page, String(match.output[1].substring!))) }
        }
        return out
    }

    @Test func detectionReportHasEveryPageAndNoDeadReference() throws {
        let (record, _) = try Self.shapesDetection()
        #expect(record.cases.count >= 5)
        #expect(Set(record.cases.compactMap(\.error)).isSuperset(of: ["Miss", "Cls", "Loc", "Bkg", "Dupe"]))
        let out = Self.temporaryFolder().appendingPathComponent("report")
        let index = try ReportSite(title: "shapes", iterations: [record], version: "test").write(to: out, templates: try Self.templates)
        #expect(index == out.appendingPathComponent("index.html"))
        let files = FileManager.default.enumerator(atPath: out.path)!.compactMap { $0 as? String }
        #expect(files.filter { $0.hasPrefix("cases/") && $0.hasSuffix(".html") }.count == record.cases.count)
        #expect(files.contains { $0.hasPrefix("iterations/") && $0.hasSuffix(".html") })
        let references = try Self.references(in: out)
        #expect(references.count > 50)
        for (page, target) in references {
            #expect(!target.hasPrefix("/") && !target.contains("://"), "absolute or remote reference \(target) in \(page.lastPathComponent)")
            let resolved = URL(fileURLWithPath: target, relativeTo: page.deletingLastPathComponent()).standardizedFileURL
            #expect(FileManager.default.fileExists(atPath: resolved.path), "\(page.lastPathComponent) → \(target)")
            #expect(resolved.path.hasPrefix(out.path), "\(target) leaves the report")
        }
        // Pictures are real PNGs of the size the page says (HiDPI: twice in device pixels).
        let loss = try #require(files.first { $0.hasSuffix("error-bars.png") })
        let png = try ImageCodecs.read(path: out.appendingPathComponent(loss).path)
        #expect(png.width == 2 * 480)
    }

    @Test func datasetStringsAreEscapedAndFileNamesSanitised() throws {
        let (record, _) = try Self.shapesDetection(hostileName: true)
        let out = Self.temporaryFolder().appendingPathComponent("report")
        try ReportSite(title: "<b>title</b>", iterations: [record], version: "test").write(to: out, templates: try Self.templates)
        let pages = FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }.filter { $0.pathExtension == "html" }
        var sawEscaped = false
        for page in pages {
            let html = try String(contentsOf: page, encoding: .utf8)
            #expect(!html.contains("<script"), "\(page.lastPathComponent) carries a raw script tag")
            #expect(!html.contains("<b>title"))
            sawEscaped = sawEscaped || html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
        }
        #expect(sawEscaped)
        // The iteration "it<1>" gets a safe file name.
        let names = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("iterations").path)
        #expect(names.count == 1 && names[0].hasPrefix("it_1_-") && names[0].hasSuffix(".html"))
    }

    @Test func aFailedBuildLeavesThePreviousReportInPlace() throws {
        let (record, _) = try Self.shapesDetection()
        let out = Self.temporaryFolder().appendingPathComponent("report")
        try ReportSite(title: "first", iterations: [record], version: "test").write(to: out, templates: try Self.templates)
        let before = try Data(contentsOf: out.appendingPathComponent("index.html"))
        var broken = record
        broken.cases[0].cams = [.init(method: "gradcam", overlay: "/nonexistent/overlay.png")]
        #expect(throws: ReportError.self) {
            try ReportSite(title: "second", iterations: [broken], version: "test").write(to: out, templates: try Self.templates)
        }
        #expect(try Data(contentsOf: out.appendingPathComponent("index.html")) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "staging folders left behind: \(leftovers)")
    }

    @Test func leftoversOfAKilledBuildAreRemoved() throws {
        let (record, _) = try Self.shapesDetection()
        let parent = Self.temporaryFolder(), out = parent.appendingPathComponent("report")
        // A pid above Linux's maximum (2^22) belongs to no process; our own pid's folders are left alone.
        let dead = parent.appendingPathComponent(".report.partial-4194305"), aside = parent.appendingPathComponent(".report.old-4194306")
        let other = parent.appendingPathComponent(".reports.partial-4194305")
        for folder in [dead, aside, other] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try ReportSite(title: "x", iterations: [record], version: "test").write(to: out, templates: try Self.templates)
        #expect(!FileManager.default.fileExists(atPath: dead.path) && !FileManager.default.fileExists(atPath: aside.path))
        #expect(FileManager.default.fileExists(atPath: other.path), "another report's folder is not ours to remove")
        try? FileManager.default.removeItem(at: parent)
    }

    @Test func refusesToReplaceAFolderThatIsNotAReport() throws {
        let folder = Self.temporaryFolder()
        try Data("keep me".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let (record, _) = try Self.shapesDetection()
        #expect(throws: ReportError.self) {
            try ReportSite(title: "x", iterations: [record], version: "test").write(to: folder, templates: try Self.templates)
        }
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("notes.txt").path))
    }

    @Test func safeFileNamesAreSafeAndDistinct() {
        let raw = ["gt-12", "region-3-1-4,5,6,7", "../../etc/passwd", ".hidden", "a/b", "a_b", "é", ""]
        let safe = raw.map(SafeFileName.make)
        #expect(safe[0] == "gt-12")
        #expect(Set(safe).count == raw.count)
        for name in safe {
            #expect(!name.isEmpty && !name.hasPrefix(".") && !name.contains("/"))
            #expect(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        }
    }

    @Test func imageNamesThatLeaveTheImageRootAreNeverRead() {
        #expect(DetectionIteration.path("/data/images", "a/b.png") == "/data/images/a/b.png")
        #expect(DetectionIteration.path("/data/images", "../secret.png") == nil)
        #expect(DetectionIteration.path("/data/images", "/etc/passwd") == nil)
        #expect(DetectionIteration.path(nil, "a.png") == nil)
    }
}
