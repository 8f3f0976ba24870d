import Datasets
import Foundation
import Testing

/// `ImageCodecs.size` reads width and height from the header alone; it must agree with Pillow's goldens for every
/// PNG and JPEG fixture that decodes, and refuse what is no image with the file's name.
@Suite struct ImageSizeTests {
    static let decodable = Goldens.png.filter { $0.value.width != nil }.keys.map { "pngsuite/\($0)" }
        + Goldens.jpeg.filter { $0.value.width != nil }.keys.map { "jpeg/\($0)" }

    @Test func everyDecodableFixtureIsListed() { #expect(Self.decodable.count == 66) }

    @Test(arguments: decodable.sorted())
    func sizeFromTheHeaderIsPillowsSize(name: String) throws {
        let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
        let (folder, file) = (parts[0], parts[1])
        let expected = try #require((folder == "jpeg" ? Goldens.jpeg : Goldens.png)[file])
        let size = try ImageCodecs.size(path: Goldens.path("fixtures/\(name)"))
        #expect(size.width == expected.width && size.height == expected.height)
    }

    /// Two 40 kB comment segments after the start marker push a JPEG's frame header past the 64 KiB read first.
    @Test func aHeaderPastTheFirstReadIsFoundInTheWholeFile() throws {
        let source = try Data(contentsOf: URL(fileURLWithPath: Goldens.path("fixtures/jpeg/rgb-420.jpg")))
        let comment = Data([0xFF, 0xFE, 0x9C, 0x42]) + Data(repeating: 0x20, count: 0x9C42 - 2)
        let padded = source.prefix(2) + comment + comment + source.dropFirst(2)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-size-far-\(getpid()).jpg").path
        try padded.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(2 + 2 * comment.count > 1 << 16, "the frame header starts past the first read")
        let size = try ImageCodecs.size(path: path)
        #expect(size.width == 40 && size.height == 24)
        #expect(try ImageCodecs.read(path: path).width == 40, "the padded file is still a valid JPEG")
    }

    @Test func aFileThatIsNoImageIsRefusedByName() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-size-\(getpid()).png").path
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { _ = try ImageCodecs.size(path: path) } throws: { ($0 as? ImageCodecError)?.file == path }
        #expect { _ = try ImageCodecs.size(path: path + ".missing") } throws: { "\($0)".contains("no such file") }
    }
}
