import Datasets
import Foundation
import Testing

@Suite struct ShapesFixtureTests {
    /// Every file below `folder`, by relative path.
    static func files(in folder: String) -> [String: Data] {
        let relative = (FileManager.default.subpaths(atPath: folder) ?? []).filter { !isFolder(folder + "/" + $0) }
        return Dictionary(uniqueKeysWithValues: relative.map { ($0, FileManager.default.contents(atPath: folder + "/" + $0) ?? Data()) })
    }

    static func isFolder(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }

    static func manifest(_ folder: String) throws -> [ShapesFixture.ManifestEntry] {
        let data = try #require(FileManager.default.contents(atPath: folder + "/manifest.json"))
        return try JSONDecoder().decode([ShapesFixture.ManifestEntry].self, from: data)
    }

    /// The committed sample (fovea fixtures shapes --task T --out fixtures/shapes/T --images 10 --seed 0) is
    /// regenerated exactly: JSON byte for byte, PNGs pixel for pixel (their compressed bytes depend on the zlib
    /// build, which is not ours to pin).
    @Test(arguments: ShapesFixture.Task.allCases)
    func regeneratesTheCommittedSample(task: ShapesFixture.Task) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        _ = try ShapesFixture.write(task: task, images: 10, seed: 0, to: folder.path + "/out")
        let committed = Self.files(in: Goldens.path("fixtures/shapes/\(task.rawValue)"))
        let regenerated = Self.files(in: folder.path + "/out")
        #expect(committed.count >= 11)
        #expect(regenerated.keys.sorted() == committed.keys.sorted())
        for (name, bytes) in committed {
            guard name.hasSuffix(".png") else {
                #expect(regenerated[name] == bytes, "\(task.rawValue)/\(name) differs")
                continue
            }
            let expected = try ImageCodecs.decode(bytes, file: name)
            #expect(try ImageCodecs.decode(regenerated[name] ?? Data(), file: name) == expected, "\(task.rawValue)/\(name) differs")
        }
    }

    @Test func seedChangesTheImagesAndFewerImagesArePrefixes() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        _ = try ShapesFixture.write(task: .detection, images: 3, seed: 0, to: folder.path + "/three")
        _ = try ShapesFixture.write(task: .detection, images: 3, seed: 1, to: folder.path + "/other")
        let three = Self.files(in: folder.path + "/three"), other = Self.files(in: folder.path + "/other")
        let committed = Self.files(in: Goldens.path("fixtures/shapes/detection"))
        for name in ["images/0000.png", "images/0001.png", "images/0002.png"] {
            let pixels = try ImageCodecs.decode(try #require(three[name]), file: name)
            let committedPixels = try ImageCodecs.decode(try #require(committed[name]), file: name)
            let otherPixels = try ImageCodecs.decode(try #require(other[name]), file: name)
            #expect(pixels == committedPixels, "\(name) must not depend on --images")
            #expect(pixels != otherPixels, "\(name) must depend on --seed")
        }
    }

    /// Every difficulty the fixture promises shows up in the committed ten-image samples: images 0–4 carry one
    /// each, images 5–9 are plain.
    @Test(arguments: ShapesFixture.Task.allCases)
    func containsEveryDifficulty(task: ShapesFixture.Task) throws {
        let entries = try Self.manifest(Goldens.path("fixtures/shapes/\(task.rawValue)"))
        #expect(entries.count == 10)
        #expect(Set(entries.prefix(5).map(\.difficulty)) == Set(Difficulty.allCases.map(\.rawValue)))
        #expect(entries.suffix(5).allSatisfy { $0.difficulty == "plain" && $0.tags.isEmpty })
        let tags = Set(entries.flatMap(\.tags))
        #expect(tags == Set(Difficulty.allCases.map(\.rawValue)))
    }

    /// 80 % of the images are plain; the others show exactly the one difficulty the manifest names, each difficulty
    /// equally often. In classification every class gets hard images, and look-alike only goes to the classes
    /// that have one.
    @Test(arguments: ShapesFixture.Task.allCases)
    func mostImagesArePlainAndTheRestCarryOneDifficulty(task: ShapesFixture.Task) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let summary = try ShapesFixture.write(task: task, images: 50, seed: 7, to: folder.path + "/out")
        let entries = try Self.manifest(folder.path + "/out")
        #expect(summary.plain == 40)
        #expect(entries.filter { $0.difficulty == "plain" }.count == 40)
        for difficulty in Difficulty.allCases {
            #expect(entries.filter { $0.difficulty == difficulty.rawValue }.count == 2, "\(difficulty)")
            #expect(summary.tagCounts[difficulty] == 2, "\(difficulty)")
        }
        for entry in entries {
            #expect(entry.tags == (entry.difficulty == "plain" ? [] : [entry.difficulty]), "\(entry.file)")
        }
        guard task == .classification else { return }
        let hard = entries.filter { $0.difficulty != "plain" }
        #expect(Set(hard.map { $0.objects[0].class }) == Set(ShapeClass.allCases.map(\.rawValue)))
        #expect(Set(hard.filter { $0.difficulty == "lookalike" }.map { $0.objects[0].class }) == ["rectangle", "ellipse"])
    }

    @Test func classificationIsABalancedImageFolder() throws {
        let dataset = try ImageFolder(root: Goldens.path("fixtures/shapes/classification"))
        #expect(dataset.classes.names == ["circle", "ellipse", "rectangle", "square", "triangle"])
        #expect((0..<5).map { label in dataset.samples.filter { $0.label == label }.count } == [2, 2, 2, 2, 2])
        let image = try ImageCodecs.read(path: dataset.samples[0].path)
        #expect(image.width == 64 && image.height == 64 && image.layout == .rgb)
    }

    /// Boxes, areas and run-length masks agree with each other and lie inside their images.
    @Test func detectionAnnotationsAreConsistent() throws {
        let folder = Goldens.path("fixtures/shapes/detection")
        let data = try #require(FileManager.default.contents(atPath: folder + "/annotations.json"))
        let coco = try JSONDecoder().decode(COCOInstances.self, from: data)
        #expect(coco.images.count == 10)
        #expect(coco.categories.map(\.name) == ShapeClass.allCases.map(\.rawValue))
        #expect(coco.annotations.count == (try Self.manifest(folder)).reduce(0) { $0 + $1.objects.count })
        var kinds = Set<String>()
        for annotation in coco.annotations {
            let box = annotation.bbox
            #expect(box[0] >= 0 && box[1] >= 0 && box[2] >= 1 && box[3] >= 1 && box[0] + box[2] <= 128 && box[1] + box[3] <= 128)
            #expect(annotation.area >= 4 && annotation.area <= box[2] * box[3])
            #expect((1...5).contains(annotation.categoryID))
            switch annotation.segmentation {
            case .runLengths(let counts, let height, let width):
                kinds.insert("rle")
                #expect(counts.reduce(0, +) == height * width)
                let foreground = stride(from: 1, to: counts.count, by: 2).reduce(0) { $0 + counts[$1] }
                #expect(Double(foreground) == annotation.area)
            case .polygons(let polygons):
                kinds.insert("polygon")
                #expect(polygons.count == 1 && polygons[0].count >= 6 && polygons[0].count % 2 == 0)
            default:
                Issue.record("unexpected segmentation kind")
            }
        }
        #expect(kinds == ["rle", "polygon"])
        let image = try ImageCodecs.read(path: folder + "/images/0000.png")
        #expect(image.width == 128 && image.layout == .rgb)
    }

    /// Masks hold only background, the five classes and ignore, and show every class the manifest lists.
    @Test func segmentationMasksMatchTheManifest() throws {
        let folder = Goldens.path("fixtures/shapes/segmentation")
        for entry in try Self.manifest(folder) {
            let mask = try SegmentationMask.read(path: folder + "/" + (entry.mask ?? "missing"))
            let histogram = mask.histogram()
            let present = Set(histogram.indices.filter { histogram[$0] > 0 })
            #expect(present.isSubset(of: Set(0...5).union([255])))
            #expect(histogram[255] > 0, "object edges are marked ignore")
            for object in entry.objects {
                let label = ShapeClass.allCases.firstIndex { $0.rawValue == object.class }.map { $0 + 1 } ?? -1
                #expect(present.contains(label), "\(entry.file): \(object.class) missing from its mask")
            }
        }
        let classes = try JSONDecoder().decode([String].self, from: try #require(FileManager.default.contents(atPath: folder + "/classes.json")))
        #expect(classes == ["background", "square", "rectangle", "circle", "ellipse", "triangle"])
    }

    @Test func refusesANonEmptyFolderAndZeroImages() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.file("keep.txt")
        #expect(throws: DatasetError(file: folder.path, problem: "out: folder is not empty; choose a new or empty folder")) {
            try ShapesFixture.write(task: .segmentation, images: 2, seed: 0, to: folder.path)
        }
        #expect(throws: DatasetError.self) { try ShapesFixture.write(task: .segmentation, images: 0, seed: 0, to: folder.path + "/new") }
    }
}
