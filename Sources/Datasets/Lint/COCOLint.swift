import Foundation

/// Lint of a COCO instances file and the images it names.
struct COCOLint {
    let annotationFile: String
    let imageRoot: String
    let options: DatasetLint.Options
    private(set) var findings: [LintFinding] = []

    init(annotationFile: String, imageRoot: String, options: DatasetLint.Options) {
        self.annotationFile = annotationFile
        self.imageRoot = imageRoot
        self.options = options
    }

    private mutating func error(_ check: String, _ location: String, _ message: String) {
        findings.append(LintFinding(.error, check, file: annotationFile, location: location, message))
    }

    private mutating func warning(_ check: String, _ location: String, _ message: String) {
        findings.append(LintFinding(.warning, check, file: annotationFile, location: location, message))
    }

    mutating func run() {
        guard let data = FileManager.default.contents(atPath: annotationFile) else {
            return error("json-invalid", "", "cannot read the file")
        }
        let parsed = JSONValue.parse(data)
        guard let document = parsed.value else { return error("json-invalid", "", parsed.problem ?? "not valid JSON") }
        if !parsed.strict && !document.containsNonFinite {
            error("json-invalid", "", "not standard JSON (comments, trailing commas or single quotes)")
        }
        guard let images = document["images"]?.array, let annotations = document["annotations"]?.array,
              let categories = document["categories"]?.array else {
            return error("field-missing", "", "a COCO instances file needs \"images\", \"annotations\" and \"categories\" arrays")
        }
        let categoryNames = checkCategories(categories)
        let imageSizes = checkImages(images)
        let counts = checkAnnotations(annotations, imageSizes: imageSizes, categoryIDs: Set(categoryNames.map(\.id)))

        var warned: Set<Int> = []  // a duplicated image id is reported once, as a duplicate
        for (index, image) in images.enumerated() {
            if let id = image["id"]?.integer, warned.insert(id).inserted, counts.perImage[id, default: 0] == 0 {
                warning("image-without-annotations", "images[\(index)]", "\(image["file_name"]?.string ?? "image \(id)") has no annotations")
            }
        }
        findings += ClassBalance.findings(categoryNames.map { ($0.name, counts.perCategory[$0.id, default: 0]) },
                                          file: annotationFile, unit: "annotations", options: options)
    }

    /// Category ids and names, in file order; reports missing and duplicate ids.
    private mutating func checkCategories(_ categories: [JSONValue]) -> [(id: Int, name: String)] {
        var seen: Set<Int> = [], result: [(id: Int, name: String)] = []
        for (index, category) in categories.enumerated() {
            guard let id = category["id"]?.integer else {
                error("field-missing", "categories[\(index)].id", "category id must be an integer")
                continue
            }
            if !seen.insert(id).inserted { error("id-duplicate", "categories[\(index)].id", "category id \(id) appears more than once") }
            else { result.append((id, category["name"]?.string ?? "category \(id)")) }
        }
        return result
    }

    /// Declared sizes by image id; reports bad fields, duplicate ids, escaping names, unreadable and mis-sized files.
    private mutating func checkImages(_ images: [JSONValue]) -> [Int: (width: Int, height: Int)] {
        var sizes: [Int: (width: Int, height: Int)] = [:], surveys: [ImageSurvey] = []
        var files: [(location: String, name: String, path: String, width: Int, height: Int)] = []
        let root = URL(fileURLWithPath: imageRoot).standardizedFileURL.path
        for (index, image) in images.enumerated() {
            let location = "images[\(index)]"
            guard let id = image["id"]?.integer else { error("field-missing", location + ".id", "image id must be an integer"); continue }
            guard let name = image["file_name"]?.string else { error("field-missing", location + ".file_name", "file_name must be a string"); continue }
            guard let width = image["width"]?.integer, let height = image["height"]?.integer, width > 0, height > 0 else {
                error("field-missing", location, "width and height must be positive integers")
                continue
            }
            guard sizes[id] == nil else { error("id-duplicate", location + ".id", "image id \(id) appears more than once"); continue }
            sizes[id] = (width, height)

            let path = URL(fileURLWithPath: name, relativeTo: URL(fileURLWithPath: root + "/")).standardizedFileURL.path
            guard !name.hasPrefix("/"), path.hasPrefix(root + "/") else {
                error("file-name-escapes-root", location + ".file_name", "\"\(name)\" points outside the image folder \(imageRoot)")
                continue
            }
            files.append((location, name, path, width, height))
        }
        for (file, result) in zip(files, ImageSurvey.readAll(files.map(\.path), limits: options.limits)) {
            switch result {
            case .failure(let failure):
                error("image-unreadable", file.location + ".file_name", failure.description)
            case .success(let survey):
                surveys.append(survey)
                if survey.width != file.width || survey.height != file.height {
                    error("image-size-mismatch", file.location,
                          "\(file.name) is \(survey.width)×\(survey.height), the file says \(file.width)×\(file.height)")
                }
            }
        }
        findings += ImageSurvey.duplicates(surveys, threshold: options.nearDuplicateThreshold)
        return sizes
    }

