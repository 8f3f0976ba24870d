@testable import Failures

/// Constructed case records for tests: a ground-truth box on an image, failing or not.
func gtCase(_ id: Int, image: Int, classId: Int = 1, box: [Double] = [0, 0, 10, 10], error: String?,
            confidence: Double = 0.5) -> CaseRecord {
    CaseRecord(key: "gt-\(id)", image: String(image),
               target: CaseTarget(kind: .groundTruth, classId: classId, box: box, groundTruthId: id),
               error: error, confidence: confidence)
}

func sampleCase(_ index: Int, classId: Int, error: String?, confidence: Double) -> CaseRecord {
    CaseRecord(key: "sample-\(index)", image: "img\(index).png",
               target: CaseTarget(kind: .sample, classId: classId, sampleIndex: index),
               error: error, confidence: confidence, predictedClass: error == nil ? classId : classId + 1)
}
