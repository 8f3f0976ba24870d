import Foundation

/// `fovea fixtures shapes`: a deterministic synthetic dataset written as real files, built to contain every
/// error type (small objects, look-alike classes, occlusion, low contrast, clutter) in known places: 80 % of the
/// images are plain, and the first five of every 25 carry one difficulty each (`DifficultySchedule`).
///
/// Layout under the output folder:
/// - classification: `<class>/NNNN.png` (64 × 64, ImageFolder layout)
/// - detection: `images/NNNN.png` (128 × 128) and `annotations.json` (COCO instances; polygons for fully visible
///   objects, uncompressed RLE for occluded ones)
/// - segmentation: `images/NNNN.png`, `masks/NNNN.png` (class indices, 0 = background, 255 = ignore on edges) and
///   `classes.json`
/// - all: `manifest.json`, per image its file, its difficulty ("plain" or one `Difficulty`), objects and tags.
///
/// Image k depends only on the seed and k, so a run with more images extends a run with fewer.
public enum ShapesFixture {
    public enum Task: String, CaseIterable, Sendable { case classification, detection, segmentation }

    public struct Summary: Sendable, Equatable {
        public var images = 0
        public var objects = 0
        /// Images with no difficulty.
        public var plain = 0
        /// Images carrying each difficulty.
        public var tagCounts: [Difficulty: Int] = [:]
    }

    /// One manifest line.
    public struct ManifestEntry: Codable, Sendable, Equatable {
        public struct Object: Codable, Sendable, Equatable {
            public var `class`: String
            public var tags: [String]
        }

        /// What `difficulty` says of an image made plain.
        public static let plain = "plain"

        public var file: String
        public var mask: String?
        /// The one difficulty the image was made with (a `Difficulty` raw value), or "plain": the key to group by.
        public var difficulty: String
        /// The difficulties the rendered image shows (empty for plain images).
        public var tags: [String]
        public var objects: [Object]
    }

    public static func write(task: Task, images: Int, seed: UInt64, to folder: String) throws(DatasetError) -> Summary {
        guard images > 0 else { throw DatasetError(file: folder, problem: "images: must be at least 1, got \(images)") }
        try prepare(folder)
        let size = task == .classification ? 64 : 128
        let digits = max(4, String(images - 1).count)
        var summary = Summary()
        var manifest: [ManifestEntry] = []
        var coco = COCOInstances(images: [], annotations: [], categories: ShapeClass.allCases.enumerated().map {
            COCOInstances.Category(id: $0.offset + 1, name: $0.element.rawValue, supercategory: "shape")
        })

        for index in 0..<images {
            let difficulty = DifficultySchedule.difficulty(ofImage: index, task: task)
            var sampler = ShapesSceneSampler(random: SeededGenerator(seed: imageSeed(seed, index)), width: size, height: size)
            let shapeClass = ShapeClass.allCases[index % ShapeClass.allCases.count]
            var attempt = 0, scene: Scene, rendered: RenderedScene
            // Redraw (from the same stream, so still deterministic) until the picture shows exactly the scheduled
            // difficulty: an occluder may cover too little, or placement may drop the object it was meant for.
            repeat {
                scene = task == .classification ? sampler.classificationScene(of: shapeClass, difficulty: difficulty)
                                                : sampler.detectionScene(difficulty: difficulty)
                rendered = RenderedScene(scene)
                attempt += 1
            } while attempt < 100 && !rendered.shows(only: difficulty, objects: task == .classification ? 1 : nil)
            let name = String(repeating: "0", count: max(0, digits - String(index).count)) + String(index) + ".png"

            var entry = ManifestEntry(file: "", mask: nil, difficulty: difficulty?.rawValue ?? ManifestEntry.plain,
                                      tags: rendered.imageTags.map(\.rawValue).sorted(),
                                      objects: rendered.objects.map {
                                          .init(class: $0.source.shapeClass.rawValue, tags: $0.tags.map(\.rawValue).sorted())
                                      })
            switch task {
            case .classification:
                entry.file = "\(scene.objects[0].shapeClass.rawValue)/\(name)"
            case .detection:
                entry.file = "images/\(name)"
                coco.images.append(.init(id: index + 1, fileName: name, width: size, height: size))
                for object in rendered.objects {
                    coco.annotations.append(annotation(object, id: coco.annotations.count + 1, imageID: index + 1,
                                                       width: size, height: size))
                }
            case .segmentation:
                entry.file = "images/\(name)"
                entry.mask = "masks/\(name)"
                try save { () throws(ImageCodecError) in
                    try SegmentationMask(width: size, height: size, labels: rendered.semanticLabels)
                        .write(to: path(folder, "masks/\(name)"))
                }
            }
            try save { () throws(ImageCodecError) in try ImageCodecs.writePNG(rendered.image, to: path(folder, entry.file)) }
            manifest.append(entry)
            summary.images += 1
            summary.objects += rendered.objects.count
            for tag in rendered.imageTags { summary.tagCounts[tag, default: 0] += 1 }
            if rendered.imageTags.isEmpty { summary.plain += 1 }
        }

        try writeJSON(manifest, to: path(folder, "manifest.json"))
        if task == .detection { try writeJSON(coco, to: path(folder, "annotations.json")) }
        if task == .segmentation { try writeJSON(["background"] + ShapeClass.allCases.map(\.rawValue), to: path(folder, "classes.json")) }
        return summary
    }

