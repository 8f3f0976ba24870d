import Evaluation

/// One iteration as the failure tracker sees it: every case record of the validation set and the
/// iteration's headline metrics.
public struct IterationInput: Sendable {
    public var records: [CaseRecord]
    public var metrics: [String: Double]
    /// Where the predictions came from (a results file), for the history.
    public var source: String?

    public init(records: [CaseRecord], metrics: [String: Double] = [:], source: String? = nil) {
        self.records = records; self.metrics = metrics; self.source = source
    }

    /// A detector's iteration from prediction files alone: COCO ground truth and a COCO results file.
    public static func detection(groundTruthPath: String, detectionsPath: String, iouType: IoUType = .bbox) throws -> IterationInput {
        try detection(ErrorAnalysis.run(groundTruthPath: groundTruthPath, detectionsPath: detectionsPath, iouType: iouType),
                      source: detectionsPath)
    }

    public static func detection(_ analysis: ErrorAnalysis, source: String? = nil) -> IterationInput {
        var metrics = [String: Double]()
        for (name, value) in zip(CocoEvaluation.statNames, analysis.coco.stats) { metrics["coco.\(name)"] = value }
        metrics["tide.AP50"] = analysis.tide.ap50
        for type in TideErrorType.allCases { metrics["tide.count.\(type.rawValue)"] = Double(analysis.tide.errorCounts[type] ?? 0) }
        return IterationInput(records: DetectionCases.records(from: analysis), metrics: metrics, source: source)
    }

    public static func segmentation(_ analysis: SegmentationAnalysis, images: [String], background: Int? = 0, source: String? = nil) -> IterationInput {
        var metrics = ["mean_iou": analysis.meanIoU]
        for status in [SegmentationAnalysis.RegionStatus.missed, .boundaryDrift, .classConfusion, .falsePositive] {
            metrics["regions.\(status.rawValue)"] = Double(analysis.regionCount(status))
        }
        return IterationInput(records: SegmentationCases.records(from: analysis, images: images, background: background),
                              metrics: metrics, source: source)
    }

    public static func classification(_ analysis: ClassificationAnalysis, images: [String]? = nil, source: String? = nil) -> IterationInput {
        IterationInput(records: ClassificationCases.records(from: analysis, images: images),
                       metrics: ["accuracy": analysis.accuracy, "macro_f1": analysis.macroF1, "ece": analysis.expectedCalibrationError],
                       source: source)
    }
}
