import Datasets
import Testing
@testable import Report

@Suite struct DrawingImageTests {
    /// pytorch-grad-cam compatibility: at scale 1 with the map at the image's size, the drawing is
    /// show_cam_on_image's output (Colormap.overlay), pixel for pixel.
    @Test(arguments: Colormap.allCases)
    func rampOverBlackEqualsShowCamOnImage(colormap: Colormap) {
        let (w, h) = (64, 8)
        let map = DrawingFixtures.ramp(width: w, height: h)
        let black = DrawingFixtures.solid(width: w, height: h, (0, 0, 0))
        let canvas = HeatmapOverlay(image: black, map: map, mapWidth: w, mapHeight: h, colormap: colormap).render(scale: 1)
        let expected = colormap.overlay(image: [Float](repeating: 0, count: 3 * w * h), map: map)
        #expect((canvas.pixelWidth, canvas.pixelHeight) == (w, h))
        var mismatches = 0
        for y in 0..<h { for x in 0..<w where rgb(canvas.pixel(x: x, y: y)) != Array(expected[3 * (y * w + x)..<3 * (y * w + x) + 3]) { mismatches += 1 } }
        #expect(mismatches == 0)
        // Jet runs from blue to red across the ramp: red and blue must not be swapped.
        if colormap == .jet {
            #expect(canvas.pixel(x: 0, y: 0).b > 100 && canvas.pixel(x: 0, y: 0).r == 0)
            #expect(canvas.pixel(x: w - 1, y: 0).r > 100 && canvas.pixel(x: w - 1, y: 0).b == 0)
        }
    }

    /// What `fovea cam --overlay` writes: the PNG at scale 1 decodes to show_cam_on_image's pixels exactly.
    @Test func pngAtScaleOneHoldsExactlyTheBlendedPixels() throws {
        let (w, h) = (24, 16)
        let image: [Float] = (0..<(3 * w * h)).map { Float(($0 * 37) % 101) / 100 }
        let map: [Float] = (0..<(w * h)).map { Float(($0 * 13) % 64) / 63 }
        let png = try HeatmapOverlay(rgb: image, width: w, height: h, map: map, mapWidth: w, mapHeight: h, colormap: .turbo,
                                     imageWeight: 0.3).png(scale: 1)
        let decoded = try ImageCodecs.decode(png, file: "overlay.png")
        #expect(decoded.layout == .rgb && decoded.width == w && decoded.height == h)
        #expect(decoded.eightBitSamples() == Colormap.turbo.overlay(image: image, map: map, imageWeight: 0.3))
    }

    /// The key under a heat map runs through the overlay's own colours: its ends are the table's ends.
    @Test func heatmapScaleShowsTheOverlayColours() {
        let canvas = HeatmapScale(colormap: .jet, width: 256).render(scale: 1)
        let table = Colormap.jet.opencvTable
        #expect(rgb(canvas.pixel(x: 0, y: 5)) == Array(table[0..<3]))
        #expect(rgb(canvas.pixel(x: 255, y: 5)) == Array(table[765..<768]))
        #expect(rgb(canvas.pixel(x: 128, y: 5)) == Array(table[384..<387]))
    }

    @Test func sixteenBitGrayGivesTheSamePictureAsEightBitRGB() {
        let (w, h) = (16, 16)
        let levels = (0..<(w * h)).map { UInt8($0 % 256) }
        let gray16 = Image(width: w, height: h, layout: .gray, samples: .uint16(levels.map { UInt16($0) * 257 }))
        let rgb8 = Image(width: w, height: h, layout: .rgb, pixels: levels.flatMap { [$0, $0, $0] })
        let map = DrawingFixtures.ramp(width: 4, height: 4)
        let a = HeatmapOverlay(image: gray16, map: map, mapWidth: 4, mapHeight: 4).blendedPixels(width: w, height: h)
        let b = HeatmapOverlay(image: rgb8, map: map, mapWidth: 4, mapHeight: 4).blendedPixels(width: w, height: h)
        #expect(a == b)
    }

