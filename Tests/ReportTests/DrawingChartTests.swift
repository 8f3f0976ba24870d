import Datasets
import Foundation
import Testing
@testable import Report

@Suite struct DrawingChartTests {
    static func decay(_ count: Int, every: Int, start: Double, floor: Double, rate: Double) -> [(x: Double, y: Double)] {
        (0...count).map { i -> (x: Double, y: Double) in
            let y: Double = start * exp(-Double(i) / rate) + floor
            return (x: Double(i * every), y: y)
        }
    }

    static let loss = LineChart(title: "Loss", xLabel: "Step", yLabel: "Loss", series: [
        LineChart.Series(name: "train", points: decay(200, every: 10, start: 2.3, floor: 0.1, rate: 60)),
        LineChart.Series(name: "validation", points: decay(20, every: 100, start: 2.3, floor: 0.25, rate: 6)),
    ])

    @Test func lineChartDrawsEachSeriesInItsColour() {
        let canvas = Self.loss.render(scale: 2)
        #expect((canvas.pixelWidth, canvas.pixelHeight) == (960, 560))
        #expect(canvas.inkedPixels() > 5000)
        // A 1.75-pixel line at scale 2 is 3.5 device pixels wide: its core pixels are the exact series colour.
        #expect(canvas.count(of: LineChart.color(forSeries: 0)) > 300)
        #expect(canvas.count(of: LineChart.color(forSeries: 1)) > 300)
    }

    @Test func lineChartBreaksAtValuesItCannotShow() {
        let chart = LineChart(title: "", xLabel: "", yLabel: "", series: [
            .init(name: "a", points: [(0, 1), (1, .nan), (2, 3), (3, -1), (4, 0.5)]),
        ], logY: true)
        let canvas = chart.render(scale: 1)  // must not trap, and draws the finite positive points
        #expect(canvas.inkedPixels() > 100)
        let empty = LineChart(title: "Nothing", xLabel: "x", yLabel: "y", series: []).render(scale: 1)
        #expect(empty.inkedPixels() > 0)  // axes and a "no data" note
    }

    @Test func ticksFallOnRoundNumbers() {
        #expect(Ticks.linear(0, 0.93) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(Ticks.linear(3, 2017) == [0, 500, 1000, 1500, 2000, 2500])
        #expect(Ticks.linear(0.1, 0.1).count >= 2)
        #expect(Ticks.logarithmic(0.003, 40) == [0.001, 0.01, 0.1, 1, 10, 100])
        #expect(Ticks.logarithmic(2e-9, 3e4).count <= 8)
        #expect(Ticks.logarithmic(0.2, 0.7) == [0.2, 0.5, 1])
        #expect(Ticks.logarithmic(0.18, 2.56) == [0.1, 0.2, 0.5, 1, 2, 5])
        #expect(Ticks.label(0.4, among: [0, 0.2, 0.4]) == "0.4")
        #expect(Ticks.label(20000, among: [0, 10000, 20000]) == "20k")
        #expect(Ticks.label(0.0003, among: [0, 0.0001, 0.0002, 0.0003]) == "3e-4")
        #expect(Ticks.label(-1, among: [-1, 0, 1]) == "−1")
        #expect(Ticks.label(2e12, among: [0, 1e12, 2e12]) == "2e12")
        #expect(Ticks.label(2_500_000, among: [0, 2_500_000, 5_000_000]) == "2.5M")
        #expect(Ticks.linear(0, 3, integral: true) == [0, 1, 2, 3])  // iterations: never "0.5"
        #expect(Ticks.linear(2, 2, integral: true) == [1, 2, 3])
        let accuracy = Ticks.linear(0.9981, 0.9987)
        #expect(accuracy.map { Ticks.label($0, among: accuracy) } == ["0.998", "0.9982", "0.9984", "0.9986", "0.9988"])
        #expect(Ticks.logLabel(0.001) == "0.001" && Ticks.logLabel(1e-5) == "1e-5" && Ticks.logLabel(100) == "100")
    }

    @Test func barsTakeTheirErrorTypeColour() {
        let chart = BarChart(title: "dAP by error type", bars: [("Cls", 3.1), ("Loc", 6.4), ("Both", 0.4), ("Dupe", 0.2),
                                                                ("Bkg", 2.2), ("Miss", 4.9)])
        let canvas = chart.render(scale: 1)
        for type in ["Cls", "Loc", "Bkg", "Miss"] {
            #expect(canvas.count(of: ErrorPalette.color(for: .error(type))) > 100, "\(type)")
        }
        // The tallest bar (Loc) is taller than the next (Miss).
        #expect(canvas.count(of: ErrorPalette.color(for: .error("Loc"))) > canvas.count(of: ErrorPalette.color(for: .error("Miss"))))
    }

