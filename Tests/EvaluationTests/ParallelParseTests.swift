import Foundation
import Testing
@testable import Evaluation

/// Results files parsed by two threads give exactly what one thread gives, including errors.
@Suite struct ParallelParseTests {
    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-eval-\(UUID().uuidString).json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: ["bbox_mixed", "segm_with_boxes"])
    func twoHalvesEqualOneParse(name: String) throws {
        let path = Fixtures.path("\(name)/dets.json")
        let iouType: IoUType = name.hasPrefix("segm") ? .segm : .bbox
        let sequential = try CocoFiles.loadUncheckedDetections(path: path, iouType: iouType, parallelFrom: .max)
        let parallel = try CocoFiles.loadUncheckedDetections(path: path, iouType: iouType, parallelFrom: 0)
        #expect(parallel.count == sequential.count)
        #expect(zip(parallel, sequential).allSatisfy { $0.score == $1.score && $0.box == $1.box && $0.imageId == $1.imageId && $0.segmentation == $1.segmentation })
    }

    @Test func errorInTheSecondHalfNamesItsTrueIndex() throws {
        var entries = (0..<40).map { _ in #"{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5}"# }
        entries[33] = #"{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3], "score": 0.5}"#
        let path = try write("[" + entries.joined(separator: ", ") + "]")
        #expect(throws: EvaluationError("\(path): [33].bbox: expected 4 numbers, got 3")) {
            try CocoFiles.loadUncheckedDetections(path: path, iouType: .bbox, parallelFrom: 0)
        }
    }

    @Test func splitGuessInsideANestedValueFallsBackToOneThread() throws {
        // Every element carries an "extra" list of objects, so "}, {" also occurs inside elements.
        let entry = #"{"image_id": 1, "extra": [{"a": 1}, {"b": 2}, {"c": 3}, {"d": 4}], "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.25}"#
        let path = try write("[" + Array(repeating: entry, count: 7).joined(separator: ",") + "]")
        let dets = try CocoFiles.loadUncheckedDetections(path: path, iouType: .bbox, parallelFrom: 0)
        #expect(dets.count == 7)
        #expect(dets.allSatisfy { $0.score == 0.25 })
        let truncated = try write("[" + Array(repeating: entry, count: 7).joined(separator: ",") + ",")
        #expect(throws: EvaluationError.self) { try CocoFiles.loadUncheckedDetections(path: truncated, iouType: .bbox, parallelFrom: 0) }
    }
}

@Suite struct MappedFileTests {
    /// Files over 1 MB are mapped (sentinel: the zero fill of the last page) unless their size is a
    /// whole number of pages; both ways parse the same.
    @Test(arguments: [false, true])
    func largeFilesParseWhetherMappedOrRead(wholePages: Bool) throws {
        let entry = #"{"image_id": 1, "category_id": 1, "bbox": [10.5, 20.25, 30, 40], "score": 0.125}"#
        var text = "[" + Array(repeating: entry, count: 20_000).joined(separator: ",\n") + "]"
        let page = 4096
        if wholePages { text += String(repeating: " ", count: (page - text.utf8.count % page) % page) }
        else if text.utf8.count % page == 0 { text += " " }
        #expect((text.utf8.count % page == 0) == wholePages)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-eval-\(UUID().uuidString).json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let dets = try CocoFiles.loadUncheckedDetections(path: path, iouType: .bbox, parallelFrom: .max)
        #expect(dets.count == 20_000)
        #expect(dets.last?.box == BoundingBox(x: 10.5, y: 20.25, width: 30, height: 40))
        let split = try CocoFiles.loadUncheckedDetections(path: path, iouType: .bbox, parallelFrom: 0)
        #expect(split.count == 20_000)
    }
}
