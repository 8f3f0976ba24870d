import Datasets
import Foundation
import Testing

@Suite struct PreprocessingTests {
    static func plane(_ rows: [[Float]]) -> PlanarImage {
        PlanarImage(width: rows[0].count, height: rows.count, channels: 1, values: rows.flatMap { $0 })
    }

    static func expectClose(_ actual: PlanarImage, _ expected: [[Float]], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.width == expected[0].count && actual.height == expected.count, sourceLocation: sourceLocation)
        for (a, e) in zip(actual.values, expected.flatMap { $0 }) {
            #expect(abs(a - e) < 1e-4, "\(actual.values) vs \(expected)", sourceLocation: sourceLocation)
        }
    }

    /// Reference values from OpenCV 5 (cv2.resize with INTER_AREA, then INTER_LINEAR).
    @Test func shrinkingAveragesAreasAndEnlargingInterpolates() {
        let source = Self.plane([[0, 3, 6, 9, 12], [1, 5, 2, 8, 4], [7, 7, 0, 1, 3]])
        Self.expectClose(Resize.resize(source, width: 3, height: 2), [[1.6666667, 5.266667, 9.066668], [5.533334, 2.3333335, 3.3333335]])
        let small = Self.plane([[0, 4, 8], [2, 6, 1]])
        Self.expectClose(Resize.resize(small, width: 7, height: 5), [
            [0.0, 0.5714286, 2.2857144, 4.0, 5.714286, 7.4285717, 8.0],
            [0.2, 0.7714286, 2.4857144, 4.2, 5.5285716, 6.857143, 7.3],
            [1.0, 1.5714285, 3.2857141, 5.0, 4.785714, 4.571429, 4.5],
            [1.8, 2.3714285, 4.0857143, 5.8, 4.042857, 2.2857146, 1.7],
            [2.0, 2.5714285, 4.285714, 6.0, 3.857143, 1.7142856, 1.0],
        ])
    }

    @Test func channelStatisticsComeFromThePixels() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let black = try folder.file("black.png", try ImageCodecs.encodePNG(Image(width: 2, height: 1, layout: .rgb, pixels: [0, 0, 0, 0, 0, 0])))
        let mixed = try folder.file("mixed.png", try ImageCodecs.encodePNG(Image(width: 2, height: 1, layout: .rgb, pixels: [255, 0, 51, 255, 0, 51])))
        let statistics = try ChannelStatistics.compute(paths: [black, mixed])
        #expect(statistics.mean.map { ($0 * 1e6).rounded() / 1e6 } == [0.5, 0, 0.1])
        #expect(statistics.std.map { ($0 * 1e6).rounded() / 1e6 } == [0.5, 0, 0.1])
        let normalized = statistics.normalize(PlanarImage(width: 1, height: 1, channels: 3, values: [1, 0.5, 0.1]))
        #expect(normalized.values.map { ($0 * 1e4).rounded() / 1e4 } == [1, 0.5, 0])  // a zero std divides by 1
        #expect(throws: ImageCodecError.self) {
            try ChannelStatistics.compute(paths: [black, Goldens.path("fixtures/pngsuite/basn0g08.png")], rgb: false)
        }
    }

    @Test func planarConversionRoundTrips() throws {
        let image = try ImageCodecs.read(path: Goldens.path("fixtures/pngsuite/basn6a08.png"))
        let planar = PlanarImage(image)
        #expect(planar.channels == 4 && planar[3, 0, 0] == Float(image.sample(x: 0, y: 0, channel: 3)) / 255)
        #expect(planar.image() == image)
    }
}