    private mutating func checkAnnotations(_ annotations: [JSONValue], imageSizes: [Int: (width: Int, height: Int)],
                                           categoryIDs: Set<Int>) -> (perImage: [Int: Int], perCategory: [Int: Int]) {
        var seen: Set<Int> = [], perImage: [Int: Int] = [:], perCategory: [Int: Int] = [:]
        for (index, annotation) in annotations.enumerated() {
            let location = "annotations[\(index)]"
            if let id = annotation["id"]?.integer {
                if !seen.insert(id).inserted { error("id-duplicate", location + ".id", "annotation id \(id) appears more than once") }
            } else {
                error("field-missing", location + ".id", "annotation id must be an integer")
            }
            let imageID = annotation["image_id"]?.integer
            let size = imageID.flatMap { imageSizes[$0] }
            if size == nil { error("image-id-unknown", location + ".image_id", "no image has id \(annotation["image_id"].map(describe) ?? "(missing)")") }
            if let category = annotation["category_id"]?.integer, categoryIDs.contains(category) {
                perCategory[category, default: 0] += 1
            } else {
                error("label-unknown", location + ".category_id",
                      "\(annotation["category_id"].map(describe) ?? "(missing)") is not among the categories")
            }
            if let imageID { perImage[imageID, default: 0] += 1 }
            checkBox(annotation["bbox"], location + ".bbox", size)
            if let segmentation = annotation["segmentation"] { checkSegmentation(segmentation, location + ".segmentation", size) }
            if let area = annotation["area"]?.number, !area.isFinite { error("coordinate-non-finite", location + ".area", "area is \(area)") }
        }
        return (perImage, perCategory)
    }

    private mutating func checkBox(_ value: JSONValue?, _ location: String, _ size: (width: Int, height: Int)?) {
        guard let values = value?.array, values.count == 4, case let numbers = values.compactMap(\.number), numbers.count == 4 else {
            return error("field-missing", location, "bbox must be [x, y, width, height]")
        }
        guard numbers.allSatisfy(\.isFinite) else {
            return error("coordinate-non-finite", location, "box \(numbers) has a NaN or infinite coordinate")
        }
        let (x, y, width, height) = (numbers[0], numbers[1], numbers[2], numbers[3])
        if width <= 0 || height <= 0 {
            error("box-reversed", location, "width \(width) and height \(height) must be positive (corners swapped, or [x1, y1, x2, y2] given?)")
        }
        // Half a pixel of slack: boxes rounded outwards by annotation tools are not errors.
        if let size, x < -0.5 || y < -0.5 || x + max(width, 0) > Double(size.width) + 0.5 || y + max(height, 0) > Double(size.height) + 0.5 {
            error("box-outside-image", location, "box \(numbers) extends beyond the \(size.width)×\(size.height) image")
        }
    }

    private mutating func checkSegmentation(_ value: JSONValue, _ location: String, _ size: (width: Int, height: Int)?) {
        if let polygons = value.array {
            // "Empty" only when every polygon is well formed yet they enclose nothing; a malformed one says more.
            var total = 0.0, wellFormed = 0
            for (index, polygon) in polygons.enumerated() {
                let here = "\(location)[\(index)]"
                guard let values = polygon.array, case let coordinates = values.compactMap(\.number), coordinates.count == values.count else {
                    error("field-missing", here, "a polygon must be a list of numbers")
                    continue
                }
                if !coordinates.allSatisfy(\.isFinite) { error("coordinate-non-finite", here, "polygon has a NaN or infinite coordinate"); continue }
                if coordinates.count % 2 == 1 {
                    error("polygon-odd-coordinates", here, "\(coordinates.count) numbers: the polygon is not closed into x, y pairs")
                    continue
                }
                let points = PolygonChecks.points(coordinates)
                if points.count < 3 { error("polygon-too-few-points", here, "\(points.count) points; a polygon needs at least 3"); continue }
                if let (first, second) = PolygonChecks.selfIntersection(points) {
                    error("polygon-self-intersecting", here, "edges \(first) and \(second) cross")
                    continue
                }
                total += PolygonChecks.area(points)
                wellFormed += 1
            }
            // An empty list is how box-only exports say "no mask", not an empty mask.
            if total == 0 && wellFormed == polygons.count && !polygons.isEmpty { error("mask-empty", location, "the polygons enclose no area") }
            return
        }
        guard let dimensions = value["size"]?.array?.compactMap(\.integer), dimensions.count == 2 else {
            return error("field-missing", location, "segmentation must be polygons or {\"counts\", \"size\": [height, width]}")
        }
        let (height, width) = (dimensions[0], dimensions[1])
        if let size, size.width != width || size.height != height {
            error("image-size-mismatch", location + ".size", "mask is \(width)×\(height), the image \(size.width)×\(size.height)")
        }
        let counts: [Int]?
        if let text = value["counts"]?.string { counts = CompressedRunLengths.decode(text) }
        else { counts = value["counts"]?.array?.compactMap(\.integer) }
        guard let counts, counts.allSatisfy({ $0 >= 0 }), counts.reduce(0, +) == width * height else {
            return error("rle-invalid", location + ".counts", "run lengths must be non-negative and add up to \(width)×\(height)")
        }
        if stride(from: 1, to: counts.count, by: 2).allSatisfy({ counts[$0] == 0 }) {
            error("mask-empty", location, "the run-length mask has no foreground pixel")
        }
    }

    private func describe(_ value: JSONValue) -> String {
        switch value {
        case .number(let number): number.rounded() == number && number.isFinite ? String(Int(number)) : String(number)
        case .string(let text): "\"\(text)\""
        case .null: "null"
        default: "a non-number"
        }
    }
}
