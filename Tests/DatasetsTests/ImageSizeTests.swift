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

    @Test func aFileThatIsNoImageIsRefusedByName() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-size-\(getpid()).png").path
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { _ = try ImageCodecs.size(path: path) } throws: { ($0 as? ImageCodecError)?.file == path }
        #expect { _ = try ImageCodecs.size(path: path + ".missing") } throws: { "\($0)".contains("no such file") }
    }
}