    @Test func alphaIsCompositedOverWhite() {
        let image = Image(width: 2, height: 1, layout: .rgba, pixels: [255, 0, 0, 0, 0, 0, 255, 255])
        let canvas = AnnotatedImage(image: image, boxes: []).render(scale: 1)
        #expect(rgb(canvas.pixel(x: 0, y: 0)) == [255, 255, 255])  // fully transparent red shows the white behind
        #expect(rgb(canvas.pixel(x: 1, y: 0)) == [0, 0, 255])
        let grayAlpha = Image(width: 1, height: 1, layout: .grayAlpha, pixels: [0, 128])
        #expect(rgb(AnnotatedImage(image: grayAlpha, boxes: []).render(scale: 1).pixel(x: 0, y: 0)) == [127, 127, 127])
    }

    /// The map is enlarged as cv2.resize(INTER_LINEAR) does: centres aligned, borders clamped.
    @Test func mapResizeFollowsOpenCVBilinear() {
        let resized = BilinearResampler.resize([0, 1], width: 2, height: 1, toWidth: 4, toHeight: 1)
        #expect(resized == [0, 0.25, 0.75, 1])
        let shrunk = BilinearResampler.resize([0, 1, 2, 3], width: 4, height: 1, toWidth: 2, toHeight: 1)
        #expect(shrunk == [0.5, 2.5])
    }

