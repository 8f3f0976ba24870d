/// `fovea errors` as a library call: load both files, run COCO evaluation and TIDE on shared geometry,
/// and hand back everything the report and the JSON output need.
public struct ErrorAnalysis: Sendable {
    public let iouType: IoUType
    public let groundTruth: CocoGroundTruth
    public let detections: [Detection]
    public let coco: CocoEvaluation
    public let tide: TideResult
    /// Wall-clock seconds per stage (load, geometry, coco, tide), for `fovea bench errors` and profiling.
    public private(set) var stageSeconds: [(stage: String, seconds: Double)] = []

    /// `cocoThreads`: workers for COCO's categories, beside the one running TIDE.
    public init(groundTruth: CocoGroundTruth, detections: [Detection], iouType: IoUType, cocoThreads: Int = 2) throws {
        let clock = ContinuousClock()
        var start = clock.now
        var stages = [(stage: String, seconds: Double)]()
        func lap(_ name: String) {
            let now = clock.now
            let d = now - start
            stages.append((name, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18))
            start = now
        }
        let geometry = try MatchGeometry(groundTruth: groundTruth, detections: detections, iouType: iouType)
        lap("geometry")
        self.iouType = iouType
        self.groundTruth = groundTruth
        self.detections = detections
        // COCO's per-category work is parallel inside; TIDE is one sequential pass.
        (coco, tide) = try inParallel(
            { CocoEvaluator.evaluate(groundTruth: groundTruth, detections: detections, geometry: geometry,
                                     parameters: CocoParameters(), threads: cocoThreads) },
            { TideEvaluator.evaluate(groundTruth: groundTruth, detections: detections, geometry: geometry) })
        lap("coco and tide")
        stageSeconds = stages
    }

    /// Reads GT.json and RESULTS.json and analyses them; errors name the file and entry.
    public static func run(groundTruthPath: String, detectionsPath: String, iouType: IoUType) throws -> ErrorAnalysis {
        let clock = ContinuousClock()
        let start = clock.now
        let (gt, dets) = try inParallel({ try CocoFiles.loadGroundTruth(path: groundTruthPath, keepSegmentation: iouType == .segm) },
                                        { try CocoFiles.loadUncheckedDetections(path: detectionsPath, iouType: iouType) })
        try CocoFiles.check(dets, file: detectionsPath, against: gt)
        if iouType == .segm { try CocoFiles.checkSegmentation(gt, file: groundTruthPath) }
        let loaded = clock.now
        var analysis = try ErrorAnalysis(groundTruth: gt, detections: dets, iouType: iouType)
        let d = loaded - start
        analysis.stageSeconds.insert(("load both files", Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18), at: 0)
        return analysis
    }
}

extension ErrorAnalysis {
    /// One timed run of what `fovea errors` does without `--json` (both files loaded, COCO and TIDE),
    /// in wall-clock seconds; for `fovea bench errors` (workload W3).
    public static func measureSeconds(groundTruthPath: String, detectionsPath: String, iouType: IoUType = .bbox) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let analysis = try run(groundTruthPath: groundTruthPath, detectionsPath: detectionsPath, iouType: iouType)
        let elapsed = clock.now - start
        _ = analysis.textSummary()
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
