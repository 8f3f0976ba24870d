@testable import Datasets
import Foundation
import Testing

/// Geometric augmentations must move boxes and masks exactly as they move the pixels.
@Suite struct AugmentationTests {
    /// A 48×40 black image with a white 14×10 rectangle at (9, 7): its box, and its mask (class 1).
    static func rectangleScene() -> AnnotatedSample {
        let (width, height) = (48, 40)
        var image = PlanarImage(width: width, height: height, channels: 3)
        var labels = [UInt8](repeating: 0, count: width * height)
        for y in 7..<17 {
            for x in 9..<23 {
                for channel in 0..<3 { image[channel, y, x] = 1 }
                labels[y * width + x] = 1
            }
        }
        return AnnotatedSample(image: image, boxes: [LabeledBox(x: 9, y: 7, width: 14, height: 10, label: 1)],
                               mask: SegmentationMask(width: width, height: height, labels: labels))
    }

    /// Bright pixels and mask pixels coincide, and the box encloses them tightly (to `slack` pixels). A box may be
    /// dropped only when at most `droppedBelow` object pixels remain: 30 % (the pipeline's minimum visible share) of
    /// the rectangle's 140 pixels times the step's area magnification, plus edge slack.
    static func expectAligned(_ sample: AnnotatedSample, slack: Double, droppedBelow: Int = 50, _ context: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        let mask = try! #require(sample.mask, sourceLocation: sourceLocation)
        let plane = sample.image.width * sample.image.height
        let labelled = Set((0..<plane).filter { mask.labels[$0] == 1 })
        let bright = Set((0..<plane).filter { sample.image.values[$0] > 0.5 })
        let union = labelled.union(bright).count
        let agreement = union == 0 ? 1 : Double(labelled.intersection(bright).count) / Double(union)
        #expect(agreement > 0.85, "\(context): mask and pixels agree on \(agreement)", sourceLocation: sourceLocation)
        guard let box = sample.boxes.first else {
            #expect(labelled.count <= droppedBelow, "\(context): box dropped while \(labelled.count) mask pixels remain",
                    sourceLocation: sourceLocation)
            return
        }
        let xs = labelled.map { Double($0 % mask.width) }, ys = labelled.map { Double($0 / mask.width) }
        guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max() else {
            Issue.record("\(context): a box survived but no mask pixel did", sourceLocation: sourceLocation)
            return
        }
        #expect(abs(box.x - minX) <= slack && abs(box.y - minY) <= slack, "\(context): box \(box) vs mask from (\(minX), \(minY))",
                sourceLocation: sourceLocation)
        #expect(abs(box.x + box.width - (maxX + 1)) <= slack && abs(box.y + box.height - (maxY + 1)) <= slack,
                "\(context): box \(box) vs mask to (\(maxX + 1), \(maxY + 1))", sourceLocation: sourceLocation)
    }

    @Test func horizontalFlipIsExact() {
        let scene = Self.rectangleScene()
        let flipped = AugmentationPipeline(steps: [.horizontalFlip(probability: 1)]).apply(scene, seed: 0)
        #expect(flipped.boxes == [LabeledBox(x: 48 - 23, y: 7, width: 14, height: 10, label: 1)])
        for y in 0..<40 {
            for x in 0..<48 {
                #expect(flipped.image[0, y, x] == scene.image[0, y, 47 - x])
                #expect(flipped.mask!.label(x: x, y: y) == scene.mask!.label(x: 47 - x, y: y))
            }
        }
    }

    /// Flips and whole-pixel shifts take a copying path: it must give what bilinear sampling gives, bit for bit,
    /// filled or mirrored outside the image.
    @Test func pixelExactMapsCopyWhatSamplingReads() {
        var random = SeededGenerator(seed: 5)
        let image = PlanarImage(width: 7, height: 5, channels: 3, values: (0..<105).map { _ in Float(random.uniform(0, 1)) })
        let sample = AnnotatedSample(image: image, boxes: [])
        let maps = [AffineMap(a: -1, b: 0, c: 7, d: 0, e: 1, f: 0), AffineMap(a: 1, b: 0, c: 0, d: 0, e: -1, f: 5),
                    AffineMap(a: -1, b: 0, c: 7, d: 0, e: -1, f: 5), AffineMap(a: 1, b: 0, c: 3, d: 0, e: 1, f: -2)]
        for map in maps {
            #expect(map.inverse.pixelMoves != nil)
            for reflect in [false, true] {
                let warped = map.warp(sample, width: 7, height: 5, fill: 0.25, minVisible: 0.3, reflect: reflect)
                for channel in 0..<3 {
                    for y in 0..<5 {
                        for x in 0..<7 {
                            let source = map.inverse.apply(x: Double(x) + 0.5, y: Double(y) + 0.5)
                            let sampled = Sampling.bilinear(image, channel: channel, x: source.x - 0.5, y: source.y - 0.5, fill: 0.25,
                                                            reflect: reflect)
                            #expect(warped.image[channel, y, x] == sampled, "\(map) reflect \(reflect) at (\(x), \(y))")
                        }
                    }
                }
            }
        }
        #expect(AffineMap(a: 1, b: 0, c: 0.5, d: 0, e: 1, f: 0).pixelMoves == nil)
        #expect(AffineMap.rotation(degrees: 90, centerX: 3, centerY: 3).pixelMoves == nil)
    }

    @Test(arguments: [
        ("vertical flip", Augmentation.verticalFlip(probability: 1), 0.0, 50),
        ("rotation", .rotation(maxDegrees: 30, probability: 1), 2.5, 50),  // a rotated box encloses the rotated corners
        // Crops of at least 20 % of the area, resized to 32 × 32, magnify areas up to 1024 / 384 = 2.7 times.
        ("resized crop", .randomResizedCrop(width: 32, height: 32, minScale: 0.2, maxScale: 1, minRatio: 0.75, maxRatio: 1.33), 1.5, 120),
        ("elastic", .elastic(alpha: 3, sigma: 5, probability: 1), 0.0, 50),
        // Shrunk up to 2×: edges land between pixels (bilinear image, nearest masks).
        ("zoom-out", .zoomOut(maxScale: 2, probability: 1, reflect: false), 1.0, 50),
    ])
    func geometricStepsMoveBoxesAndMasksWithThePixels(name: String, step: Augmentation, slack: Double, droppedBelow: Int) {
        let pipeline = AugmentationPipeline(steps: [step])
        for seed in UInt64(0)..<12 {
            Self.expectAligned(pipeline.apply(Self.rectangleScene(), seed: seed), slack: slack, droppedBelow: droppedBelow,
                               "\(name), seed \(seed)")
        }
    }

    /// Zoom-out shrinks the frame by 1/r into a random place of the same size: the box scales by 1/r and stays inside,
    /// pixels outside the shrunk image read the fill, or with reflect the image mirrored at its edge, the mask alike.
    @Test func zoomOutShrinksIntoTheFrame() {
        let scene = Self.rectangleScene()
        var borderPixelsChecked = 0
        for seed in UInt64(0)..<8 {
            let filled = AugmentationPipeline(steps: [.zoomOut(maxScale: 3, probability: 1, reflect: false)], fill: 0.5).apply(scene, seed: seed)
            let box = try! #require(filled.boxes.first)
            let r = 14 / box.width
            #expect(r >= 1 && r <= 3 && abs(box.height - 10 / r) < 1e-9, "seed \(seed): \(box)")
            // Output pixel (x, y) reads source (x + ½ − left)·r, (y + ½ − top)·r; where both bilinear taps lie outside
            // the image (over half a pixel beyond its edge) it is pure fill.
            let (left, top) = (box.x - 9 / r, box.y - 7 / r)
            for (x, y) in [(0, 0), (47, 39), (0, 39), (47, 0)] {
                let sx = (Double(x) + 0.5 - left) * r, sy = (Double(y) + 0.5 - top) * r
                guard sx < -0.5 || sy < -0.5 || sx >= 48.5 || sy >= 40.5 else { continue }
                #expect(filled.image[0, y, x] == 0.5, "seed \(seed): border pixel (\(x), \(y)) reads the fill")
                borderPixelsChecked += 1
            }
            let mirrored = AugmentationPipeline(steps: [.zoomOut(maxScale: 3, probability: 1, reflect: true)]).apply(scene, seed: seed)
            #expect(mirrored.boxes == filled.boxes, "the same draw places the image alike")
            #expect(!mirrored.mask!.labels.contains(SegmentationMask.ignoreIndex), "a mirrored border is labelled, not ignored")
            // Mirrored copies of the rectangle may join it in the border, so the box is not their tight hull: only
            // pixels and mask are compared here.
            Self.expectAligned(mirrored, slack: 40, "zoom-out with reflection, seed \(seed)")
        }
        #expect(borderPixelsChecked >= 8)
        // Shrunk by 2 into the top-left corner, output pixel (36, 5) reads source (72.5, 10.5): columns 72 and 73
        // mirror about column 47 to 22 and 21, inside the rectangle (columns 9–22, rows 7–16), so a mirrored copy of it
        // shows there (pixels and mask); (30, 5) reads columns 60, 61 → 34, 33: background. Filled, both read the fill.
        let half = AffineMap(a: 0.5, b: 0, c: 0, d: 0, e: 0.5, f: 0)
        let mirroredHalf = half.warp(scene, width: 48, height: 40, fill: 0.5, minVisible: 0.3, reflect: true)
        let filledHalf = half.warp(scene, width: 48, height: 40, fill: 0.5, minVisible: 0.3)
        #expect(mirroredHalf.image[0, 5, 36] == 1 && mirroredHalf.image[0, 5, 30] == 0 && mirroredHalf.mask!.label(x: 36, y: 5) == 1)
        #expect(filledHalf.image[0, 5, 36] == 0.5 && filledHalf.mask!.label(x: 36, y: 5) == SegmentationMask.ignoreIndex)
        #expect((0..<8).map { Sampling.mirrored($0 - 3, 4) } == [3, 2, 1, 0, 1, 2, 3, 2])
    }

    @Test func boxesLeavingTheImageAreDropped() {
        // Tight crops of a 48×40 image often miss the rectangle; then its box must go, and with it the mask pixels.
        let pipeline = AugmentationPipeline(steps: [.randomResizedCrop(width: 24, height: 24, minScale: 0.08, maxScale: 0.1, minRatio: 1, maxRatio: 1)])
        let results = (UInt64(0)..<30).map { pipeline.apply(Self.rectangleScene(), seed: $0) }
        #expect(results.contains { $0.boxes.isEmpty } && results.contains { !$0.boxes.isEmpty })
        // Crops of 8–10 % of the area resized to 24 × 24 magnify areas up to 576 / 154 = 3.7 times.
        for (seed, result) in results.enumerated() { Self.expectAligned(result, slack: 1.5, droppedBelow: 165, "tight crop, seed \(seed)") }
    }

    @Test func colorJitterLeavesGeometryAlone() {
        var scene = Self.rectangleScene()
        scene.image.values = scene.image.values.map { $0 * 0.5 + 0.25 }  // mid-tones, so no factor is lost to clamping
        let jittered = AugmentationPipeline(steps: [.colorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.4, probability: 1)]).apply(scene, seed: 3)
        #expect(jittered.boxes == scene.boxes && jittered.mask == scene.mask)
        #expect(zip(jittered.image.values, scene.image.values).filter { $0 != $1 }.count > 1000)
        #expect(jittered.image.values.allSatisfy { (0...1).contains($0) })
    }

    @Test func pipelinesAreDeterministicPerSeed() throws {
        let pipeline = AugmentationPipeline.defaults(for: .segmentation)
        let scene = Self.rectangleScene()
        #expect(pipeline.apply(scene, seed: 5) == pipeline.apply(scene, seed: 5))
        #expect((UInt64(0)..<8).map { pipeline.apply(scene, seed: $0) }.contains { $0 != pipeline.apply(scene, seed: 5) })
        let json = try JSONEncoder().encode(pipeline)
        #expect(try JSONDecoder().decode(AugmentationPipeline.self, from: json) == pipeline)
    }
}
