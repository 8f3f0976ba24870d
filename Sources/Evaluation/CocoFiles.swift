/// Reads COCO instances files (ground truth) and COCO results files (detections), checking every entry
/// the evaluation relies on and naming the file, entry and field of the first problem.
public enum CocoFiles {
    /// `keepSegmentation: false` skips the polygons and masks (bbox evaluation never reads them).
    public static func loadGroundTruth(path: String, keepSegmentation: Bool = true) throws -> CocoGroundTruth {
        try parse(path: path) { reader, context in try readGroundTruth(reader, context, keepSegmentation: keepSegmentation) }
    }

    /// `groundTruth` decides which image and category ids are known; `iouType` which geometry is required.
    public static func loadDetections(path: String, groundTruth: CocoGroundTruth, iouType: IoUType) throws -> [Detection] {
        let detections = try loadUncheckedDetections(path: path, iouType: iouType)
        try check(detections, file: path, against: groundTruth)
        return detections
    }

    /// Parses a results file without the ground truth at hand (so both files can load at once);
    /// call `check(_:file:against:)` before using the detections.
    /// Files of at least `parallelFrom` bytes are parsed by two threads.
    public static func loadUncheckedDetections(path: String, iouType: IoUType, parallelFrom: Int = 8 << 20) throws -> [Detection] {
        guard let reader = JSONReader(path: path) else { throw EvaluationError("\(path): cannot read the file") }
        guard reader.byteCount >= parallelFrom, let split = reader.likelyElementStart(after: reader.byteCount / 2) else {
            return try run(reader, name: path) { reader, context in try readDetections(reader, context, iouType: iouType) }
        }
        // Two threads: this reader parses up to `split`, a fork parses from there. If the first half does
        // not end exactly at `split` (the guess hit the inside of a value) it simply parses on to the end.
        let second = reader.fork(at: split)
        let (first, rest) = try inParallel(
            { try run(reader, name: path, checkEnd: false) { reader, context in
                try readDetections(reader, context, iouType: iouType, stopAt: split) } },
            { Result { try run(second, name: path) { reader, context in
                try readDetectionElements(reader, context, iouType: iouType, firstIndex: 0, stopAt: nil).detections } } })
        guard first.stoppedAtSplit else { return first.detections }
        var detections = first.detections
        switch rest {
        case .success(let tail): detections.append(contentsOf: tail)
        case .failure:
            // Re-parse the second half alone so the message carries the right entry index.
            let again = reader.fork(at: split)
            let tail = try run(again, name: path) { reader, context in
                try readDetectionElements(reader, context, iouType: iouType, firstIndex: first.detections.count, stopAt: nil).detections
            }
            detections.append(contentsOf: tail)
        }
        return detections
    }

    /// Segm evaluation needs a segmentation on every ground truth, and an image size wherever it is a polygon.
    public static func checkSegmentation(_ groundTruth: CocoGroundTruth, file: String) throws {
        var sizes = [Int: (width: Int, height: Int)]()
        for image in groundTruth.images { sizes[image.id] = (image.width, image.height) }
        for (i, a) in groundTruth.annotations.enumerated() {
            guard let segmentation = a.segmentation else {
                throw EvaluationError("\(file): annotations[\(i)]: missing \"segmentation\" (needed for --iou-type segm)")
            }
            if case .polygons = segmentation, let size = sizes[a.imageId], size.width <= 0 || size.height <= 0 {
                throw EvaluationError("\(file): annotations[\(i)].segmentation: image \(a.imageId) has no width and height to draw the polygon on")
            }
        }
    }

