/// TIDE outcomes counted per category and per image, so a report can point at the classes and
/// images where the errors concentrate. Keys are "TP", the six error types and "Capped".
public struct ErrorTally: Sendable {
    public static let keys = ["TP"] + TideErrorType.allCases.map(\.rawValue) + ["Capped"]

    public let byCategory: [Int: [String: Int]]
    /// Images in ground-truth file order, each with its counts (images without boxes included).
    public let byImage: [(imageId: Int, counts: [String: Int])]

    public init(groundTruth: CocoGroundTruth, detections: [Detection], tide: TideResult) {
        // Counted in flat tables (one row per category / image, one column per key), named at the end.
        let keyIndex = Dictionary(uniqueKeysWithValues: Self.keys.enumerated().map { ($1, $0) })
        let kinds: [TideDetectionLabel.Kind] = [.truePositive, .cls, .loc, .both, .dupe, .bkg, .notEvaluated]
        var kindColumn = [Int](repeating: 0, count: 256)
        for kind in kinds { kindColumn[Int(Self.code(kind))] = keyIndex[kind.rawValue]! }
        let missColumn = keyIndex[TideErrorType.miss.rawValue]!
        let columns = Self.keys.count
        let categoryIds = groundTruth.categories.map(\.id), imageIds = groundTruth.images.map(\.id)
        let categoryRow = IdIndex(categoryIds), imageRow = IdIndex(imageIds)
        var categoryCounts = [Int](repeating: 0, count: categoryIds.count * columns)
        var imageCounts = [Int](repeating: 0, count: imageIds.count * columns)
        func count(_ column: Int, category: Int, image: Int) {
            if let row = categoryRow[category] { categoryCounts[row * columns + column] += 1 }
            if let row = imageRow[image] { imageCounts[row * columns + column] += 1 }
        }
        for (d, label) in tide.detections.enumerated() {
            count(kindColumn[Int(Self.code(label.kind))], category: detections[d].categoryId, image: detections[d].imageId)
        }
        for (g, label) in tide.groundTruth.enumerated() where label.status == .miss {
            count(missColumn, category: groundTruth.annotations[g].categoryId, image: groundTruth.annotations[g].imageId)
        }
        func named(_ table: [Int], _ row: Int) -> [String: Int] {
            var out = [String: Int]()
            for (c, key) in Self.keys.enumerated() where table[row * columns + c] > 0 { out[key] = table[row * columns + c] }
            return out
        }
        var byCategory = [Int: [String: Int]]()
        for (row, id) in categoryIds.enumerated() where categoryRow[id] == row { byCategory[id] = named(categoryCounts, row) }
        self.byCategory = byCategory
        byImage = imageIds.enumerated().filter { imageRow[$1] == $0 }.map { row, id in (id, named(imageCounts, row)) }
    }

    /// A small number per label kind, to index tables without hashing.
    private static func code(_ kind: TideDetectionLabel.Kind) -> UInt8 {
        switch kind {
        case .truePositive: 0
        case .cls: 1
        case .loc: 2
        case .both: 3
        case .dupe: 4
        case .bkg: 5
        case .notEvaluated: 6
        }
    }
}
