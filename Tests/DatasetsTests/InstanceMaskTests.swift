import Datasets
import Foundation
import Testing

@Suite struct InstanceMaskTests {
    struct Golden: Decodable { let area: Int, sha256: String }

    static let folder = Goldens.path("fixtures/coco-masks")

    static func dataset() throws -> COCODetectionDataset {
        try COCODetectionDataset(annotationFile: folder + "/instances.json", imageRoot: folder)
    }

    /// Polygons (convex, concave, multi-part, fractional, beyond the image, a repeated vertex, sub-pixel), crowd
    /// runs, a compressed string and a box-only annotation give exactly pycocotools' annToMask pixels
    /// (scripts/goldens/coco_masks.py).
    @Test func matchesPycocotools() throws {
        let data = try #require(FileManager.default.contents(atPath: Self.folder + "/expected.json"))
        let goldens = try JSONDecoder().decode([String: Golden].self, from: data)
        let dataset = try Self.dataset()
        var checked = 0
        for entry in dataset.entries {
            let masks = try dataset.instanceMasks(of: entry)
            #expect(masks.count == entry.boxes.count)
            for (id, mask) in zip(entry.annotationIDs, masks) {
                let golden = try #require(goldens[String(id)], "annotation \(id) has no golden")
                #expect(mask.width == entry.width && mask.height == entry.height)
                #expect(mask.area == golden.area, "annotation \(id) area")
                #expect(SHA256.hex(mask.pixels.map { $0 ? 1 : 0 }) == golden.sha256, "annotation \(id) pixels")
                checked += 1
            }
        }
        #expect(checked == goldens.count && checked == 22)
        let crowd = dataset.entries.flatMap { entry in zip(entry.annotationIDs, entry.crowd).filter(\.1).map(\.0) }
        #expect(crowd == [20], "the run-length crowd region keeps its flag")
    }

    @Test func runsForAnotherImageSizeAreNamed() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let json = """
            {"images": [{"id": 1, "file_name": "a.png", "width": 4, "height": 3}], "categories": [{"id": 1, "name": "x"}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "area": 1, "iscrowd": 1,
                              "segmentation": {"counts": [2, 3, 7], "size": [4, 3]}}]}
            """
        _ = try folder.file("instances.json", Data(json.utf8))
        let dataset = try COCODetectionDataset(annotationFile: folder.path + "/instances.json", imageRoot: folder.path)
        #expect(throws: DatasetError(file: folder.path + "/a.png",
                                     problem: "annotations[0].segmentation: run lengths do not describe a 4×3 mask")) {
            try dataset.instanceMasks(of: dataset.entries[0])
        }
    }

    /// Object k is drawn in channel k and has instance mask k, so after any geometric step mask k must sit where
    /// channel k is lit.
    static func twoObjects() -> AnnotatedSample {
        let (width, height) = (16, 12)
        var image = PlanarImage(width: width, height: height, channels: 2)
        var masks = [[Bool]](repeating: [Bool](repeating: false, count: width * height), count: 2)
        let regions = [(x: 2...6, y: 2...8), (x: 11...13, y: 8...10)]
        for (object, region) in regions.enumerated() {
            for y in region.y { for x in region.x { image[object, y, x] = 1; masks[object][y * width + x] = true } }
        }
        return AnnotatedSample(image: image,
                               boxes: regions.enumerated().map { object, region in
                                   LabeledBox(x: Double(region.x.lowerBound), y: Double(region.y.lowerBound),
                                              width: Double(region.x.count), height: Double(region.y.count), label: object)
                               },
                               instanceMasks: masks.map { InstanceMask(width: width, height: height, pixels: $0) })
    }

    static func channel(_ sample: AnnotatedSample, _ channel: Int, _ test: (Float) -> Bool) -> [Bool] {
        let plane = sample.image.width * sample.image.height
        return sample.image.values[(channel * plane)..<((channel + 1) * plane)].map(test)
    }

    @Test func aFlipMovesEachMaskWithItsPixels() {
        let flipped = AugmentationPipeline(steps: [.horizontalFlip(probability: 1)]).apply(Self.twoObjects(), seed: 1)
        #expect(flipped.instanceMasks.count == 2)
        for (box, mask) in zip(flipped.boxes, flipped.instanceMasks) {
            #expect(mask.pixels == Self.channel(flipped, box.label) { $0 > 0.5 })
        }
        #expect(flipped.instanceMasks[0].contains(x: 16 - 1 - 2, y: 2) && !flipped.instanceMasks[0].contains(x: 2, y: 2))
    }

    /// Rotations: the image is interpolated and the masks are not, so every fully lit pixel of channel k is in
    /// mask k and no unlit pixel is.
    @Test func aRotationMovesEachMaskWithItsPixels() {
        var turned = 0
        for seed in UInt64(0)..<6 {
            let rotated = AugmentationPipeline(steps: [.rotation(maxDegrees: 45, probability: 1)]).apply(Self.twoObjects(), seed: seed)
            #expect(rotated.instanceMasks.count == rotated.boxes.count)
            for (box, mask) in zip(rotated.boxes, rotated.instanceMasks) {
                let lit = Self.channel(rotated, box.label) { $0 >= 0.99 }, dark = Self.channel(rotated, box.label) { $0 <= 0.01 }
                #expect(zip(lit, mask.pixels).allSatisfy { !$0 || $1 }, "seed \(seed): a lit pixel outside mask \(box.label)")
                #expect(zip(dark, mask.pixels).allSatisfy { !$0 || !$1 }, "seed \(seed): mask \(box.label) on a dark pixel")
            }
            if rotated.instanceMasks.first != Self.twoObjects().instanceMasks.first { turned += 1 }
        }
        #expect(turned >= 5, "the rotations must actually move the masks")
    }

    /// Crops of a third of the width: a box that leaves the window is dropped together with its mask, and the masks
    /// kept are those of their boxes.
    @Test func aCropDropsABoxWithItsMask() {
        let crop = AugmentationPipeline(steps: [.randomResizedCrop(width: 6, height: 12, minScale: 0.375, maxScale: 0.375,
                                                                   minRatio: 0.5, maxRatio: 0.5)])
        var counts = Set<Int>()
        for seed in UInt64(0)..<12 {
            let cropped = crop.apply(Self.twoObjects(), seed: seed)
            #expect(cropped.instanceMasks.count == cropped.boxes.count)
            counts.insert(cropped.boxes.count)
            for (box, mask) in zip(cropped.boxes, cropped.instanceMasks) {
                #expect(mask.pixels == Self.channel(cropped, box.label) { $0 > 0.5 }, "seed \(seed), object \(box.label)")
            }
        }
        #expect(counts.contains(0) || counts.contains(1), "some crop must drop a box")
        #expect(counts.contains(1), "some crop must keep one")
    }
}