    /// Every detection's image and category must exist in the ground truth.
    public static func check(_ detections: [Detection], file: String, against groundTruth: CocoGroundTruth) throws {
        let imageIds = IdIndex(groundTruth.images.map(\.id)), categoryIds = IdIndex(groundTruth.categories.map(\.id))
        for (i, d) in detections.enumerated() {
            if imageIds[d.imageId] == nil { throw EvaluationError("\(file): [\(i)].image_id: \(d.imageId) is not an image of the ground truth") }
            if categoryIds[d.categoryId] == nil { throw EvaluationError("\(file): [\(i)].category_id: \(d.categoryId) is not a category of the ground truth") }
        }
    }

    /// Parses from memory (tests); `name` stands for the file in messages.
    public static func parseGroundTruth(_ bytes: [UInt8], name: String) throws -> CocoGroundTruth {
        try bytes.withUnsafeBytes { raw in
            try run(JSONReader(bytes: raw), name: name) { reader, context in try readGroundTruth(reader, context, keepSegmentation: true) }
        }
    }

    public static func parseDetections(_ bytes: [UInt8], name: String, groundTruth: CocoGroundTruth,
                                       iouType: IoUType) throws -> [Detection] {
        let detections = try bytes.withUnsafeBytes { raw in
            try run(JSONReader(bytes: raw), name: name) { reader, context in try readDetections(reader, context, iouType: iouType) }
        }
        try check(detections, file: name, against: groundTruth)
        return detections
    }

    // MARK: plumbing

    private static func parse<T>(path: String, _ body: (JSONReader, Context) throws -> T) throws -> T {
        guard let reader = JSONReader(path: path) else { throw EvaluationError("\(path): cannot read the file") }
        return try run(reader, name: path, body)
    }

    private static func run<T>(_ reader: JSONReader, name: String, checkEnd: Bool = true,
                               _ body: (JSONReader, Context) throws -> T) throws -> T {
        let context = Context(file: name)
        do {
            let value = try body(reader, context)
            if checkEnd && !reader.atEnd { throw JSONReader.SyntaxError(message: "invalid JSON: unexpected data after the document", offset: reader.position) }
            return value
        } catch let error as JSONReader.SyntaxError {
            let at = reader.lineAndColumn(of: error.offset)
            let entry = error.entry.map { "\($0): " } ?? ""
            throw EvaluationError("\(name): \(entry)line \(at.line), column \(at.column): \(error.message)")
        } catch let error as JSONReader.Mismatch {
            throw EvaluationError("\(name): \(error.message)")
        }
    }

    /// Turns a type mismatch inside one field into a message naming file, entry and field.
    struct Context {
        let file: String
        /// Names the entry in a syntax error raised while reading it (truncated file, stray character).
        func entry<T>(_ path: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
            do { return try body() } catch var error as JSONReader.SyntaxError {
                if error.entry == nil { error.entry = path() }
                throw error
            }
        }
        func field<T>(_ path: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
            do { return try body() } catch let error as JSONReader.Mismatch {
                throw EvaluationError("\(file): \(path()): \(error.message)")
            }
        }
        func fail(_ path: String, _ message: String) -> EvaluationError {
            EvaluationError("\(file): \(path): \(message)")
        }
    }

    // MARK: ground truth

