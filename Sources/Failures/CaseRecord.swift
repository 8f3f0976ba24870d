/// What a failure case points at: a ground-truth object, a region where the model saw something that
/// is not there, or a whole sample of a classifier. It is what stays fixed while the model changes.
public struct CaseTarget: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// A ground-truth annotation (its COCO id is the identity).
        case groundTruth = "ground_truth"
        /// A false positive's region (image, class, box): no annotation to name it, so the region does.
        case region
        /// One classification sample (its index in the validation set).
        case sample
    }
    public var kind: Kind
    /// Ground-truth class (objects, samples) or predicted class (regions).
    public var classId: Int
    /// [x, y, width, height] in pixels; nil for classification samples.
    public var box: [Double]?
    public var groundTruthId: Int?
    public var sampleIndex: Int?

    public init(kind: Kind, classId: Int, box: [Double]? = nil, groundTruthId: Int? = nil, sampleIndex: Int? = nil) {
        self.kind = kind; self.classId = classId; self.box = box
        self.groundTruthId = groundTruthId; self.sampleIndex = sampleIndex
    }

    enum CodingKeys: String, CodingKey {
        case kind, classId = "class", box, groundTruthId = "gt_id", sampleIndex = "sample"
    }
}

/// One iteration's verdict on one case-able unit of the validation set.
public struct CaseRecord: Sendable, Equatable {
    /// Stable across iterations: `gt-<id>`, `sample-<index>`, or `region-<image>-<class>-<x>,<y>,<w>,<h>`.
    public var key: String
    public var image: String
    public var target: CaseTarget
    /// nil when the model got it right; otherwise an error type (TIDE's names for detection, `Cls` for classification).
    public var error: String?
    /// Score of the prediction behind the verdict (0 for a miss, where nothing was predicted).
    public var confidence: Double
    public var predictedClass: Int?
    public var iou: Double?
    /// The model's feature vector for the case (e.g. pooled penultimate activations), when the caller has one:
    /// lets selection collapse look-alike failures on different images.
    public var embedding: [Float]?

    public init(key: String, image: String, target: CaseTarget, error: String?, confidence: Double,
                predictedClass: Int? = nil, iou: Double? = nil, embedding: [Float]? = nil) {
        self.key = key; self.image = image; self.target = target; self.error = error
        self.confidence = confidence; self.predictedClass = predictedClass; self.iou = iou; self.embedding = embedding
    }

    public var isFailure: Bool { error != nil }
}

/// Error types in the order reports list them; unknown types sort after, by name.
public enum ErrorTypeOrder {
    public static let known = ["Cls", "Loc", "Both", "Dupe", "Bkg", "Miss"]
    static func rank(_ type: String) -> (Int, String) {
        (known.firstIndex(of: type) ?? known.count, type)
    }
}
