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

    @Test func cocoDefectsAreFoundWhereTheyAre() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for (name, seed) in [("a.png", 1), ("b.png", 2), ("c.png", 3), ("same-as-a.png", 1), ("unannotated.png", 5)] {
            try folder.file("images/\(name)", try Self.picture(seed))
        }
        try folder.file("images/big.png", try Self.picture(6, width: 8, height: 6))
        try folder.file("images/broken.png", try #require(FileManager.default.contents(atPath: Goldens.path("fixtures/pngsuite/xcsn0g01.png"))))
        var nearly = try ImageCodecs.decode(try Self.picture(3), file: "c")  // c.png with one pixel nudged
        if case .uint8(var pixels) = nearly.samples { pixels[0] = pixels[0] &+ 9; nearly = Image(width: 8, height: 8, layout: .rgb, pixels: pixels) }
        try folder.file("images/nearly-c.png", try ImageCodecs.encodePNG(nearly))

        let many = (0..<60).map { #"{"id": \#(100 + $0), "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "area": 4, "iscrowd": 0}"# }
        let json = """
        {"categories": [{"id": 1, "name": "common"}, {"id": 2, "name": "rare"}],
         "images": [
          {"id": 1, "file_name": "a.png", "width": 8, "height": 8},
          {"id": 2, "file_name": "b.png", "width": 8, "height": 8},
          {"id": 3, "file_name": "c.png", "width": 8, "height": 8},
          {"id": 4, "file_name": "same-as-a.png", "width": 8, "height": 8},
          {"id": 5, "file_name": "big.png", "width": 10, "height": 10},
          {"id": 6, "file_name": "broken.png", "width": 8, "height": 8},
          {"id": 7, "file_name": "../outside.png", "width": 8, "height": 8},
          {"id": 8, "file_name": "nearly-c.png", "width": 8, "height": 8},
          {"id": 9, "file_name": "unannotated.png", "width": 8, "height": 8},
          {"id": 9, "file_name": "b.png", "width": 8, "height": 8}],
         "annotations": [
          {"id": 1, "image_id": 2, "category_id": 2, "bbox": [5, 5, -3, 4], "area": 1, "iscrowd": 0},
          {"id": 2, "image_id": 2, "category_id": 1, "bbox": [6, 6, 10, 10], "area": 1, "iscrowd": 0},
          {"id": 3, "image_id": 3, "category_id": 1, "bbox": [NaN, 1, 2, 2], "area": 1, "iscrowd": 0},
          {"id": 4, "image_id": 3, "category_id": 99, "bbox": [1, 1, 2, 2], "area": 1, "iscrowd": 0},
          {"id": 5, "image_id": 4, "category_id": 1, "bbox": [1, 1, 2, 2], "area": 1, "iscrowd": 0, "segmentation": [[0, 0, 1, 1]]},
          {"id": 6, "image_id": 4, "category_id": 1, "bbox": [1, 1, 2, 2], "area": 1, "iscrowd": 0, "segmentation": [[0, 0, 4, 0, 4]]},
          {"id": 7, "image_id": 5, "category_id": 1, "bbox": [1, 1, 2, 2], "area": 1, "iscrowd": 0, "segmentation": [[0, 0, 4, 4, 4, 0, 0, 4]]},
          {"id": 7, "image_id": 6, "category_id": 1, "bbox": [1, 1, 2, 2], "area": 1, "iscrowd": 0, "segmentation": {"counts": [64], "size": [8, 8]}},
          {"id": 8, "image_id": 42, "category_id": 1, "bbox": [1, 1, 2, 2], "area": 1, "iscrowd": 0},
          {"id": 9, "image_id": 8, "category_id": 1, "bbox": [1, 1, 2, 2], "area": 1, "iscrowd": 0, "segmentation": {"counts": [3, 2], "size": [8, 8]}},
          {"id": 10, "image_id": 8, "category_id": 1, "bbox": [1, 1, 2, 2], "area": 1, "iscrowd": 0, "segmentation": {"counts": [0, 64], "size": [6, 8]}},
          \(many.joined(separator: ",\n"))]}
        """
        let annotations = try folder.file("annotations.json", Data(json.utf8))
        let report = try DatasetLint.lint(folder.path)
        let images = folder.path + "/images"

        func expectFinding(_ check: String, _ file: String, _ location: String, severity: LintFinding.Severity = .error,
                           sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(report.findings.contains { $0.check == check && $0.file == file && $0.location == location && $0.severity == severity },
                    "\(check) at \(file): \(location)\n\(report.table())", sourceLocation: sourceLocation)
        }
        expectFinding("box-reversed", annotations, "annotations[0].bbox")
        expectFinding("box-outside-image", annotations, "annotations[1].bbox")
        expectFinding("coordinate-non-finite", annotations, "annotations[2].bbox")
        expectFinding("label-unknown", annotations, "annotations[3].category_id")
        expectFinding("polygon-too-few-points", annotations, "annotations[4].segmentation[0]")
        expectFinding("polygon-odd-coordinates", annotations, "annotations[5].segmentation[0]")
        expectFinding("polygon-self-intersecting", annotations, "annotations[6].segmentation[0]")
        expectFinding("id-duplicate", annotations, "annotations[7].id")
        expectFinding("mask-empty", annotations, "annotations[7].segmentation")
        expectFinding("image-id-unknown", annotations, "annotations[8].image_id")
        expectFinding("rle-invalid", annotations, "annotations[9].segmentation.counts")
        expectFinding("image-size-mismatch", annotations, "annotations[10].segmentation.size")
        expectFinding("image-size-mismatch", annotations, "images[4]")
        expectFinding("image-unreadable", annotations, "images[5].file_name")
        expectFinding("file-name-escapes-root", annotations, "images[6].file_name")
        expectFinding("id-duplicate", annotations, "images[9].id")
        expectFinding("image-without-annotations", annotations, "images[8]", severity: .warning)
        expectFinding("image-duplicate", images + "/same-as-a.png", "", severity: .warning)
        expectFinding("image-near-duplicate", images + "/nearly-c.png", "", severity: .warning)
        expectFinding("class-few-samples", annotations, "class rare", severity: .warning)
        expectFinding("class-imbalance", annotations, "", severity: .warning)
        #expect(report.hasErrors)
        #expect(!report.checks.contains("json-invalid"), "NaN is accepted as JSON, and flagged as a coordinate")
        #expect(report.findings.filter { $0.check == "image-duplicate" }.count == 1, "b.png twice is one image, not a duplicate")
    }

    @Test func segmentationDefectsAreFound() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.file("classes.json", Data(#"["background", "cell"]"#.utf8))
        for (stem, seed) in [("ok", 1), ("outside", 2), ("ignored", 3), ("small", 4), ("unlabelled", 5)] {
            try folder.file("images/\(stem).png", try Self.picture(seed))
        }
        func mask(_ stem: String, _ labels: [UInt8], width: Int = 8, height: Int = 8) throws {
            try SegmentationMask(width: width, height: height, labels: labels).write(to: folder.path + "/masks/\(stem).png")
        }
        try FileManager.default.createDirectory(atPath: folder.path + "/masks", withIntermediateDirectories: true)
        try mask("ok", [UInt8](repeating: 1, count: 32) + [UInt8](repeating: 0, count: 32))
        try mask("outside", [UInt8](repeating: 9, count: 64))
        try mask("ignored", [UInt8](repeating: 255, count: 64))
        try mask("small", [UInt8](repeating: 1, count: 16), width: 4, height: 4)
        try mask("orphan", [UInt8](repeating: 0, count: 64))
        let report = try DatasetLint.lint(folder.path)
        let found = Set(report.findings.map { "\($0.check) \(($0.file as NSString).lastPathComponent)" })
        #expect(found == ["mask-values-outside-classes outside.png", "mask-empty ignored.png", "image-size-mismatch small.png",
                          "image-missing orphan.png", "image-without-annotations unlabelled.png", "class-few-samples classes.json"],
                "\(report.table())")
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