    private static func readGroundTruth(_ reader: JSONReader, _ context: Context, keepSegmentation: Bool) throws -> CocoGroundTruth {
        var images = [ImageInfo](), categories = [Category](), annotations = [GroundTruthAnnotation]()
        var sawImages = false, sawAnnotations = false
        guard reader.peek() == UInt8(ascii: "{") else {
            throw context.fail("top level", "expected an object with images, annotations and categories, got \(reader.describeNext())")
        }
        try reader.readObject { key in
            switch key {
            case "images":
                sawImages = true
                try context.field("images") { try requireArray(reader) }
                try reader.readArray { i in images.append(try context.entry("images[\(i)]") { try readImage(reader, context, index: i) }) }
            case "categories":
                try context.field("categories") { try requireArray(reader) }
                try reader.readArray { i in categories.append(try context.entry("categories[\(i)]") { try readCategory(reader, context, index: i) }) }
            case "annotations":
                sawAnnotations = true
                try context.field("annotations") { try requireArray(reader) }
                try reader.readArray { i in
                    annotations.append(try context.entry("annotations[\(i)]") {
                        try readAnnotation(reader, context, index: i, keepSegmentation: keepSegmentation)
                    })
                }
            default:
                try reader.skipValue()
            }
        }
        if !sawImages { throw context.fail("top level", "missing \"images\"") }
        if !sawAnnotations { throw context.fail("top level", "missing \"annotations\"") }
        let imageIds = Set(images.map(\.id)), categoryIds = Set(categories.map(\.id))
        for (i, a) in annotations.enumerated() {
            if !imageIds.contains(a.imageId) { throw context.fail("annotations[\(i)].image_id", "\(a.imageId) is not in images") }
            if !categoryIds.contains(a.categoryId) { throw context.fail("annotations[\(i)].category_id", "\(a.categoryId) is not in categories") }
        }
        return CocoGroundTruth(images: images, categories: categories, annotations: annotations)
    }

    private static func requireArray(_ reader: JSONReader) throws {
        if reader.peek() != UInt8(ascii: "[") { throw JSONReader.Mismatch(message: "expected an array, got \(reader.describeNext())") }
    }

    private static func requireObject(_ reader: JSONReader) throws {
        if reader.peek() != UInt8(ascii: "{") { throw JSONReader.Mismatch(message: "expected an object, got \(reader.describeNext())") }
    }

    private static func readImage(_ reader: JSONReader, _ context: Context, index: Int) throws -> ImageInfo {
        let path = EntryPath(list: "images", index: index)
        try context.field("\(path)") { try requireObject(reader) }
        var id: Int?, width = 0, height = 0, fileName: String?
        try reader.readObject { key in
            switch key {
            case "id": id = try context.field("\(path).id") { try reader.readInteger() }
            case "file_name": fileName = try context.field("\(path).file_name") { try reader.readString() }
            case "width": width = try context.field("\(path).width") { try reader.readInteger() }
            case "height": height = try context.field("\(path).height") { try reader.readInteger() }
            default: try reader.skipValue()
            }
        }
        guard let id else { throw context.fail("\(path)", "missing \"id\"") }
        return ImageInfo(id: id, width: width, height: height, fileName: fileName)
    }

    private static func readCategory(_ reader: JSONReader, _ context: Context, index: Int) throws -> Category {
        let path = EntryPath(list: "categories", index: index)
        try context.field("\(path)") { try requireObject(reader) }
        var id: Int?, name = ""
        try reader.readObject { key in
            switch key {
            case "id": id = try context.field("\(path).id") { try reader.readInteger() }
            case "name": name = try context.field("\(path).name") { try reader.readString() }
            default: try reader.skipValue()
            }
        }
        guard let id else { throw context.fail("\(path)", "missing \"id\"") }
        return Category(id: id, name: name)
    }

    private static func readAnnotation(_ reader: JSONReader, _ context: Context, index: Int,
                                       keepSegmentation: Bool) throws -> GroundTruthAnnotation {
        let path = EntryPath(list: "annotations", index: index)
        try context.field("\(path)") { try requireObject(reader) }
        var id: Int?, imageId: Int?, categoryId: Int?, box: BoundingBox?, area: Double?, crowd = false
        var segmentation: Segmentation?
        try reader.readObject { key in
            switch key {
            case "id": id = try context.field("\(path).id") { try reader.readInteger() }
            case "image_id": imageId = try context.field("\(path).image_id") { try reader.readInteger() }
            case "category_id": categoryId = try context.field("\(path).category_id") { try reader.readInteger() }
            case "bbox": box = try readBox(reader, context, path: "\(path).bbox")
            case "area": area = try context.field("\(path).area") { try reader.readNumber() }
            case "iscrowd": crowd = try context.field("\(path).iscrowd") { try reader.readBoolean() }
            case "segmentation" where keepSegmentation:
                segmentation = try readSegmentation(reader, context, path: "\(path).segmentation")
            default: try reader.skipValue()
            }
        }
        guard let id else { throw context.fail("\(path)", "missing \"id\"") }
        guard let imageId else { throw context.fail("\(path)", "missing \"image_id\"") }
        guard let categoryId else { throw context.fail("\(path)", "missing \"category_id\"") }
        guard let box else { throw context.fail("\(path)", "missing \"bbox\"") }
        // pycocotools requires `area`; files without it get the box area.
        return GroundTruthAnnotation(id: id, imageId: imageId, categoryId: categoryId, box: box,
                                     area: area ?? box.area, isCrowd: crowd, segmentation: segmentation)
    }

