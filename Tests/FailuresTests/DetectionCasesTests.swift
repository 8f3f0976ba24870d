import Evaluation
import Testing
@testable import Failures

/// Case records drawn from a real error analysis of a constructed detector output.
@Suite struct DetectionCasesTests {
    @Test func groundTruthAndFalsePositiveRegionsGetTheirTideTypes() throws {
        let gt = CocoGroundTruth(
            images: [ImageInfo(id: 1, width: 100, height: 100), ImageInfo(id: 2, width: 100, height: 100)],
            categories: [Category(id: 1, name: "a"), Category(id: 2, name: "b")],
            annotations: [
                GroundTruthAnnotation(id: 10, imageId: 1, categoryId: 1, box: BoundingBox(x: 0, y: 0, width: 20, height: 20), area: 400, isCrowd: false),
                GroundTruthAnnotation(id: 11, imageId: 1, categoryId: 1, box: BoundingBox(x: 50, y: 50, width: 20, height: 20), area: 400, isCrowd: false),
                GroundTruthAnnotation(id: 12, imageId: 2, categoryId: 2, box: BoundingBox(x: 0, y: 0, width: 20, height: 20), area: 400, isCrowd: false),
            ])
        let dets = [
            Detection(imageId: 1, categoryId: 1, score: 0.9, box: BoundingBox(x: 0, y: 0, width: 20, height: 20)),    // TP on 10
            Detection(imageId: 2, categoryId: 1, score: 0.8, box: BoundingBox(x: 0, y: 0, width: 20, height: 20)),    // Cls on 12
            Detection(imageId: 2, categoryId: 2, score: 0.7, box: BoundingBox(x: 80, y: 80, width: 10, height: 10)),  // Bkg
        ]
        let analysis = try ErrorAnalysis(groundTruth: gt, detections: dets, iouType: .bbox)
        let records = DetectionCases.records(from: analysis)
        let byKey = Dictionary(uniqueKeysWithValues: records.map { ($0.key, $0) })
        #expect(byKey["gt-10"]?.error == nil)
        #expect(byKey["gt-10"]?.confidence == 0.9)
        #expect(byKey["gt-11"]?.error == "Miss")
        #expect(byKey["gt-11"]?.confidence == 0)
        #expect(byKey["gt-12"]?.error == "Cls")
        #expect(byKey["gt-12"]?.predictedClass == 1)
        #expect(byKey["region-2-2-80,80,10,10"]?.error == "Bkg")
        #expect(byKey["region-2-2-80,80,10,10"]?.target.kind == .region)
        #expect(records.count == 4)
    }
}
