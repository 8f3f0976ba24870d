import Datasets
import Testing

/// Fixtures were encoded and decoded by Pillow (libjpeg-turbo 3.x); the system libjpeg-turbo uses the same
/// default decoder (accurate integer IDCT, fancy upsampling), whose output is bit-exact across versions.
@Suite struct JPEGDecodingTests {
    @Test func goldenTableIsPresent() {
        #expect(Goldens.jpeg.filter { $0.value.error != true }.count == 6)
    }

    @Test(arguments: Goldens.jpeg.keys.sorted())
    func decodesLikePillow(name: String) throws {
        let expected = try #require(Goldens.jpeg[name])
        let path = Goldens.path("fixtures/jpeg/\(name)")
        if expected.error == true {
            expectRejected(path, mentioning: "JPEG")
        } else {
            expectMatches(try ImageCodecs.read(path: path), expected, name)
        }
    }

    @Test func pixelLimitRefusesBeforeDecoding() {
        // rgb-420.jpg is 40×24 = 960 pixels.
        expectRejected(Goldens.path("fixtures/jpeg/rgb-420.jpg"), mentioning: "limit", limits: ImageLimits(maxPixels: 959))
        #expect((try? ImageCodecs.read(path: Goldens.path("fixtures/jpeg/rgb-420.jpg"), limits: ImageLimits(maxPixels: 960)))?.width == 40)
    }
}