    // MARK: detections

    private static func readDetections(_ reader: JSONReader, _ context: Context, iouType: IoUType) throws -> [Detection] {
        try readDetections(reader, context, iouType: iouType, stopAt: nil).detections
    }

    /// The whole top-level array, or (with `stopAt`) its elements before that byte offset.
    private static func readDetections(_ reader: JSONReader, _ context: Context, iouType: IoUType,
                                       stopAt: Int?) throws -> (detections: [Detection], stoppedAtSplit: Bool) {
        guard reader.peek() == UInt8(ascii: "[") else {
            throw context.fail("top level", "expected an array of detections, got \(reader.describeNext())")
        }
        try reader.expect(UInt8(ascii: "["), "'['")
        let result: (detections: [Detection], stoppedAtSplit: Bool)
        if reader.peek() == UInt8(ascii: "]") {
            try reader.expect(UInt8(ascii: "]"), "']'")
            result = ([], false)
        } else {
            result = try readDetectionElements(reader, context, iouType: iouType, firstIndex: 0, stopAt: stopAt)
        }
        // Also for `[]`: the two-thread parse relies on this check (found by FuzzCocoResults).
        if !result.stoppedAtSplit && !reader.atEnd {
            throw JSONReader.SyntaxError(message: "invalid JSON: unexpected data after the document", offset: reader.position)
        }
        return result
    }

    /// Elements from the current `{` through the closing `]`, or until the next element starts at `stopAt`.
    private static func readDetectionElements(_ reader: JSONReader, _ context: Context, iouType: IoUType, firstIndex: Int,
                                              stopAt: Int?) throws -> (detections: [Detection], stoppedAtSplit: Bool) {
        var detections = [Detection]()
        // Generous: a detection takes well over 40 bytes of JSON, and untouched capacity costs no memory.
        detections.reserveCapacity(reader.byteCount / 40)
        var index = firstIndex
        while true {
            detections.append(try context.entry("[\(index)]") { try readDetection(reader, context, iouType: iouType, index: index) })
            index += 1
            let c = reader.peek()
            if c == UInt8(ascii: "]") { try reader.expect(c, "']'"); return (detections, false) }
            try reader.expect(UInt8(ascii: ","), "',' or ']'")
            if let stopAt, reader.peek() != 0, reader.position == stopAt { return (detections, true) }
        }
    }

    private static func readDetection(_ reader: JSONReader, _ context: Context, iouType: IoUType, index: Int) throws -> Detection {
        let path = EntryPath(list: "", index: index)
        try context.field("\(path)") { try requireObject(reader) }
        var imageId: Int?, categoryId: Int?, score: Double?, box: BoundingBox?, segmentation: Segmentation?
        try reader.readObject { key in
            switch key {
            case "image_id": imageId = try context.field("\(path).image_id") { try reader.readInteger() }
            case "category_id": categoryId = try context.field("\(path).category_id") { try reader.readInteger() }
            case "score": score = try context.field("\(path).score") { try reader.readNumber() }
            case "bbox": box = try readBox(reader, context, path: "\(path).bbox")
            case "segmentation": segmentation = try readSegmentation(reader, context, path: "\(path).segmentation")
            default: try reader.skipValue()
            }
        }
        guard let imageId else { throw context.fail("\(path)", "missing \"image_id\"") }
        guard let categoryId else { throw context.fail("\(path)", "missing \"category_id\"") }
        guard let score else { throw context.fail("\(path)", "missing \"score\"") }
        switch iouType {
        case .bbox where box == nil: throw context.fail("\(path)", "missing \"bbox\"")
        case .segm where segmentation == nil: throw context.fail("\(path)", "missing \"segmentation\" (needed for --iou-type segm)")
        default: break
        }
        return Detection(imageId: imageId, categoryId: categoryId, score: score, box: box, segmentation: segmentation)
    }

