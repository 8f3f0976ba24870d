import Foundation
import Testing
@testable import Evaluation

/// RLE arithmetic and polygon rasterisation against pycocotools.mask (fixtures/coco/masks.json).
@Suite struct MaskParityTests {
    let golden: [String: Any]
    var height: Int { golden["height"] as! Int }
    var width: Int { golden["width"] as! Int }
    var polygons: [[String: Any]] { golden["polygons"] as! [[String: Any]] }

    init() throws { golden = try Fixtures.json("masks.json") }

    func polygonParts(_ entry: [String: Any]) -> [[Double]] { (entry["polygon"] as! [Any]).map(doubles) }

    func masks() -> [RunLengthMask] {
        polygons.map { PolygonRasterizer.mask(polygons: polygonParts($0), height: height, width: width) }
    }

    @Test func polygonsRasteriseToTheSameRLEString() {
        for (i, entry) in polygons.enumerated() {
            let parts = polygonParts(entry)
            let expectedParts = entry["part_counts"] as! [String]
            for (part, expected) in zip(parts, expectedParts) {
                let mask = PolygonRasterizer.mask(polygon: part, height: height, width: width)
                #expect(RunLengthString.encode(mask.counts) == expected, "polygon \(i) part")
            }
            let merged = PolygonRasterizer.mask(polygons: parts, height: height, width: width)
            #expect(RunLengthString.encode(merged.counts) == entry["counts"] as! String, "polygon \(i) merged")
            #expect(merged.area == entry["area"] as! Int, "polygon \(i) area")
            let box = merged.boundingBox
            #expect([box.x, box.y, box.width, box.height] == doubles(entry["bbox"]), "polygon \(i) bbox")
        }
    }

    @Test func rleStringsRoundTrip() {
        for entry in polygons {
            let string = entry["counts"] as! String
            let counts = RunLengthString.decode(string)
            #expect(counts != nil)
            #expect(RunLengthString.encode(counts ?? []) == string)
        }
        #expect(RunLengthString.decode("0 1") == nil)
    }

    @Test func maskIoUMatchesIncludingCrowds() {
        let all = masks()
        let iou = (golden["iou"] as! [Any]).map(doubles)
        let crowd = (golden["crowd_iou"] as! [Any]).map(doubles)
        for d in all.indices { for g in all.indices {
            #expect(abs(Overlap.maskIoU(all[d], all[g], crowd: false) - iou[d][g]) <= 1e-12, "iou \(d) \(g)")
            #expect(abs(Overlap.maskIoU(all[d], all[g], crowd: true) - crowd[d][g]) <= 1e-12, "crowd iou \(d) \(g)")
        } }
    }

    @Test func boxIoUMatchesIncludingCrowdsAndEmptyBoxes() {
        let boxes = (golden["boxes"] as! [Any]).map(doubles).map { BoundingBox(x: $0[0], y: $0[1], width: $0[2], height: $0[3]) }
        let crowd = (golden["box_iscrowd"] as! [Int]).map { $0 != 0 }
        let expected = (golden["box_iou"] as! [Any]).map(doubles)
        for d in boxes.indices { for g in boxes.indices {
            // 1e-12, not ==: Foundation's JSON parser on Linux can be one ulp off.
            #expect(abs(Overlap.boxIoU(boxes[d], boxes[g], crowd: crowd[g]) - expected[d][g]) <= 1e-12, "box iou \(d) \(g)")
        } }
        for (box, expected) in zip(boxes, golden["bbox_rle"] as! [String]) {
            #expect(RunLengthString.encode(PolygonRasterizer.mask(box: box, height: height, width: width).counts) == expected)
        }
    }

    @Test func encodeAndDecodeAColumnMajorMask() {
        let rows = golden["mask_rows"] as! [String]
        var columnMajor = [UInt8](repeating: 0, count: height * width)
        for (y, row) in rows.enumerated() { for (x, c) in row.enumerated() { columnMajor[x * height + y] = c == "1" ? 1 : 0 } }
        let mask = RunLengthMask(columnMajor: columnMajor, height: height, width: width)
        #expect(RunLengthString.encode(mask.counts) == golden["mask_counts"] as! String)
        #expect(mask.decoded() == columnMajor)
        #expect(mask.area == columnMajor.reduce(0) { $0 + Int($1) })
    }

    @Test func mergeIntersectsAndUnites() {
        let a = RunLengthMask(columnMajor: [1, 1, 0, 0], height: 2, width: 2)
        let b = RunLengthMask(columnMajor: [0, 1, 1, 0], height: 2, width: 2)
        #expect(RunLengthMask.merge([a, b]).decoded() == [1, 1, 1, 0])
        #expect(RunLengthMask.merge([a, b], intersect: true).decoded() == [0, 1, 0, 0])
    }
}
