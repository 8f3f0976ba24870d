import Datasets
import Testing

@Suite struct ImageConversionTests {
    @Test func sixteenBitRoundsToNearest() {
        let image = Image(width: 4, height: 1, layout: .gray, samples: .uint16([0, 128, 129, 65535]))
        #expect(image.eightBitSamples() == [0, 0, 1, 255])
        #expect(image.rgb8().samples == .uint8([0, 0, 0, 0, 0, 0, 1, 1, 1, 255, 255, 255]))
    }

    @Test func rgb8DropsAlphaAndReplicatesGray() {
        let rgba = Image(width: 2, height: 1, layout: .rgba, pixels: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(rgba.rgb8() == Image(width: 2, height: 1, layout: .rgb, pixels: [1, 2, 3, 5, 6, 7]))
        let grayAlpha = Image(width: 1, height: 1, layout: .grayAlpha, pixels: [9, 200])
        #expect(grayAlpha.rgb8().samples == .uint8([9, 9, 9]))
    }

    @Test func floatsAreScaledToUnitRange() {
        #expect(Image(width: 2, height: 1, layout: .gray, pixels: [0, 255]).floats() == [0, 1])
        #expect(Image(width: 1, height: 1, layout: .gray, samples: .uint16([65535])).floats() == [1])
    }

    @Test func paletteWithTransparencyBecomesRGBA() throws {
        let image = try ImageCodecs.read(path: Goldens.path("fixtures/pngsuite/ftbbn3p08.png"))
        #expect(image.layout == .rgba)
        #expect(image.rgb8().layout == .rgb)
    }
}
