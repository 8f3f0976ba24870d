/// TIDE's six main error types (tidecv 1.0.1 short names, in its order).
public enum TideErrorType: String, CaseIterable, Sendable {
    case cls = "Cls", loc = "Loc", both = "Both", dupe = "Dupe", bkg = "Bkg", miss = "Miss"
}

/// What TIDE made of one detection.
public struct TideDetectionLabel: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case truePositive = "TP", cls = "Cls", loc = "Loc", both = "Both", dupe = "Dupe", bkg = "Bkg"
        /// Beyond the 100 highest-scoring detections of its image: TIDE never looks at it.
        case notEvaluated = "Capped"
    }
    public var kind: Kind
    /// Ground truth (annotation index) it matched (TP), points at (Cls, Loc), duplicates (Dupe) or
    /// overlaps most (Both); nil for background.
    public var groundTruthIndex: Int?
    /// IoU with that ground truth; for Bkg the best IoU with any ground truth.
    public var iou: Double
    /// Unmatched but inside a crowd region of its class: left out of AP (still typed as an error).
    public var insideCrowd: Bool
}

/// What TIDE made of one ground-truth annotation.
public struct TideGroundTruthLabel: Sendable, Equatable {
    public enum Status: String, Sendable {
        case truePositive = "TP", miss = "Miss"
        /// Unmatched, but a Cls or Loc error points at it (fixing that error would find it).
        case cls = "Cls", loc = "Loc"
        /// A crowd region: never matched, only used to ignore detections.
        case crowd = "Ignored"
    }
    public var status: Status
    /// The detection (results index) that matched it, or the best-scoring error pointing at it.
    public var detectionIndex: Int?
}

/// tidecv's numbers (AP × 100) plus every detection and ground truth labelled.
public struct TideResult: Sendable {
    /// tidecv's own AP at IoU 0.5 (101 points at x/100), ×100.
    public var ap50: Double
    /// max(AP with that error type fixed − AP, 0).
    public var mainErrors: [TideErrorType: Double]
    /// AP with perfect ranking (TPs scored 1, FPs 0) − AP; unclipped.
    public var falsePositive: Double
    /// AP with unmatched ground truth removed − AP; unclipped.
    public var falseNegative: Double
    public var errorCounts: [TideErrorType: Int]
    public var detections: [TideDetectionLabel]
    public var groundTruth: [TideGroundTruthLabel]
}
