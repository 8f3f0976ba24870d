import Foundation
import Testing
@testable import Evaluation

/// Malformed files fail with one line naming the file, the entry and the field (CLI exit code 1).
@Suite struct InputValidationTests {
    static let groundTruthText = """
    {"images": [{"id": 1, "width": 10, "height": 10}, {"id": 2, "width": 10, "height": 10}],
     "categories": [{"id": 3, "name": "cat"}],
     "annotations": [{"id": 5, "image_id": 1, "category_id": 3, "bbox": [1, 1, 4, 4], "area": 16, "iscrowd": 0}]}
    """

    func groundTruth() throws -> CocoGroundTruth {
        try CocoFiles.parseGroundTruth(Array(Self.groundTruthText.utf8), name: "GT.json")
    }

    func detectionsError(_ text: String, iouType: IoUType = .bbox) throws -> String {
        let gt = try groundTruth()
        do {
            _ = try CocoFiles.parseDetections(Array(text.utf8), name: "dets.json", groundTruth: gt, iouType: iouType)
        } catch let error as EvaluationError {
            return error.description
        }
        return "no error"
    }

    func groundTruthError(_ text: String) -> String {
        do { _ = try CocoFiles.parseGroundTruth(Array(text.utf8), name: "GT.json") } catch let error as EvaluationError {
            return error.description
        } catch { return "other error \(error)" }
        return "no error"
    }

    @Test func validFilesLoad() throws {
        let gt = try groundTruth()
        #expect(gt.images.count == 2 && gt.annotations.count == 1 && gt.annotations[0].box.width == 4)
        let dets = try CocoFiles.parseDetections(Array(#"[{"image_id": 1, "category_id": 3, "bbox": [1, 1, 4, 4], "score": 0.5}]"#.utf8),
                                                 name: "dets.json", groundTruth: gt, iouType: .bbox)
        #expect(dets.count == 1 && dets[0].score == 0.5)
    }

    @Test func emptyPredictionsAreValidAndScoreZero() throws {
        let gt = try groundTruth()
        let dets = try CocoFiles.parseDetections(Array("[]".utf8), name: "dets.json", groundTruth: gt, iouType: .bbox)
        let analysis = try ErrorAnalysis(groundTruth: gt, detections: dets, iouType: .bbox)
        #expect(analysis.coco.stats[0] == 0)
        #expect(analysis.tide.ap50 == 0)
        #expect(analysis.tide.groundTruth[0].status == .miss)
    }

    @Test func truncatedJSONNamesFileAndLine() throws {
        let message = try detectionsError("[{\"image_id\": 1,\n \"category_id\": 3, \"bbox\": [1, 1")
        #expect(message.hasPrefix("dets.json: [0]: line 2, column"))
        #expect(message.contains("truncated JSON"))
        #expect(!message.contains("\n"))
    }

    @Test func shortBoxNamesEntryAndCount() throws {
        let message = groundTruthError(Self.groundTruthText.replacingOccurrences(of: "[1, 1, 4, 4]", with: "[1, 1, 4]"))
        #expect(message == "GT.json: annotations[0].bbox: expected 4 numbers, got 3")
    }

    @Test func negativeBoxSizeIsRejected() throws {
        let message = try detectionsError(#"[{"image_id": 1, "category_id": 3, "bbox": [1, 1, -4, 4], "score": 0.5}]"#)
        #expect(message == "dets.json: [0].bbox: negative width -4.0")
    }

    @Test func scoreThatIsNotANumber() throws {
        let text = #"[{"image_id": 1, "category_id": 3, "bbox": [1, 1, 4, 4], "score": 0.5}, {"image_id": 1, "category_id": 3, "bbox": [1, 1, 4, 4], "score": "high"}]"#
        #expect(try detectionsError(text) == "dets.json: [1].score: expected a number, got a string")
        #expect(try detectionsError(text.replacingOccurrences(of: "\"high\"", with: "NaN")) == "dets.json: [1].score: expected a number, got NaN")
    }

    @Test func unknownImageOrCategory() throws {
        #expect(try detectionsError(#"[{"image_id": 9, "category_id": 3, "bbox": [1, 1, 4, 4], "score": 0.5}]"#)
                == "dets.json: [0].image_id: 9 is not an image of the ground truth")
        #expect(try detectionsError(#"[{"image_id": 1, "category_id": 4, "bbox": [1, 1, 4, 4], "score": 0.5}]"#)
                == "dets.json: [0].category_id: 4 is not a category of the ground truth")
        #expect(groundTruthError(Self.groundTruthText.replacingOccurrences(of: "\"image_id\": 1", with: "\"image_id\": 7"))
                == "GT.json: annotations[0].image_id: 7 is not in images")
    }

    @Test func missingGeometryForTheIoUType() throws {
        #expect(try detectionsError(#"[{"image_id": 1, "category_id": 3, "score": 0.5}]"#) == "dets.json: [0]: missing \"bbox\"")
        #expect(try detectionsError(#"[{"image_id": 1, "category_id": 3, "bbox": [1, 1, 4, 4], "score": 0.5}]"#, iouType: .segm)
                == "dets.json: [0]: missing \"segmentation\" (needed for --iou-type segm)")
    }

    @Test func wrongTopLevelShape() throws {
        #expect(try detectionsError(#"{"annotations": []}"#) == "dets.json: top level: expected an array of detections, got an object")
        #expect(groundTruthError("[]") == "GT.json: top level: expected an object with images, annotations and categories, got an array")
        #expect(groundTruthError("") .hasPrefix("GT.json: top level"))
    }
}

@Suite struct SegmentationInputTests {
    @Test func brokenRLEStringAndMissingPolygonCanvas() throws {
        let gtText = """
        {"images": [{"id": 1}], "categories": [{"id": 3}],
         "annotations": [{"id": 5, "image_id": 1, "category_id": 3, "bbox": [1, 1, 4, 4], "segmentation": [[1, 1, 5, 1, 5, 5]]}]}
        """
        let gt = try CocoFiles.parseGroundTruth(Array(gtText.utf8), name: "GT.json")
        #expect(throws: EvaluationError("GT.json: annotations[0].segmentation: image 1 has no width and height to draw the polygon on")) {
            try CocoFiles.checkSegmentation(gt, file: "GT.json")
        }
        let dets = #"[{"image_id": 1, "category_id": 3, "score": 1, "segmentation": {"size": [4, 4], "counts": "a b"}}]"#
        #expect(throws: EvaluationError("dets.json: [0].segmentation.counts: not a COCO RLE string")) {
            try CocoFiles.parseDetections(Array(dets.utf8), name: "dets.json", groundTruth: gt, iouType: .segm)
        }
    }
}
