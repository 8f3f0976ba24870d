import Datasets
import Foundation
import Testing
@testable import Report

@Suite struct DrawingCanvasTests {
    @Test func hiDPICanvasHasScaledPixelDimensions() {
        let canvas = Canvas(width: 30, height: 20, scale: 2)
        #expect((canvas.pixelWidth, canvas.pixelHeight) == (60, 40))
        #expect((canvas.width, canvas.height) == (30, 20))
        #expect(rgb(canvas.pixel(x: 59, y: 39)) == [255, 255, 255])
    }

    @Test func pixelsComeBackInRGBOrder() {
        let canvas = Canvas(width: 4, height: 1, scale: 1)
        canvas.fillRect(x: 0, y: 0, width: 1, height: 1, color: RGBColor(hex: 0xFF0000))
        canvas.fillRect(x: 1, y: 0, width: 1, height: 1, color: RGBColor(hex: 0x00FF00))
        canvas.fillRect(x: 2, y: 0, width: 1, height: 1, color: RGBColor(hex: 0x0000FF))
        canvas.fillRect(x: 3, y: 0, width: 1, height: 1, color: RGBColor(hex: 0x123456))
        #expect(rgb(canvas.pixel(x: 0, y: 0)) == [255, 0, 0])
        #expect(rgb(canvas.pixel(x: 1, y: 0)) == [0, 255, 0])
        #expect(rgb(canvas.pixel(x: 2, y: 0)) == [0, 0, 255])
        #expect(rgb(canvas.pixel(x: 3, y: 0)) == [0x12, 0x34, 0x56])
        #expect(canvas.pixel(x: 3, y: 0).a == 255)
    }

    @Test func transparentCanvasUnpremultipliesItsPixels() {
        let canvas = Canvas(width: 2, height: 1, scale: 1, background: nil)
        canvas.fillRect(x: 0, y: 0, width: 1, height: 1, color: RGBColor(hex: 0xFF8000), alpha: 0.5)
        let p = canvas.pixel(x: 0, y: 0)
        #expect(p.a == 128)
        #expect(p.r == 255)
        #expect(abs(Int(p.g) - 128) <= 1)
        #expect(p.b == 0)
        #expect(canvas.pixel(x: 1, y: 0) == (0, 0, 0, 0))
    }

    /// Datasets' libpng decoder reads back exactly what `pixel(x:y:)` reports, for opaque and transparent canvases.
    @Test(arguments: [true, false])
    func pngRoundTripThroughTheDatasetsDecoder(opaque: Bool) throws {
        // The image leaves the right third of the canvas empty (transparent when there is no background).
        let canvas = Canvas(width: 36, height: 16, scale: 2, background: opaque ? .white : nil)
        AnnotatedImage(image: DrawingFixtures.gradient(width: 12, height: 8),
                       boxes: [LabelledBox(box: [2, 2, 6, 4], label: "cat", role: .error("Loc"))], minSide: 24).draw(on: canvas)
        canvas.fillRect(x: 0, y: 0, width: 5, height: 5, color: RGBColor(hex: 0x3366CC), alpha: 0.4)
        let decoded = try ImageCodecs.decode(try canvas.pngData(), file: "canvas.png")
        #expect((decoded.width, decoded.height) == (72, 32))
        #expect(decoded.layout == (opaque ? .rgb : .rgba))
        var mismatches = 0
        for y in 0..<32 {
            for x in 0..<72 {
                let p = canvas.pixel(x: x, y: y)
                let expected = opaque ? [p.r, p.g, p.b] : [p.r, p.g, p.b, p.a]
                let got = (0..<decoded.channels).map { UInt8(decoded.sample(x: x, y: y, channel: $0)) }
                if got != expected { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func writePNGLeavesOnlyTheFinishedFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-canvas-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("chart.png").path
        let canvas = Canvas(width: 10, height: 10, scale: 1)
        try canvas.writePNG(to: path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["chart.png"])
        #expect(try ImageCodecs.read(path: path).width == 10)
        #expect(throws: DrawingError.self) { try canvas.writePNG(to: folder.appendingPathComponent("missing/x.png").path) }
    }

    @Test func longTextIsCutWithAnEllipsisToFit() {
        let canvas = Canvas(width: 100, height: 20, scale: 1)
        canvas.setFont(size: 10)
        let label = "a rather long class name that cannot fit"
        let shown = canvas.fitted(label, maxWidth: 60)
        #expect(shown.hasSuffix("…"))
        #expect(canvas.textWidth(shown) <= 60)
        #expect(label.hasPrefix(String(shown.dropLast())))
        #expect(canvas.fitted("cat", maxWidth: 60) == "cat")
    }

    @Test func textIsDrawnInDejaVuSans() {
        // The toy API falls back silently; a different face would give a different advance.
        let canvas = Canvas(width: 10, height: 10, scale: 1)
        canvas.setFont(size: 100)
        // DejaVu Sans's advance for "M" is 1767/2048 em.
        #expect(abs(canvas.textWidth("M") - 100 * 1767 / 2048) < 0.5)
    }
}
