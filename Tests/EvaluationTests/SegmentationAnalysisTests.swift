import Testing
@testable import Evaluation

/// Constructed label maps for the segmentation taxonomy (8×8, classes 0 = background, 1, 2).
@Suite struct SegmentationAnalysisTests {
    static let size = 8

    /// A map of `fill` with the given rectangles (inclusive bounds) painted in order.
    static func map(_ fill: Int = 0, _ boxes: [(x0: Int, y0: Int, x1: Int, y1: Int, value: Int)]) -> [Int] {
        var m = [Int](repeating: fill, count: size * size)
        for b in boxes { for y in b.y0...b.y1 { for x in b.x0...b.x1 { m[y * size + x] = b.value } } }
        return m
    }

    static let truth = map(0, [(1, 1, 3, 3, 1), (5, 5, 6, 6, 2)])
    // Class 1 found exactly; the class-2 square predicted as class 1; a stray class-2 blob top right.
    static let prediction = map(0, [(1, 1, 3, 3, 1), (5, 5, 6, 6, 1), (6, 0, 7, 0, 2)])

    func analysis(tolerance: Int = 1) throws -> SegmentationAnalysis {
        var a = SegmentationAnalysis(classCount: 3, boundaryTolerance: tolerance)
        try a.add(groundTruth: Self.truth, prediction: Self.prediction, width: Self.size, height: Self.size)
        return a
    }

    @Test func pixelConfusionIoUAndDice() throws {
        let a = try analysis()
        #expect(a.confusion == [49, 0, 2,
                                0, 9, 0,
                                0, 4, 0])
        #expect(a.iou(classId: 1) == 9.0 / 13.0)
        #expect(a.dice(classId: 1) == 18.0 / 22.0)
        #expect(a.iou(classId: 2) == 0)
        #expect(a.iou(classId: 0) == 49.0 / 51.0)
        #expect(abs(a.meanIoU - (49.0 / 51.0 + 9.0 / 13.0) / 3) < 1e-12)
    }

    @Test func regionTaxonomy() throws {
        let a = try analysis()
        let truthRegions = a.regions.filter(\.isGroundTruth), predictedRegions = a.regions.filter { !$0.isGroundTruth }
        #expect(truthRegions.map(\.status) == [.matched, .matched, .classConfusion])  // background, class 1, class 2
        #expect(truthRegions.map(\.pixelCount) == [51, 9, 4])
        // Prediction regions in raster order of first pixel: background, the stray blob, class 1, the confused square.
        #expect(predictedRegions.map(\.classId) == [0, 2, 1, 1])
        #expect(predictedRegions.map(\.status) == [.matched, .falsePositive, .matched, .classConfusion])
        let confused = truthRegions[2]
        #expect(confused.iou == 1)
        #expect(a.regions[confused.partner!].classId == 1)
        #expect(a.regionCount(.missed) == 0)
    }

    @Test func shiftedRegionIsBoundaryDriftAndAbsentOneIsMissed() throws {
        var a = SegmentationAnalysis(classCount: 3)
        let truth = Self.map(0, [(0, 0, 3, 3, 1), (6, 6, 7, 7, 2)])
        let prediction = Self.map(0, [(2, 2, 5, 5, 1)])
        try a.add(groundTruth: truth, prediction: prediction, width: Self.size, height: Self.size)
        let square = a.regions.first { $0.isGroundTruth && $0.classId == 1 }!
        #expect(square.status == .boundaryDrift)
        #expect(abs(square.iou - 4.0 / 28.0) < 1e-12)
        #expect(a.regions.first { $0.isGroundTruth && $0.classId == 2 }!.status == .missed)
        #expect(a.regions.first { !$0.isGroundTruth && $0.classId == 1 }!.status == .boundaryDrift)
    }

    @Test func boundaryFScoreWithTolerance() throws {
        // Class 1: 8 truth boundary pixels all found; 12 predicted (8 + the confused 2×2), 8 near truth.
        let tight = try analysis(tolerance: 1)
        #expect(abs(tight.boundaryF(classId: 1)! - 0.8) < 1e-12)
        // With tolerance 2 the confused square's corner (5,5) is within reach of (3,3), the rest not.
        let loose = try analysis(tolerance: 2)
        #expect(loose.boundaryF(classId: 1)! > 0.8)
        #expect(tight.boundaryF(classId: 2) == 0)
    }

    @Test func ignoredPixelsCountNowhere() throws {
        var truth = Self.truth
        for x in 0..<Self.size { truth[7 * Self.size + x] = 255 }
        var a = SegmentationAnalysis(classCount: 3)
        try a.add(groundTruth: truth, prediction: Self.prediction, width: Self.size, height: Self.size)
        #expect(a.confusion.reduce(0, +) == 56)
        #expect(a.regions.filter(\.isGroundTruth).map(\.pixelCount) == [43, 9, 4])
    }

    @Test func badLabelsAreInputErrors() {
        var a = SegmentationAnalysis(classCount: 3)
        #expect(throws: EvaluationError.self) { try a.add(groundTruth: [0, 7], prediction: [0, 0], width: 2, height: 1) }
        #expect(throws: EvaluationError.self) { try a.add(groundTruth: [0], prediction: [0, 0], width: 2, height: 1) }
    }
}
