import Foundation

/// A classification dataset laid out as `root/<class>/**/<image>.png|jpg|jpeg`, as torchvision's ImageFolder:
/// classes are the sorted subfolder names (ids in that order; hidden ones such as .ipynb_checkpoints are skipped,
/// unlike torchvision), files are found recursively and sorted, and the
/// extension test ignores case. Other files are skipped and counted.
public struct ImageFolder: Sendable {
    public struct Sample: Sendable, Equatable {
        public let path: String
        public let label: Int
    }

    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

    public let root: String
    public let classes: ClassMap
    public let samples: [Sample]
    /// Regular files that are not PNG or JPEG by extension.
    public let skippedFiles: Int

    public init(root: String) throws(DatasetError) {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: root, isDirectory: &isFolder), isFolder.boolValue else {
            throw DatasetError(file: root, problem: "no such folder")
        }
        let classNames = ((try? manager.contentsOfDirectory(atPath: root)) ?? [])
            .filter { Self.isFolder((root as NSString).appendingPathComponent($0)) && !$0.hasPrefix(".") }
            .sorted(by: Self.pythonOrder)
        guard !classNames.isEmpty else { throw DatasetError(file: root, problem: "no class folders (expected root/<class>/<image>)") }

        var samples: [Sample] = [], skipped = 0
        for (label, name) in classNames.enumerated() {
            let folder = (root as NSString).appendingPathComponent(name)
            let files = Self.filesBelow(folder)
            let images = files.filter { Self.imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
            skipped += files.count - images.count
            guard !images.isEmpty else { throw DatasetError(file: folder, problem: "class folder holds no PNG or JPEG image") }
            samples += images.map { Sample(path: $0, label: label) }
        }
        self.root = root
        self.classes = ClassMap(names: classNames)
        self.samples = samples
        self.skippedFiles = skipped
    }

    /// Splits sample indices into training and validation sets, stratified per class so every class with two or
    /// more images appears in both. The same seed always gives the same split; both lists are sorted.
    public func split(validationFraction: Double, seed: UInt64) -> (training: [Int], validation: [Int]) {
        precondition((0...1).contains(validationFraction), "validation fraction must lie in [0, 1]")
        var training: [Int] = [], validation: [Int] = []
        for label in 0..<classes.count {
            var members = samples.indices.filter { samples[$0].label == label }
            // One stream per class: adding a class does not reshuffle the others.
            var generator = SeededGenerator(seed: seed ^ (UInt64(label) &* 0x9E37_79B9_7F4A_7C15))
            generator.shuffle(&members)
            var take = Int((Double(members.count) * validationFraction).rounded())
            if validationFraction > 0, members.count >= 2 { take = min(max(take, 1), members.count - 1) }
            validation += members.prefix(take)
            training += members.dropFirst(take)
        }
        return (training.sorted(), validation.sorted())
    }

    /// Python's `sorted` on str: code-point order (Swift's `<` on String uses Unicode canonical ordering).
    static func pythonOrder(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }

    private static func isFolder(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }

    /// Regular files below `folder` in the order of `for root, _, files in sorted(os.walk(folder)): sorted(files)`:
    /// folders ordered by their whole path (so "a/s-x" comes before "a/s/t"), files sorted within each.
    private static func filesBelow(_ folder: String) -> [String] {
        var filesByFolder: [(folder: String, files: [String])] = []
        var pending = [folder]
        while let current = pending.popLast() {
            var files: [String] = []
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: current)) ?? [] {
                let path = (current as NSString).appendingPathComponent(entry)
                if isFolder(path) { pending.append(path) } else { files.append(path) }
            }
            filesByFolder.append((current, files.sorted(by: pythonOrder)))
        }
        return filesByFolder.sorted { pythonOrder($0.folder, $1.folder) }.flatMap(\.files)
    }
}
