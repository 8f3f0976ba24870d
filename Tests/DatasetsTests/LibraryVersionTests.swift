import Datasets
import Testing

@Suite struct LibraryVersionTests {
    @Test func versionsNameTheLibraries() {
        #expect(ImageCodecs.libpngVersion.hasPrefix("1.6."))
        #expect(ImageCodecs.libjpegVersion.hasPrefix("libjpeg-turbo "))
        #expect(ImageCodecs.libjpegVersion.contains("API 6.2") || ImageCodecs.libjpegVersion.contains("API 8"))
    }
}
