import Datasets
import Testing

@Suite struct PNGConformanceTests {
    @Test func goldenTableCoversPngSuite() {
        let valid = Goldens.png.filter { $0.value.error != true }
        let corrupt = Goldens.png.filter { $0.key.hasPrefix("x") }
        #expect(valid.count == 60)  // 15 basic, 15 transparency, 21 interlaced copies, 9 low-depth interlaced
        #expect(corrupt.count >= 14)
        #expect(valid.keys.contains("interlaced/ibasn0g01.png"))
    }

    @Test(arguments: Goldens.png.keys.sorted())
    func decodesLikeTheReference(name: String) throws {
        let expected = try #require(Goldens.png[name])
        let path = Goldens.path("fixtures/pngsuite/\(name)")
        if expected.pixelLimit == true {
            expectRejected(path, mentioning: "limit")
        } else if expected.error == true {
            expectRejected(path, mentioning: "PNG")
        } else {
            expectMatches(try ImageCodecs.read(path: path), expected, name)
        }
    }

    /// Interlacing must not change pixels: every interlaced file equals its progressive twin.
    @Test(arguments: Goldens.png.keys.filter { $0.hasPrefix("i") || $0.hasPrefix("interlaced/i") }.sorted())
    func interlacedEqualsProgressive(name: String) throws {
        let twin = String(name.replacingOccurrences(of: "interlaced/", with: "").dropFirst())
        let interlaced = try ImageCodecs.read(path: Goldens.path("fixtures/pngsuite/\(name)"))
        let progressive = try ImageCodecs.read(path: Goldens.path("fixtures/pngsuite/\(twin)"))
        #expect(interlaced == progressive)
    }

    @Test func lowBitGrayIsScaledToEightBits() throws {
        let gray2 = try ImageCodecs.read(path: Goldens.path("fixtures/pngsuite/basn0g02.png"))
        guard case .uint8(let samples) = gray2.samples else { Issue.record("2-bit gray must decode to 8 bits"); return }
        #expect(Set(samples) == [0, 85, 170, 255])
    }

    @Test func sixteenBitSamplesKeepTheirPrecision() throws {
        let image = try ImageCodecs.read(path: Goldens.path("fixtures/pngsuite/basn2c16.png"))
        guard case .uint16(let samples) = image.samples else { Issue.record("16-bit RGB must stay 16-bit"); return }
        #expect(samples.contains { $0 & 0xFF != 0 && $0 & 0xFF != $0 >> 8 }, "low bytes must carry information")
    }
}