    /// Independent streams per image, so image k does not depend on how many images came before.
    static func imageSeed(_ seed: UInt64, _ index: Int) -> UInt64 {
        var mixer = SeededGenerator(seed: seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
        return mixer.next()
    }

    static func annotation(_ object: RenderedScene.Object, id: Int, imageID: Int, width: Int, height: Int) -> COCOInstances.Annotation {
        let pixels = object.mask.indices.filter { object.mask[$0] }
        let xs = pixels.map { $0 % width }, ys = pixels.map { $0 / width }
        let bbox = [xs.min()!, ys.min()!, xs.max()! - xs.min()! + 1, ys.max()! - ys.min()! + 1].map(Double.init)
        let segmentation: COCOInstances.Segmentation
        if object.tags.contains(.occluded) {
            segmentation = .runLengths(counts: columnMajorRuns(object.mask, width: width, height: height), height: height, width: width)
        } else {
            let outline = object.source.primitive.polygon().flatMap { [$0.x, $0.y] }.map { ($0 * 100).rounded() / 100 }
            segmentation = .polygons([outline])
        }
        return .init(id: id, imageID: imageID, categoryID: ShapeClass.allCases.firstIndex(of: object.source.shapeClass)! + 1,
                     bbox: bbox, area: Double(pixels.count), segmentation: segmentation)
    }

    /// COCO's uncompressed RLE: runs down the columns, alternating background and foreground, background first.
    static func columnMajorRuns(_ mask: [Bool], width: Int, height: Int) -> [Int] {
        var runs: [Int] = [], current = false, length = 0
        for x in 0..<width {
            for y in 0..<height {
                if mask[y * width + x] != current {
                    runs.append(length)
                    current.toggle()
                    length = 0
                }
                length += 1
            }
        }
        runs.append(length)
        return runs
    }

    private static func prepare(_ folder: String) throws(DatasetError) {
        let manager = FileManager.default
        if let existing = try? manager.contentsOfDirectory(atPath: folder), !existing.isEmpty {
            throw DatasetError(file: folder, problem: "out: folder is not empty; choose a new or empty folder")
        }
        do {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw DatasetError(file: folder, problem: "out: cannot create the folder")
        }
    }

    private static func path(_ folder: String, _ relative: String) -> String {
        let full = (folder as NSString).appendingPathComponent(relative)
        try? FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        return full
    }

    private static func save(_ write: () throws(ImageCodecError) -> Void) throws(DatasetError) {
        do { try write() } catch { throw DatasetError(file: error.file, problem: error.problem) }
    }

    private static func writeJSON<Value: Encodable>(_ value: Value, to path: String) throws(DatasetError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            try (encoder.encode(value) + Data("\n".utf8)).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DatasetError(file: path, problem: "cannot write the file")
        }
    }
}
