/// TIDE outcomes counted per category and per image, so a report can point at the classes and
/// images where the errors concentrate. Keys are "TP", the six error types and "Capped".
public struct ErrorTally: Sendable {
    public static let keys = ["TP"] + TideErrorType.allCases.map(\.rawValue) + ["Capped"]

    public private(set) var byCategory: [Int: [String: Int]] = [:]
    /// Images in ground-truth file order, each with its counts (images without boxes included).
    public private(set) var byImage: [(imageId: Int, counts: [String: Int])] = []

    public init(groundTruth: CocoGroundTruth, detections: [Detection], tide: TideResult) {
        var imageSlot = [Int: Int]()
        for image in groundTruth.images where imageSlot[image.id] == nil {
            imageSlot[image.id] = byImage.count
            byImage.append((image.id, [:]))
        }
        func count(_ key: String, category: Int, image: Int) {
            byCategory[category, default: [:]][key, default: 0] += 1
            if let slot = imageSlot[image] { byImage[slot].counts[key, default: 0] += 1 }
        }
        for (d, label) in tide.detections.enumerated() {
            count(label.kind.rawValue, category: detections[d].categoryId, image: detections[d].imageId)
        }
        for (g, label) in tide.groundTruth.enumerated() where label.status == .miss {
            let a = groundTruth.annotations[g]
            count(TideErrorType.miss.rawValue, category: a.categoryId, image: a.imageId)
        }
    }
}
