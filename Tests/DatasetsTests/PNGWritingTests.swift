import Datasets
import Foundation
import Testing

@Suite struct PNGWritingTests {
    /// The test pattern of `fixtures/png-written/`, also computed by scripts/goldens/pngsuite.py: sample i (row-major,
    /// channels interleaved) is (37 i + 11) mod 256 at 8 bits, (40503 i + 11) mod 65536 at 16 bits.
    static func pattern(layout: ChannelLayout, bitDepth: Int, width: Int = 7, height: Int = 5) -> Image {
        let count = width * height * layout.channels
        let samples: Image.Samples = bitDepth == 16
            ? .uint16((0..<count).map { UInt16(truncatingIfNeeded: $0 &* 40503 &+ 11) })
            : .uint8((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
        return Image(width: width, height: height, layout: layout, samples: samples)
    }

    /// `gray-8.png` … `rgba-16.png`, the layout named as in expected.json.
    static func writtenName(_ layout: ChannelLayout, _ bitDepth: Int) -> String {
        "\(["gray", "grayAlpha", "rgb", "rgba"][layout.rawValue - 1])-\(bitDepth).png"
    }

    @Test(arguments: ChannelLayout.allCases, [8, 16])
    func roundTripsEveryLayoutAndDepth(layout: ChannelLayout, bitDepth: Int) throws {
        let image = Self.pattern(layout: layout, bitDepth: bitDepth)
        let encoded = try ImageCodecs.encodePNG(image)
        #expect(encoded.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        // IHDR: bit depth at byte 24, colour type at 25 (0 gray, 4 gray+alpha, 2 RGB, 6 RGBA).
        #expect(Int(encoded[24]) == bitDepth)
        #expect(Int(encoded[25]) == [0, 4, 2, 6][layout.rawValue - 1])
        #expect(try ImageCodecs.decode(encoded, file: "memory") == image)
    }

    /// Every valid PngSuite image (all depths, palettes, transparency, interlacing) survives decode → write → decode.
    @Test(arguments: Goldens.png.filter { $0.value.error != true }.keys.sorted())
    func rewritesPngSuiteExactly(name: String) throws {
        let original = try ImageCodecs.read(path: Goldens.path("fixtures/pngsuite/\(name)"))
        let rewritten = try ImageCodecs.decode(try ImageCodecs.encodePNG(original), file: name)
        #expect(rewritten == original, "\(name)")
    }

    /// `fixtures/png-written/` holds Fovea's output for the pattern; the golden script checks those files with
    /// Pillow (and OpenCV at 16 bits) and records what they decode to. Here the encoder must still produce those
    /// pixels, and the files must decode to the golden records. FOVEA_WRITE_PNG_FIXTURES=1 rewrites the files.
    @Test func writtenFilesAreReadByPillowAsWritten() throws {
        let goldens = Goldens.expected(in: "png-written")
        let rewrite = ProcessInfo.processInfo.environment["FOVEA_WRITE_PNG_FIXTURES"] == "1"
        #expect(goldens.count == 8)
        for depth in [8, 16] {
            for layout in ChannelLayout.allCases {
                let name = Self.writtenName(layout, depth)
                let path = Goldens.path("fixtures/png-written/\(name)")
                let image = Self.pattern(layout: layout, bitDepth: depth)
                if rewrite { try ImageCodecs.writePNG(image, to: path) }
                #expect(try ImageCodecs.read(path: path) == image, "\(name) no longer holds the pattern")
                guard let golden = goldens[name] else { Issue.record("\(name) missing from expected.json"); continue }
                expectMatches(try ImageCodecs.decode(try ImageCodecs.encodePNG(image), file: name), golden, name)
            }
        }
    }

    @Test func writesAFileAtomically() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = (folder.path as NSString).appendingPathComponent("mask.png")
        let mask = Image(width: 3, height: 2, layout: .gray, samples: .uint16([0, 1, 2, 65535, 700, 0]))
        try ImageCodecs.writePNG(mask, to: path)
        #expect(try ImageCodecs.read(path: path) == mask)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["mask.png"], "no temporary file left behind")
    }

    @Test func refusesEmptyImages() {
        let empty = Image(width: 0, height: 3, layout: .rgb, pixels: [])
        #expect(throws: ImageCodecError(file: "<memory>", problem: "PNG: cannot write an empty 0×3 image")) {
            try ImageCodecs.encodePNG(empty)
        }
    }

    @Test func unwritablePathIsNamed() {
        let path = "/nonexistent-fovea-dir/out.png"
        #expect(throws: ImageCodecError(file: path, problem: "cannot write the file")) {
            try ImageCodecs.writePNG(Image(width: 1, height: 1, layout: .gray, pixels: [0]), to: path)
        }
    }
}
