import Foundation
import Testing
@testable import Report

/// Parity with pytorch-grad-cam's show_cam_on_image on OpenCV; goldens by scripts/goldens/show_cam_on_image.py.
@Suite struct DrawingGradCAMParityTests {
    struct Golden: Decodable {
        let width: Int, height: Int, mapWidth: Int, mapHeight: Int
        let image: [Float], map: [Float], resized: [Float]
        let outputs: [String: [Int]]
    }

    static let golden: Golden = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try! Data(contentsOf: root.appendingPathComponent("fixtures/report/show_cam_on_image.json"))
        return try! JSONDecoder().decode(Golden.self, from: data)
    }()

    @Test func mapIsEnlargedAsCv2ResizeDoes() {
        let g = Self.golden
        let resized = BilinearResampler.resize(g.map, width: g.mapWidth, height: g.mapHeight, toWidth: g.width, toHeight: g.height)
        let worst = zip(resized, g.resized).map { abs($0 - $1) }.max() ?? 1
        #expect(worst < 1e-6)
    }

    @Test(arguments: Colormap.allCases)
    func overlayMatchesShowCamOnImage(colormap: Colormap) {
        let g = Self.golden
        let drawing = HeatmapOverlay(rgb: g.image, width: g.width, height: g.height, map: g.map, mapWidth: g.mapWidth,
                                     mapHeight: g.mapHeight, colormap: colormap)
        let canvas = drawing.render(scale: 1)
        var ours: [Int] = []
        for y in 0..<g.height { for x in 0..<g.width { ours += rgb(canvas.pixel(x: x, y: y)).map(Int.init) } }
        let expected = g.outputs[colormap.rawValue]!
        let differences = zip(ours, expected).map { abs($0 - $1) }
        let worst = differences.max()!, off = differences.filter { $0 > 0 }.count
        print("\(colormap): worst \(worst), \(off) of \(differences.count) samples differ")
        #expect(worst <= 0)
    }
}
