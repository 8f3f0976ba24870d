/// `fovea errors` as a library call: load both files, run COCO evaluation and TIDE on shared geometry,
/// and hand back everything the report and the JSON output need.
public struct ErrorAnalysis: Sendable {
    public let iouType: IoUType
    public let groundTruth: CocoGroundTruth
    public let detections: [Detection]
    public let coco: CocoEvaluation
    public let tide: TideResult

    public init(groundTruth: CocoGroundTruth, detections: [Detection], iouType: IoUType) throws {
        let geometry = try MatchGeometry(groundTruth: groundTruth, detections: detections, iouType: iouType)
        self.iouType = iouType
        self.groundTruth = groundTruth
        self.detections = detections
        // COCO's per-category work is parallel inside; TIDE is one sequential pass.
        coco = CocoEvaluator.evaluate(groundTruth: groundTruth, detections: detections, geometry: geometry,
                                      parameters: CocoParameters())
        tide = TideEvaluator.evaluate(groundTruth: groundTruth, detections: detections, geometry: geometry)
    }

    /// Reads GT.json and RESULTS.json and analyses them; errors name the file and entry.
    public static func run(groundTruthPath: String, detectionsPath: String, iouType: IoUType) throws -> ErrorAnalysis {
        let gt = try CocoFiles.loadGroundTruth(path: groundTruthPath)
        let dets = try CocoFiles.loadDetections(path: detectionsPath, groundTruth: gt, iouType: iouType)
        return try ErrorAnalysis(groundTruth: gt, detections: dets, iouType: iouType)
    }
}
