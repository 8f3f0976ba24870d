import Datasets
import Foundation
import Testing

@Suite struct SegmentationMaskTests {
    /// Palette indices and low-depth gray values come back unscaled, as Pillow's raw arrays.
    @Test(arguments: Goldens.png.filter { $0.value.indicesSha256 != nil }.keys.sorted())
    func readsRawIndices(name: String) throws {
        let expected = try #require(Goldens.png[name])
        let mask = try SegmentationMask.read(path: Goldens.path("fixtures/pngsuite/\(name)"))
        #expect(mask.width == expected.width && mask.height == expected.height)
        #expect(SHA256.hex(mask.labels) == expected.indicesSha256)
    }

    @Test func paletteMaskKeepsIndicesNotColours() throws {
        let mask = try SegmentationMask.read(path: Goldens.path("fixtures/pngsuite/basn3p04.png"))
        #expect(mask.labels.allSatisfy { $0 < 16 })  // a 4-bit palette has at most 16 indices
        #expect(Set(mask.labels).count > 8)
    }

    @Test func roundTripsWithIgnoreIndex() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let mask = SegmentationMask(width: 4, height: 2, labels: [0, 1, 2, 255, 255, 3, 0, 0])
        let path = (folder.path as NSString).appendingPathComponent("mask.png")
        try mask.write(to: path)
        let read = try SegmentationMask.read(path: path)
        #expect(read == mask)
        #expect(read.label(x: 3, y: 0) == SegmentationMask.ignoreIndex)
        #expect(read.histogram()[255] == 2 && read.histogram()[0] == 3)
    }

    @Test(arguments: [("basn2c08.png", "8-bit RGB"), ("basn0g16.png", "16-bit gray"), ("basn4a08.png", "8-bit gray+alpha")])
    func refusesNonIndexImages(file: String, kind: String) {
        let path = Goldens.path("fixtures/pngsuite/\(file)")
        #expect(throws: ImageCodecError(file: path, problem: "a class-index mask must be 8-bit gray or palette, not \(kind)")) {
            try SegmentationMask.read(path: path)
        }
    }

    @Test func refusesJPEGAndCorruptMasks() {
        let jpeg = Goldens.path("fixtures/jpeg/gray-odd.jpg")
        #expect(throws: ImageCodecError(file: jpeg, problem: "masks must be PNG; JPEG compression changes class indices")) {
            try SegmentationMask.read(path: jpeg)
        }
        #expect(throws: ImageCodecError.self) { try SegmentationMask.read(path: Goldens.path("fixtures/pngsuite/xcsn0g01.png")) }
    }

    @Test func labelsStretchToTheLabelUnderEachPixelCentre() {
        // 3 wide × 2 high → 6 × 2: each column doubled, rows kept; → 2 × 4: columns 0 and 2 (centres at 0.75, 2.25).
        let plane: [Int] = [1, 2, 3,
                            4, 5, 6]
        #expect(SegmentationMask.stretchedLabels(plane[...], width: 3, height: 2, toWidth: 6, toHeight: 2) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6])
        #expect(SegmentationMask.stretchedLabels(plane[...], width: 3, height: 2, toWidth: 2, toHeight: 4) == [1, 3, 1, 3, 4, 6, 4, 6])
        // A slice of a batch keeps its own offsets.
        let batch = [9, 9, 9, 9, 9, 9] + plane
        #expect(SegmentationMask.stretchedLabels(batch[6...], width: 3, height: 2, toWidth: 3, toHeight: 2) == plane)
    }
}