    @Test func confusionCellsAreShadedByTheirShareOfTheRow() {
        let chart = ConfusionMatrixChart(labels: ["circle", "square", "triangle"], counts: [[8, 2, 0], [0, 10, 0], [1, 1, 2]])
        let canvas = chart.render(scale: 1)
        #expect(canvas.count(of: ColorScale.blues(1)) > 100)  // square, row all on the diagonal
        #expect(canvas.count(of: ColorScale.blues(0.8)) > 100)
        #expect(canvas.count(of: ColorScale.blues(0.5)) > 100)
        let many = ConfusionMatrixChart(labels: (0..<80).map { "class \($0)" }, counts: (0..<80).map { r in (0..<80).map { $0 == r ? 50 : 1 } })
        #expect(many.size.width < 1000)
        let sized = ConfusionMatrixChart(labels: ["a", "b"], counts: [[1, 0], [0, 1]], width: 300)
        #expect(abs(sized.size.width - 300) <= 1)
    }

    @Test func statusCellsTakeTheirStatusColour() {
        let chart = StatusMatrixChart(cases: ["img_0001 #3 Loc", "img_0042 #1 Miss", "a case name far too long to show whole"],
                                      iterations: ["iter-1", "iter-2", "iter-3"],
                                      statuses: [["new", "still failing", "fixed"], [nil, "new", "newly broken"], ["passing", "passing", "passing"]])
        let canvas = chart.render(scale: 1)
        for status in ["new", "still failing", "fixed", "newly broken", "passing"] {
            #expect(canvas.count(of: ErrorPalette.color(forStatus: status)) > 60, "\(status)")
        }
        #expect(ErrorPalette.color(forStatus: "failing") == ErrorPalette.color(forStatus: "still failing"))
        #expect(ErrorPalette.color(forStatus: "something else") == ErrorPalette.unknown)
    }

    @Test func gradientStripMarksNonFiniteNormsAndUsesALogScale() {
        let strip = GradientNormStrip(layers: ["conv1.weight", "layer1.0.conv1.weight", "fc.weight"], steps: Array(stride(from: 0, to: 100, by: 10)),
                                      norms: [(0..<10).map { pow(10, Double($0) / 3) }, (0..<10).map { _ in 0.01 }, (0..<10).map { $0 == 7 ? .nan : 1 }])
        let canvas = strip.render(scale: 1)
        #expect(canvas.count(of: GradientNormStrip.nonFinite) > 20)
        #expect(canvas.count(of: ColorScale.viridis(0)) > 100)  // the 0.01 row is the smallest norm
        #expect(strip.size.height > 3 * 14)
    }

    static func galleryMask() -> [UInt8] {
        (0..<(128 * 96)).map { (i: Int) -> UInt8 in
            let (x, y) = (i % 128, i / 128)
            if x < 4 { return 255 }
            if (x - 64) * (x - 64) + (y - 48) * (y - 48) < 900 { return 1 }
            return x > 90 && y > 60 ? 2 : 0
        }
    }

