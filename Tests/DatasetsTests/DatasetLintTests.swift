import Datasets
import Foundation
import Testing

/// Each check fires on a dataset built to contain its problem, at the right place; clean fixtures raise nothing.
@Suite struct DatasetLintTests {
    /// An 8×8 RGB image whose pixels depend on `seed`, so different seeds are far from near-duplicates.
    static func picture(_ seed: Int, width: Int = 8, height: Int = 8) throws -> Data {
        let pixels = (0..<(width * height * 3)).map { UInt8(truncatingIfNeeded: ($0 * (seed * 29 + 7)) ^ (seed * 91)) }
        return try ImageCodecs.encodePNG(Image(width: width, height: height, layout: .rgb, pixels: pixels))
    }

    @Test(arguments: ShapesFixture.Task.allCases)
    func cleanFixtureHasNoFindings(task: ShapesFixture.Task) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        _ = try ShapesFixture.write(task: task, images: 30, seed: 11, to: folder.path + "/data")
        let report = try DatasetLint.lint(folder.path + "/data")
        #expect(report.findings.isEmpty, "\(report.table())")
    }

    /// fixtures/lint/coco-broken (scripts/goldens/lint_fixtures.py): every finding, and nothing else.
    @Test func cocoDefectsAreFoundWhereTheyAre() throws {
        let folder = Goldens.path("fixtures/lint/coco-broken")
        let report = try DatasetLint.lint(folder)
        let annotations = folder + "/annotations.json", images = folder + "/images"
        let found = Set(report.findings.map { "\($0.severity.rawValue) \($0.check) \($0.file == annotations ? "" : $0.file + " ")\($0.location)" })
        let expected: Set<String> = [
            "error box-reversed annotations[0].bbox",
            "error box-outside-image annotations[1].bbox",
            "error coordinate-non-finite annotations[2].bbox",
            "error label-unknown annotations[3].category_id",
            "error polygon-too-few-points annotations[4].segmentation[0]",
            "error polygon-odd-coordinates annotations[5].segmentation[0]",
            "error polygon-self-intersecting annotations[6].segmentation[0]",
            "error id-duplicate annotations[7].id",
            "error mask-empty annotations[7].segmentation",
            "error image-id-unknown annotations[8].image_id",
            "error rle-invalid annotations[9].segmentation.counts",
            "error image-size-mismatch annotations[10].segmentation.size",
            "error image-size-mismatch images[4]",
            "error image-unreadable images[5].file_name",
            "error file-name-escapes-root images[6].file_name",
            "error id-duplicate images[9].id",
            "warning image-without-annotations images[6]",
            "warning image-without-annotations images[8]",
            "warning image-duplicate \(images)/same-as-a.png ",
            "warning image-near-duplicate \(images)/nearly-c.png ",
            "warning class-few-samples class rare",
            "warning class-imbalance ",
        ]
        #expect(found == expected, "missing \(expected.subtracting(found).sorted()), unexpected \(found.subtracting(expected).sorted())")
        #expect(report.findings.count == expected.count)
        #expect(report.hasErrors && report.errorCount == 16)
        let unreadable = report.findings.first { $0.check == "image-unreadable" }
        #expect(unreadable?.message == "\(images)/broken.png: PNG: file is truncated")
    }

    /// fixtures/lint/segmentation-broken: every finding, and nothing else.
    @Test func segmentationDefectsAreFound() throws {
        let folder = Goldens.path("fixtures/lint/segmentation-broken")
        let report = try DatasetLint.lint(folder)
        let found = Set(report.findings.map { "\($0.check) \(($0.file as NSString).lastPathComponent)" })
        #expect(found == ["mask-values-outside-classes outside.png", "mask-empty ignored.png", "image-size-mismatch small.png",
                          "image-missing orphan.png", "image-without-annotations unlabelled.png", "class-few-samples classes.json"],
                "\(report.table())")
        #expect(report.findings.count == 6)
    }

    @Test func classificationDefectsAreFound() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for index in 0..<5 { try folder.file("cat/\(index).png", try Self.picture(10 + index)) }
        try folder.file("dog/0.png", try Self.picture(10))  // the same picture as cat/0.png, under another label
        try folder.file("dog/1.jpg", Data("not a jpeg".utf8))
        let report = try DatasetLint.lint(folder.path)
        let found = Set(report.findings.map { "\($0.severity.rawValue) \($0.check) \($0.location.isEmpty ? ($0.file as NSString).lastPathComponent : $0.location)" })
        #expect(found == ["error image-unreadable 1.jpg", "warning image-duplicate 0.png", "warning class-few-samples class dog"],
                "\(report.table())")
    }

    @Test func unreadableAnnotationFilesAreErrors() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let broken = try folder.file("broken.json", Data(#"{"images": [}"#.utf8))
        #expect(try DatasetLint.lint(broken).findings.map(\.check) == ["json-invalid"])
        let commented = try folder.file("commented.json", Data("{\"images\": [], \"annotations\": [], \"categories\": [], // note\n}".utf8))
        #expect(try DatasetLint.lint(commented).findings.map(\.check) == ["json-invalid"])
        let partial = try folder.file("partial.json", Data(#"{"images": []}"#.utf8))
        #expect(try DatasetLint.lint(partial).findings.map(\.check) == ["field-missing"])
        #expect(throws: DatasetError(file: folder.path + "/nope", problem: "no such file or folder")) {
            try DatasetLint.lint(folder.path + "/nope")
        }
    }

    @Test func reportRendersATableAndJSON() throws {
        let report = LintReport(dataset: "d", findings: [
            LintFinding(.warning, "class-few-samples", file: "d/a.json", location: "class x", "1 annotations, fewer than 5"),
            LintFinding(.error, "box-reversed", file: "d/a.json", location: "annotations[0].bbox", "width -1"),
        ])
        #expect(report.findings.map(\.severity) == [.error, .warning])
        #expect(report.table() == """
            severity  check              where                          problem
            error     box-reversed       d/a.json: annotations[0].bbox  width -1
            warning   class-few-samples  d/a.json: class x              1 annotations, fewer than 5
            d: 1 error, 1 warning

            """)
        let decoded = try JSONSerialization.jsonObject(with: report.json()) as? [String: Any]
        #expect(decoded?["errors"] as? Int == 1 && decoded?["warnings"] as? Int == 1)
        #expect((decoded?["findings"] as? [[String: Any]])?.first?["location"] as? String == "annotations[0].bbox")
    }
}
