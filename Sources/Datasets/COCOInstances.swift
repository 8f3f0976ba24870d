/// COCO instances JSON (`instances_*.json`): images, categories, and annotations with a box and a polygon or
/// run-length mask. Swift names are camel-case; the file's snake-case keys are mapped below. Unknown fields are
/// ignored on read.
public struct COCOInstances: Codable, Sendable, Equatable {
    public var images: [Image]
    public var annotations: [Annotation]
    public var categories: [Category]

    public init(images: [Image], annotations: [Annotation], categories: [Category]) {
        self.images = images
        self.annotations = annotations
        self.categories = categories
    }

    public struct Image: Codable, Sendable, Equatable {
        public var id: Int
        public var fileName: String
        public var width: Int
        public var height: Int

        private enum CodingKeys: String, CodingKey { case id, fileName = "file_name", width, height }

        public init(id: Int, fileName: String, width: Int, height: Int) {
            self.id = id
            self.fileName = fileName
            self.width = width
            self.height = height
        }
    }

    public struct Category: Codable, Sendable, Equatable {
        public var id: Int
        public var name: String
        public var supercategory: String?

        public init(id: Int, name: String, supercategory: String? = nil) {
            self.id = id
            self.name = name
            self.supercategory = supercategory
        }
    }

    public struct Annotation: Codable, Sendable, Equatable {
        public var id: Int
        public var imageID: Int
        public var categoryID: Int
        /// [x, y, width, height] in pixels from the top-left corner of the image.
        public var bbox: [Double]
        public var area: Double
        public var isCrowd: Int
        public var segmentation: Segmentation?

        private enum CodingKeys: String, CodingKey {
            case id, imageID = "image_id", categoryID = "category_id", bbox, area, isCrowd = "iscrowd", segmentation
        }

        public init(id: Int, imageID: Int, categoryID: Int, bbox: [Double], area: Double, isCrowd: Int = 0,
                    segmentation: Segmentation? = nil) {
            self.id = id
            self.imageID = imageID
            self.categoryID = categoryID
            self.bbox = bbox
            self.area = area
            self.isCrowd = isCrowd
            self.segmentation = segmentation
        }
    }

    /// Polygons `[[x1, y1, x2, y2, …], …]`, or a run-length mask over the image in column-major order
    /// (`counts` alternate background and foreground runs, starting with background), uncompressed or in
    /// pycocotools' compressed string form.
    public enum Segmentation: Codable, Sendable, Equatable {
        case polygons([[Double]])
        case runLengths(counts: [Int], height: Int, width: Int)
        case compressedRunLengths(counts: String, height: Int, width: Int)

        private enum Keys: String, CodingKey { case counts, size }

        public init(from decoder: Decoder) throws {
            if let polygons = try? [[Double]](from: decoder) {
                self = .polygons(polygons)
                return
            }
            let fields = try decoder.container(keyedBy: Keys.self)
            let size = try fields.decode([Int].self, forKey: .size)
            guard size.count == 2 else {
                throw DecodingError.dataCorruptedError(forKey: .size, in: fields, debugDescription: "size must be [height, width]")
            }
            if let counts = try? fields.decode([Int].self, forKey: .counts) {
                self = .runLengths(counts: counts, height: size[0], width: size[1])
            } else {
                self = .compressedRunLengths(counts: try fields.decode(String.self, forKey: .counts), height: size[0], width: size[1])
            }
        }

        public func encode(to encoder: Encoder) throws {
            switch self {
            case .polygons(let polygons):
                try polygons.encode(to: encoder)
            case .runLengths(let counts, let height, let width):
                var fields = encoder.container(keyedBy: Keys.self)
                try fields.encode(counts, forKey: .counts)
                try fields.encode([height, width], forKey: .size)
            case .compressedRunLengths(let counts, let height, let width):
                var fields = encoder.container(keyedBy: Keys.self)
                try fields.encode(counts, forKey: .counts)
                try fields.encode([height, width], forKey: .size)
            }
        }
    }
}
