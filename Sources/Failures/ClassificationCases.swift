import Evaluation

/// One case record per classification sample: wrong predictions are `Cls` errors at the predicted class's
/// probability. `images` names each sample (file names); by default its index.
public enum ClassificationCases {
    public static func records(from analysis: ClassificationAnalysis, images: [String]? = nil) -> [CaseRecord] {
        analysis.samples.map { s in
            CaseRecord(key: "sample-\(s.index)", image: images?[s.index] ?? String(s.index),
                       target: CaseTarget(kind: .sample, classId: s.trueClass, sampleIndex: s.index),
                       error: s.isCorrect ? nil : "Cls", confidence: s.confidence, predictedClass: s.predictedClass)
        }
    }
}
