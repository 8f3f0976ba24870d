import Datasets
import Foundation
import Testing

@Suite struct COCODetectionDatasetTests {
    static let folder = Goldens.path("fixtures/shapes/detection")

    @Test func loadsBoxesWithContiguousLabels() throws {
        let dataset = try COCODetectionDataset(annotationFile: Self.folder + "/annotations.json", imageRoot: Self.folder + "/images")
        #expect(dataset.classes.names == ShapeClass.allCases.map(\.rawValue))
        #expect(dataset.categoryIDs == [1, 2, 3, 4, 5])
        #expect(dataset.entries.count == 10)
        #expect(dataset.entries.reduce(0) { $0 + $1.boxes.count } == dataset.instances.annotations.count)
        let first = try #require(dataset.entries.first)
        #expect(first.path == Self.folder + "/images/0000.png" && first.width == 128)
        let annotation = try #require(dataset.instances.annotations.first { $0.imageID == first.imageID })
        #expect(first.boxes[0] == LabeledBox(x: annotation.bbox[0], y: annotation.bbox[1], width: annotation.bbox[2],
                                             height: annotation.bbox[3], label: annotation.categoryID - 1))
        #expect(first.crowd.allSatisfy { !$0 })
    }

    /// Every run-length mask of the fixture decodes to its annotated area, inside its annotated box.
    @Test func runLengthMasksMatchAreasAndBoxes() throws {
        let dataset = try COCODetectionDataset(annotationFile: Self.folder + "/annotations.json", imageRoot: Self.folder + "/images")
        var decoded = 0
        for annotation in dataset.instances.annotations {
            guard let mask = annotation.segmentation?.runLengthMask() else { continue }
            decoded += 1
            let pixels = mask.pixels.indices.filter { mask.pixels[$0] }
            #expect(Double(pixels.count) == annotation.area)
            let xs = pixels.map { $0 % mask.width }, ys = pixels.map { $0 / mask.width }
            #expect([xs.min()!, ys.min()!, xs.max()! - xs.min()! + 1, ys.max()! - ys.min()! + 1].map(Double.init) == annotation.bbox)
        }
        #expect(decoded > 0)
    }

    /// pycocotools' string form: frPyObjects({"counts": [5, 2, 2, 0, 3], "size": [3, 4]}) gives "522N1", and
    /// mask.decode sets row-major pixels 2 and 9.
    @Test func decodesCompressedRunLengths() throws {
        let segmentation = COCOInstances.Segmentation.compressedRunLengths(counts: "522N1", height: 3, width: 4)
        let mask = try #require(segmentation.runLengthMask())
        #expect(mask.pixels.enumerated().filter(\.element).map(\.offset) == [2, 9])
        #expect(COCOInstances.Segmentation.polygons([[0, 0, 1, 0, 1, 1]]).runLengthMask() == nil)
    }

    @Test func namesTheFirstUnresolvedReference() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.file("a.json", Data(#"""
            {"images": [{"id": 1, "file_name": "a.png", "width": 4, "height": 4}], "categories": [{"id": 3, "name": "x"}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 3, "bbox": [0, 0, 1, 1], "area": 1, "iscrowd": 0},
                             {"id": 2, "image_id": 9, "category_id": 3, "bbox": [0, 0, 1, 1], "area": 1, "iscrowd": 0}]}
            """#.utf8))
        #expect(throws: DatasetError(file: path, problem: "annotations[1].image_id: no image has id 9")) {
            try COCODetectionDataset(annotationFile: path, imageRoot: folder.path)
        }
        let malformed = try folder.file("b.json", Data(#"{"images": [{"id": 1}], "annotations": [], "categories": []}"#.utf8))
        #expect(throws: DatasetError(file: malformed, problem: "not COCO instances JSON: images[0].file_name: missing")) {
            try COCODetectionDataset(annotationFile: malformed, imageRoot: folder.path)
        }
    }
}
