/// COCO boxes are [x, y, width, height] in pixels, top-left origin.
public struct BoundingBox: Sendable, Equatable {
    public var x: Double, y: Double, width: Double, height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
    public var area: Double { width * height }
}

/// A COCO `segmentation` as written in the file; turned into an RLE mask against its image size.
public enum Segmentation: Sendable, Equatable {
    /// One or more polygons, each [x0, y0, x1, y1, …], merged into one mask.
    case polygons([[Double]])
    /// `{"size": [h, w], "counts": [run, run, …]}` (crowd annotations).
    case uncompressedRLE(RunLengthMask)
    /// `{"size": [h, w], "counts": "…"}` (results files, pycocotools' compressed string).
    case compressedRLE(height: Int, width: Int, counts: String)
}

public struct ImageInfo: Sendable, Equatable {
    public var id: Int, width: Int, height: Int
    /// `file_name`, relative to the dataset's image folder (what a report draws).
    public var fileName: String?
    public init(id: Int, width: Int, height: Int, fileName: String? = nil) {
        self.id = id; self.width = width; self.height = height; self.fileName = fileName
    }
}

public struct Category: Sendable, Equatable {
    public var id: Int, name: String
    public init(id: Int, name: String) { self.id = id; self.name = name }
}

public struct GroundTruthAnnotation: Sendable {
    public var id: Int
    public var imageId: Int
    public var categoryId: Int
    public var box: BoundingBox
    /// The file's `area` (pycocotools uses it, not the box, for the area ranges).
    public var area: Double
    public var isCrowd: Bool
    public var segmentation: Segmentation?
    public init(id: Int, imageId: Int, categoryId: Int, box: BoundingBox, area: Double, isCrowd: Bool,
                segmentation: Segmentation? = nil) {
        self.id = id; self.imageId = imageId; self.categoryId = categoryId; self.box = box
        self.area = area; self.isCrowd = isCrowd; self.segmentation = segmentation
    }
}

public struct Detection: Sendable {
    public var imageId: Int
    public var categoryId: Int
    public var score: Double
    public var box: BoundingBox?
    public var segmentation: Segmentation?
    public init(imageId: Int, categoryId: Int, score: Double, box: BoundingBox? = nil, segmentation: Segmentation? = nil) {
        self.imageId = imageId; self.categoryId = categoryId; self.score = score
        self.box = box; self.segmentation = segmentation
    }
}

/// A COCO instances file: images, categories and annotations, in file order.
public struct CocoGroundTruth: Sendable {
    public var images: [ImageInfo]
    public var categories: [Category]
    public var annotations: [GroundTruthAnnotation]
    public init(images: [ImageInfo], categories: [Category], annotations: [GroundTruthAnnotation]) {
        self.images = images; self.categories = categories; self.annotations = annotations
    }
}

public enum IoUType: String, Sendable, CaseIterable {
    case bbox, segm
}
