import Datasets
import Foundation
import Testing

/// Damaged files must throw an error naming the file, never crash or hang.
@Suite struct CorruptInputTests {
    @Test(arguments: ["fixtures/pngsuite/basn6a16.png", "fixtures/pngsuite/ibasn3p08.png", "fixtures/jpeg/rgb-420.jpg",
                      "fixtures/jpeg/rgb-progressive.jpg"])
    func everyTruncationIsRejected(file: String) throws {
        let whole = try #require(FileManager.default.contents(atPath: Goldens.path(file)))
        for length in 0..<whole.count {
            #expect(throws: ImageCodecError.self, "\(file) cut to \(length) bytes") {
                try ImageCodecs.decode(whole.prefix(length), file: file)
            }
        }
    }

    /// Flipped bytes either still decode to the declared size or throw; what matters is no crash.
    @Test(arguments: ["fixtures/pngsuite/basn2c08.png", "fixtures/jpeg/rgb-444.jpg"])
    func flippedBytesNeverCrash(file: String) throws {
        let whole = try #require(FileManager.default.contents(atPath: Goldens.path(file)))
        let original = try ImageCodecs.decode(whole, file: file)
        var rejected = 0
        for offset in stride(from: 0, to: whole.count, by: 3) {
            var damaged = whole
            damaged[offset] ^= 0xA5
            do {
                let image = try ImageCodecs.decode(damaged, file: file)
                #expect(image.channels == original.channels)
            } catch {
                rejected += 1
                #expect(error.description.hasPrefix(file + ": "))
            }
        }
        #expect(rejected > 0)
    }

    @Test func bombIsRefusedAtTheDefaultLimit() {
        expectRejected(Goldens.path("fixtures/pngsuite/bomb-100000x100000.png"), mentioning: "100000×100000")
    }

    @Test func limitIsInclusive() throws {
        let path = Goldens.path("fixtures/pngsuite/basn0g08.png")  // 32×32
        expectRejected(path, mentioning: "limit", limits: ImageLimits(maxPixels: 1023))
        #expect(try ImageCodecs.read(path: path, limits: ImageLimits(maxPixels: 1024)).width == 32)
    }

    @Test func missingAndForeignFilesAreNamed() throws {
        expectRejected(Goldens.path("fixtures/pngsuite/no-such-file.png"), mentioning: "no such file")
        expectRejected(Goldens.path("fixtures/pngsuite/README"), mentioning: "neither a PNG nor a JPEG")
    }
}
