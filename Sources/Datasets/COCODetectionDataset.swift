import Foundation

/// A detection dataset from COCO instances JSON: per image its file, size and boxes with contiguous labels
/// (0..<classes.count, in category-id order, as torchvision's detection references remap them).
/// Run `fovea lint` for a full report; loading stops at the first reference it cannot resolve.
public struct COCODetectionDataset: Sendable {
    public struct Entry: Sendable, Equatable {
        public let imageID: Int
        public let path: String
        public let width: Int
        public let height: Int
        public let boxes: [LabeledBox]
        /// Crowd regions (iscrowd = 1), parallel to `boxes`: evaluation ignores detections matched to them.
        public let crowd: [Bool]
        public let annotationIDs: [Int]
        /// Positions of the boxes' annotations in `instances.annotations`.
        public let annotationIndices: [Int]
    }

    public let classes: ClassMap
    /// COCO category id of each contiguous label.
    public let categoryIDs: [Int]
    /// In the file's image order.
    public let entries: [Entry]
    public let instances: COCOInstances

    public init(annotationFile: String, imageRoot: String) throws(DatasetError) {
        guard let data = FileManager.default.contents(atPath: annotationFile) else {
            throw DatasetError(file: annotationFile, problem: "cannot read the file")
        }
        let instances: COCOInstances
        do {
            instances = try JSONDecoder().decode(COCOInstances.self, from: data)
        } catch {
            throw DatasetError(file: annotationFile, problem: "not COCO instances JSON: \(Self.describe(error))")
        }
        let categories = instances.categories.sorted { $0.id < $1.id }
        guard Set(categories.map(\.id)).count == categories.count, Set(categories.map(\.name)).count == categories.count else {
            throw DatasetError(file: annotationFile, problem: "categories: ids and names must be unique")
        }
        let labelOfCategory = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1.id, $0) })
        var annotationsOfImage: [Int: [(index: Int, annotation: COCOInstances.Annotation)]] = [:]
        let imageIDs = Set(instances.images.map(\.id))
        for (index, annotation) in instances.annotations.enumerated() {
            guard imageIDs.contains(annotation.imageID) else {
                throw DatasetError(file: annotationFile, problem: "annotations[\(index)].image_id: no image has id \(annotation.imageID)")
            }
            guard labelOfCategory[annotation.categoryID] != nil else {
                throw DatasetError(file: annotationFile, problem: "annotations[\(index)].category_id: \(annotation.categoryID) is not among the categories")
            }
            guard annotation.bbox.count == 4 else {
                throw DatasetError(file: annotationFile, problem: "annotations[\(index)].bbox: must be [x, y, width, height]")
            }
            annotationsOfImage[annotation.imageID, default: []].append((index, annotation))
        }
        entries = instances.images.map { image in
            let annotations = annotationsOfImage[image.id] ?? []
            return Entry(imageID: image.id, path: (imageRoot as NSString).appendingPathComponent(image.fileName),
                         width: image.width, height: image.height,
                         boxes: annotations.map {
                             LabeledBox(x: $0.annotation.bbox[0], y: $0.annotation.bbox[1], width: $0.annotation.bbox[2],
                                        height: $0.annotation.bbox[3], label: labelOfCategory[$0.annotation.categoryID]!)
                         },
                         crowd: annotations.map { $0.annotation.isCrowd != 0 },
                         annotationIDs: annotations.map(\.annotation.id),
                         annotationIndices: annotations.map(\.index))
        }
        classes = ClassMap(names: categories.map(\.name))
        categoryIDs = categories.map(\.id)
        self.instances = instances
    }

    /// "annotations[3].bbox: expected an array" from a DecodingError.
    private static func describe(_ error: any Error) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error as? DecodingError {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing"
        default:
            return "invalid JSON"
        }
    }
}

extension COCOInstances.Segmentation {
    /// The mask of a run-length segmentation, row-major; nil for polygons (rasterise those with pycocotools'
    /// rules, as Evaluation does) and for runs that do not fill the image.
    public func runLengthMask() -> (width: Int, height: Int, pixels: [Bool])? {
        let counts: [Int], height: Int, width: Int
        switch self {
        case .polygons: return nil
        case .runLengths(let runs, let h, let w): (counts, height, width) = (runs, h, w)
        case .compressedRunLengths(let text, let h, let w):
            guard let runs = CompressedRunLengths.decode(text) else { return nil }
            (counts, height, width) = (runs, h, w)
        }
        // The file states the size and the runs: both are checked with overflow in mind before anything is allocated.
        let (pixelCount, sizeOverflow) = width.multipliedReportingOverflow(by: height)
        guard width >= 0, height >= 0, !sizeOverflow, pixelCount <= ImageLimits.default.maxPixels,
              counts.allSatisfy({ $0 >= 0 && $0 <= pixelCount }),
              counts.reduce(0, { $0 + $1 }) == pixelCount else { return nil }
        return (width, height, InstanceMask(columnMajorRuns: counts, width: width, height: height).pixels)
    }
}
