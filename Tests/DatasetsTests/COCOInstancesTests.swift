import Datasets
import Foundation
import Testing

@Suite struct COCOInstancesTests {
    @Test func readsEverySegmentationForm() throws {
        let json = """
        {"images": [{"id": 7, "file_name": "a.png", "width": 4, "height": 3, "license": 1}],
         "categories": [{"id": 1, "name": "cat"}],
         "annotations": [
           {"id": 1, "image_id": 7, "category_id": 1, "bbox": [0, 0, 2, 2], "area": 4, "iscrowd": 0,
            "segmentation": [[0, 0, 2, 0, 2, 2]]},
           {"id": 2, "image_id": 7, "category_id": 1, "bbox": [1, 1, 1, 1], "area": 1, "iscrowd": 1,
            "segmentation": {"counts": [4, 1, 7], "size": [3, 4]}},
           {"id": 3, "image_id": 7, "category_id": 1, "bbox": [1, 1, 1, 1], "area": 1, "iscrowd": 0,
            "segmentation": {"counts": "41\\\\7", "size": [3, 4]}}]}
        """
        let coco = try JSONDecoder().decode(COCOInstances.self, from: Data(json.utf8))
        #expect(coco.images == [COCOInstances.Image(id: 7, fileName: "a.png", width: 4, height: 3)])
        #expect(coco.annotations[0].segmentation == .polygons([[0, 0, 2, 0, 2, 2]]))
        #expect(coco.annotations[1].segmentation == .runLengths(counts: [4, 1, 7], height: 3, width: 4))
        #expect(coco.annotations[1].isCrowd == 1)
        #expect(coco.annotations[2].segmentation == .compressedRunLengths(counts: "41\\7", height: 3, width: 4))
    }

    @Test func writesCOCOKeysAndReadsThemBack() throws {
        let coco = COCOInstances(
            images: [.init(id: 1, fileName: "x.png", width: 2, height: 2)],
            annotations: [.init(id: 5, imageID: 1, categoryID: 2, bbox: [0, 0, 1, 1], area: 1,
                                segmentation: .runLengths(counts: [0, 1, 3], height: 2, width: 2))],
            categories: [.init(id: 2, name: "dog")])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(coco), as: UTF8.self)
        #expect(text.contains(#""file_name":"x.png""#) && text.contains(#""image_id":1"#) && text.contains(#""iscrowd":0"#))
        #expect(text.contains(#""segmentation":{"counts":[0,1,3],"size":[2,2]}"#))
        #expect(try JSONDecoder().decode(COCOInstances.self, from: Data(text.utf8)) == coco)
    }

    @Test func refusesAMalformedSize() {
        let json = #"{"counts": [1], "size": [3]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(COCOInstances.Segmentation.self, from: Data(json.utf8)) }
    }
}