    /// "annotations[12]", formatted only when a message needs it (it is built for every entry).
    struct EntryPath: CustomStringConvertible {
        let list: StaticString
        let index: Int
        var description: String { "\(list)[\(index)]" }
    }

    // MARK: geometry

    private static func readBox(_ reader: JSONReader, _ context: Context, path: @autoclosure () -> String) throws -> BoundingBox {
        var values = (0.0, 0.0, 0.0, 0.0)
        var count = 0
        try context.field("\(path())") {
            try requireArray(reader)
            try reader.readArray { i in
                let v = try reader.readNumber()
                switch i { case 0: values.0 = v; case 1: values.1 = v; case 2: values.2 = v; case 3: values.3 = v; default: break }
                count = i + 1
            }
        }
        if count != 4 { throw context.fail("\(path())", "expected 4 numbers, got \(count)") }
        if values.2 < 0 { throw context.fail("\(path())", "negative width \(values.2)") }
        if values.3 < 0 { throw context.fail("\(path())", "negative height \(values.3)") }
        return BoundingBox(x: values.0, y: values.1, width: values.2, height: values.3)
    }

    private static func readSegmentation(_ reader: JSONReader, _ context: Context, path: @autoclosure () -> String) throws -> Segmentation? {
        if try reader.readNullIfPresent() { return nil }
        if reader.peek() == UInt8(ascii: "[") {
            var polygons = [[Double]]()
            try context.field("\(path())") {
                try reader.readArray { _ in
                    try requireArray(reader)
                    var polygon = [Double]()
                    try reader.readArray { _ in polygon.append(try reader.readNumber()) }
                    polygons.append(polygon)
                }
            }
            return .polygons(polygons)
        }
        try context.field("\(path())") { try requireObject(reader) }
        var size: [Int] = [], numericCounts: [UInt32]?, stringCounts: String?
        try reader.readObject { key in
            switch key {
            case "size":
                try context.field("\(path()).size") {
                    try requireArray(reader)
                    try reader.readArray { _ in size.append(try reader.readInteger()) }
                }
            case "counts":
                try context.field("\(path()).counts") {
                    if reader.peek() == UInt8(ascii: "[") {
                        var counts = [UInt32]()
                        try reader.readArray { _ in
                            let v = try reader.readInteger()
                            guard v >= 0, v <= Int(UInt32.max) else { throw JSONReader.Mismatch(message: "run length \(v) out of range") }
                            counts.append(UInt32(v))
                        }
                        numericCounts = counts
                    } else {
                        stringCounts = try reader.readString()
                    }
                }
            default: try reader.skipValue()
            }
        }
        guard size.count == 2, size[0] >= 0, size[1] >= 0 else { throw context.fail("\(path()).size", "expected [height, width]") }
        if let numericCounts {
            return .uncompressedRLE(RunLengthMask(height: size[0], width: size[1], counts: numericCounts))
        }
        guard let stringCounts else { throw context.fail("\(path())", "missing \"counts\"") }
        guard RunLengthString.decode(stringCounts) != nil else { throw context.fail("\(path()).counts", "not a COCO RLE string") }
        return .compressedRLE(height: size[0], width: size[1], counts: stringCounts)
    }
}
