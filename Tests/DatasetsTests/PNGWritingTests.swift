import Datasets
import Foundation
import Testing

@Suite struct PNGWritingTests {
    @Test(arguments: ChannelLayout.allCases)
    func roundTripsEveryLayout(layout: ChannelLayout) throws {
        let (width, height) = (7, 5)
        let pixels = (0..<(width * height * layout.channels)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let image = Image(width: width, height: height, layout: layout, pixels: pixels)
        let encoded = try ImageCodecs.encodePNG(image)
        #expect(encoded.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(try ImageCodecs.decode(encoded, file: "memory") == image)
    }

    @Test func writesAFileAtomically() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = (folder.path as NSString).appendingPathComponent("mask.png")
        let mask = Image(width: 3, height: 2, layout: .gray, pixels: [0, 1, 2, 255, 7, 0])
        try ImageCodecs.writePNG(mask, to: path)
        #expect(try ImageCodecs.read(path: path) == mask)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["mask.png"], "no temporary file left behind")
    }

    @Test func refusesSixteenBitAndEmptyImages() {
        let deep = Image(width: 1, height: 1, layout: .gray, samples: .uint16([1000]))
        #expect(throws: ImageCodecError.self) { try ImageCodecs.encodePNG(deep) }
        let empty = Image(width: 0, height: 3, layout: .rgb, pixels: [])
        #expect(throws: ImageCodecError.self) { try ImageCodecs.encodePNG(empty) }
    }

    @Test func unwritablePathIsNamed() {
        let path = "/nonexistent-fovea-dir/out.png"
        #expect(throws: ImageCodecError(file: path, problem: "cannot write the file")) {
            try ImageCodecs.writePNG(Image(width: 1, height: 1, layout: .gray, pixels: [0]), to: path)
        }
    }
}