    @Test func boxColoursExactlyItsBorderPixels() {
        let image = DrawingFixtures.solid(width: 40, height: 30, (0, 0, 0))
        let box = LabelledBox(box: [10, 12, 20, 10], label: "", role: .truePositive)
        let canvas = AnnotatedImage(image: image, boxes: [box]).render(scale: 1)
        let color = rgb(ErrorPalette.color(for: .truePositive))
        for y in 12..<22 {
            for x in 10..<30 {
                let onBorder = x < 12 || x >= 28 || y < 14 || y >= 20  // a 2-pixel border inside the box
                #expect(rgb(canvas.pixel(x: x, y: y)) == (onBorder ? color : [0, 0, 0]), "pixel (\(x), \(y))")
            }
        }
        // Nothing of the box's colour outside it.
        for (x, y) in [(9, 15), (30, 15), (20, 11), (20, 22), (0, 0)] { #expect(rgb(canvas.pixel(x: x, y: y)) != color) }
    }

    @Test func groundTruthIsDashedAndPredictionsSolid() {
        let image = DrawingFixtures.solid(width: 60, height: 20, (0, 0, 0))
        let gt = AnnotatedImage(image: image, boxes: [LabelledBox(box: [0, 0, 60, 20], label: "", role: .groundTruth)]).render(scale: 1)
        let green = rgb(ErrorPalette.color(for: .groundTruth))
        let bottomRow = (0..<60).map { rgb(gt.pixel(x: $0, y: 19)) == green }
        #expect(bottomRow.contains(true) && bottomRow.contains(false))  // gaps in the dashes
    }

    @Test func labelTagSitsAboveTheBoxInItsColour() {
        let image = DrawingFixtures.solid(width: 120, height: 80, (0, 0, 0))
        let box = LabelledBox(box: [20, 40, 60, 30], label: "dog 0.91 · Cls", role: .error("Cls"))
        let canvas = AnnotatedImage(image: image, boxes: [box]).render(scale: 2)
        let orange = ErrorPalette.color(for: .error("Cls")).bytes
        // The tag is 16 logical pixels tall directly above the box; its left padding is plain tag colour.
        let p = canvas.pixel(x: 2 * 21, y: 2 * 32)
        let blended = RGBColor.black.mixed(with: ErrorPalette.color(for: .error("Cls")), 0.9).bytes
        #expect(abs(Int(p.r) - Int(blended.r)) <= 1 && abs(Int(p.g) - Int(blended.g)) <= 1 && abs(Int(p.b) - Int(blended.b)) <= 1)
        #expect(orange.r > orange.b)
        // The tag has text in it: dark pixels inside the tag rectangle.
        var dark = 0
        for y in (2 * 25)..<(2 * 39) { for x in (2 * 24)..<(2 * 60) where canvas.pixel(x: x, y: y).r < 80 { dark += 1 } }
        #expect(dark > 40)
    }

    /// At scale 2 every logical pixel becomes a 2×2 block of the same colour: the same picture, twice as sharp.
    @Test func hiDPIRenderingIsTheSamePictureAtTwiceTheResolution() {
        let image = DrawingFixtures.gradient(width: 32, height: 24)
        let drawing = AnnotatedImage(image: image, boxes: [LabelledBox(box: [4, 6, 12, 10], label: "", role: .error("Bkg"))])
        let one = drawing.render(scale: 1), two = drawing.render(scale: 2)
        #expect((two.pixelWidth, two.pixelHeight) == (2 * one.pixelWidth, 2 * one.pixelHeight))
        var mismatches = 0
        for y in 0..<two.pixelHeight {
            for x in 0..<two.pixelWidth where rgb(two.pixel(x: x, y: y)) != rgb(one.pixel(x: x / 2, y: y / 2)) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func largeImagesShrinkToMaxSideAndKeepTheirAspect() {
        let drawing = HeatmapOverlay(image: DrawingFixtures.gradient(width: 400, height: 200), map: [0.2, 0.8], mapWidth: 2,
                                     mapHeight: 1, maxSide: 100)
        #expect(drawing.size == (100, 50))
        #expect(drawing.render(scale: 2).pixelWidth == 200)
        let small = AnnotatedImage(image: DrawingFixtures.gradient(width: 32, height: 16), boxes: [], minSide: 128)
        #expect(small.size == (128, 64))
    }

    @Test func maskOverlayLeavesIgnoreAndBackgroundPixelsUntouched() {
        let (w, h) = (8, 4)
        let image = DrawingFixtures.gradient(width: w, height: h)
        // Left quarter ignore, next background, then class 1, then class 2.
        let mask: [UInt8] = (0..<(w * h)).map { [255, 255, 0, 0, 1, 1, 2, 2][$0 % w] }
        let drawing = MaskOverlay(image: image, mask: mask, classNames: ["background", "circle", "square"], alpha: 0.5)
        let canvas = drawing.render(scale: 1)
        #expect(drawing.size.width == w && drawing.size.height > h)  // the legend sits below
        for y in 0..<h {
            for x in 0..<w {
                let original = (0..<3).map { UInt8(image.sample(x: x, y: y, channel: $0)) }
                let got = rgb(canvas.pixel(x: x, y: y))
                switch mask[y * w + x] {
                case 255, 0: #expect(got == original, "pixel (\(x), \(y))")
                case let k:
                    let c = MaskOverlay.color(forClass: Int(k))
                    let expected: [UInt8] = zip(original, [c.r, c.g, c.b]).map { (o: UInt8, v: Double) -> UInt8 in
                        UInt8((0.5 * Double(o) + 0.5 * v * 255).rounded())
                    }
                    #expect(zip(got, expected).allSatisfy { abs(Int($0) - Int($1)) <= 1 }, "pixel (\(x), \(y)): \(got) vs \(expected)")
                }
            }
        }
        #expect(MaskOverlay.color(forClass: 1) != MaskOverlay.color(forClass: 2))
    }

    /// A 2×2 mask over an 8×8 image: each label covers one 4×4 quarter.
    @Test func aSmallerMaskIsStretchedOverTheImage() {
        let image = DrawingFixtures.solid(width: 8, height: 8, (0, 0, 0))
        let mask = SegmentationMask(width: 2, height: 2, labels: [1, 255, 255, 2])
        let canvas = MaskOverlay(image: image, mask: mask, classNames: ["background", "a", "b"], alpha: 1, showsLegend: false)
            .render(scale: 1)
        #expect(canvas.pixelHeight == 8)
        for (x, y, label) in [(0, 0, 1), (3, 3, 1), (4, 0, 255), (0, 4, 255), (7, 7, 2), (4, 4, 2)] {
            let expected = label == 255 ? [0, 0, 0] : rgb(MaskOverlay.color(forClass: label))
            #expect(rgb(canvas.pixel(x: x, y: y)) == expected, "pixel (\(x), \(y))")
        }
    }

    @Test func boxesThatAreNotFourFiniteNumbersAreSkipped() {
        let image = DrawingFixtures.solid(width: 10, height: 10, (0, 0, 0))
        let canvas = AnnotatedImage(image: image, boxes: [LabelledBox(box: [1, 2, 3], label: "short", role: .truePositive),
                                                          LabelledBox(box: [1, .nan, 3, 3], label: "nan", role: .truePositive)])
            .render(scale: 1)
        for y in 0..<10 { for x in 0..<10 { #expect(rgb(canvas.pixel(x: x, y: y)) == [0, 0, 0]) } }
    }
}