    static func gallery() -> [(String, any Drawing)] {
        let image = DrawingFixtures.gradient(width: 128, height: 96)
        var drawings: [(String, any Drawing)] = []
        let map: [Float] = (0..<49).map { Float($0) / 48 }
        drawings.append(("heatmap", HeatmapOverlay(image: image, map: map, mapWidth: 7, mapHeight: 7, minSide: 256)))
        drawings.append(("heatmap-scale", HeatmapScale(colormap: .jet, lowLabel: "ignored", highLabel: "looked at")))
        let boxes: [LabelledBox] = [
            LabelledBox(box: [10, 20, 50, 40], label: "circle", role: .groundTruth),
            LabelledBox(box: [14, 18, 50, 44], label: "circle 0.92", role: .truePositive),
            LabelledBox(box: [70, 8, 40, 30], label: "square 0.61 · Cls", role: .error("Cls")),
            LabelledBox(box: [80, 60, 30, 30], label: "triangle", role: .error("Miss")),
            LabelledBox(box: [2, 70, 20, 20], label: "a very long class name indeed 0.33 · Bkg", role: .error("Bkg")),
        ]
        drawings.append(("boxes", AnnotatedImage(image: image, boxes: boxes, minSide: 384)))
        drawings.append(("mask", MaskOverlay(image: image, mask: galleryMask(), classNames: ["background", "circle", "square"], minSide: 256)))
        drawings.append(("loss", loss))
        let lr: [(x: Double, y: Double)] = (0...300).map { (s: Int) -> (x: Double, y: Double) in
            (x: Double(s), y: 3e-4 * 0.5 * (1 + cos(Double.pi * Double(s) / 300)))
        }
        drawings.append(("lr", LineChart(title: "Learning rate", xLabel: "Step", yLabel: "lr", series: [.init(name: "lr", points: lr)])))
        drawings.append(("loss-log", LineChart(title: "Loss (log)", xLabel: "Step", yLabel: "Loss", series: loss.series, logY: true)))
        let layers = ["stem.conv.weight", "stage1.block0.conv1.weight", "stage1.block0.conv2.weight",
                      "stage2.block0.downsample.0.weight", "head.fc.weight"]
        let norms: [[Double]] = (0..<5).map { (l: Int) -> [Double] in
            (0...80).map { (s: Int) -> Double in l == 3 && s == 60 ? .infinity : pow(10, Double(l) - 2 + sin(Double(s) / 9)) }
        }
        drawings.append(("grad", GradientNormStrip(layers: layers, steps: Array(stride(from: 0, through: 2000, by: 25)), norms: norms)))
        drawings.append(("dap", BarChart(title: "dAP by error type",
                                         bars: [("Cls", 3.12), ("Loc", 6.4), ("Both", 0.41), ("Dupe", 0.2), ("Bkg", 2.2), ("Miss", 4.93)])))
        let counts: [[Int]] = [[0, 3, 1, 4, 0], [2, 88, 3, 1, 0], [1, 5, 71, 9, 2], [6, 0, 12, 60, 1], [0, 1, 0, 2, 40]]
        drawings.append(("confusion", ConfusionMatrixChart(labels: ["background", "circle", "square", "triangle", "star"], counts: counts)))
        let many: [[Int]] = (0..<40).map { (r: Int) -> [Int] in (0..<40).map { (c: Int) -> Int in c == r ? 40 + r : (c * 7 + r * 3) % 11 == 0 ? 3 : 0 } }
        drawings.append(("confusion-many", ConfusionMatrixChart(labels: (0..<40).map { "category number \($0)" }, counts: many)))
        let circle: [Double] = (0...100).map { 1 - pow(Double($0) / 100, 4) }
        let square: [Double] = (0...100).map { $0 > 80 ? 0 : 0.9 - 0.3 * Double($0) / 100 }
        let undefined = [Double](repeating: -1, count: 101)
        drawings.append(("pr", PrecisionRecallChart(curves: [("circle", circle), ("square", square), ("empty class", undefined)])))
        let statuses: [[String?]] = [["new", "still failing", "fixed"], [nil, "new", "newly broken"],
                                     ["new", "fixed", "passing"], ["new", "still failing", "still failing"]]
        drawings.append(("status", StatusMatrixChart(cases: ["img_0001 #3 Loc", "img_0042 #1 Miss", "img_0107 #2 Cls",
                                                             "a case name far too long to show whole"],
                                                     iterations: ["2026-11-28-a", "2026-11-28-b", "2026-11-29"], statuses: statuses)))
        drawings += shapesFixtureDrawings()
        return drawings
    }

    /// The committed shapes fixture as the report shows it: a detection image with ground truth and made-up
    /// predictions, and a segmentation image with its mask.
    static func shapesFixtureDrawings() -> [(String, any Drawing)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shapes = root.appendingPathComponent("fixtures/shapes")
        guard let detection = try? ImageCodecs.read(path: shapes.appendingPathComponent("detection/images/0007.png").path),
              let picture = try? ImageCodecs.read(path: shapes.appendingPathComponent("segmentation/images/0001.png").path),
              let mask = try? SegmentationMask.read(path: shapes.appendingPathComponent("segmentation/masks/0001.png").path)
        else { return [] }
        let boxes = [
            LabelledBox(box: [43, 24, 54, 54], label: "square", role: .groundTruth),
            LabelledBox(box: [74, 79, 46, 45], label: "square", role: .groundTruth),
            LabelledBox(box: [60, 24, 33, 38], label: "triangle", role: .groundTruth),
            LabelledBox(box: [13, 109, 8, 8], label: "triangle · Miss", role: .error("Miss")),
            LabelledBox(box: [44, 26, 52, 51], label: "square 0.97", role: .truePositive),
            LabelledBox(box: [70, 84, 44, 40], label: "square 0.88 · Loc", role: .error("Loc")),
            LabelledBox(box: [58, 28, 36, 34], label: "circle 0.41 · Cls", role: .error("Cls")),
        ]
        return [("shapes-boxes", AnnotatedImage(image: detection, boxes: boxes, maxSide: 384, minSide: 384)),
                ("shapes-mask", MaskOverlay(image: picture, mask: mask,
                                            classNames: ["background", "square", "rectangle", "circle", "ellipse", "triangle"],
                                            maxSide: 256, minSide: 256))]
    }

    /// Set FOVEA_DRAWING_GALLERY to a folder to look at every drawing (used while designing them).
    @Test func galleryOfEveryDrawingRendersNonBlank() throws {
        let gallery = ProcessInfo.processInfo.environment["FOVEA_DRAWING_GALLERY"]
        for (name, drawing) in Self.gallery() {
            let canvas = drawing.render(scale: 2)
            #expect(canvas.pixelWidth == 2 * drawing.size.width && canvas.pixelHeight == 2 * drawing.size.height, "\(name)")
            #expect(canvas.inkedPixels() > canvas.pixelWidth * canvas.pixelHeight / 50, "\(name) is nearly blank")
            if let gallery { try canvas.writePNG(to: "\(gallery)/\(name).png") }
        }
    }
}
