import Datasets
import Foundation
import Testing

@Suite struct ImageFolderTests {
    /// Classes in code-point order ("B" < "a"), files recursive and sorted as torchvision, non-images skipped.
    @Test func listsClassesAndFilesLikeTorchvision() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for file in ["a/2.png", "a/10.JPG", "a/s/t/3.png", "a/s-x/4.jpeg", "a/notes.txt", "B/1.png", ".hidden/5.png"] {
            try folder.file(file)
        }
        let dataset = try ImageFolder(root: folder.path)
        #expect(dataset.classes.names == ["B", "a"])
        #expect(dataset.classes.id(of: "a") == 1)
        #expect(dataset.classes.name(of: 0) == "B")
        #expect(dataset.classes.name(of: 2) == nil)
        let relative = dataset.samples.map { String($0.path.dropFirst(folder.path.count + 1)) }
        #expect(relative == ["B/1.png", "a/10.JPG", "a/2.png", "a/s-x/4.jpeg", "a/s/t/3.png"])
        #expect(dataset.samples.map(\.label) == [0, 1, 1, 1, 1])
        #expect(dataset.skippedFiles == 1)
    }

    @Test func refusesMissingRootAndEmptyClasses() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(throws: DatasetError(file: folder.path, problem: "no class folders (expected root/<class>/<image>)")) {
            try ImageFolder(root: folder.path)
        }
        try folder.file("cat/readme.md")
        let catFolder = (folder.path as NSString).appendingPathComponent("cat")
        #expect(throws: DatasetError(file: catFolder, problem: "class folder holds no PNG or JPEG image")) {
            try ImageFolder(root: folder.path)
        }
        #expect(throws: DatasetError(file: folder.path + "/nope", problem: "no such folder")) {
            try ImageFolder(root: folder.path + "/nope")
        }
    }

    @Test func splitIsDeterministicStratifiedAndDisjoint() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for index in 0..<20 { try folder.file("many/\(index).png") }
        for index in 0..<3 { try folder.file("few/\(index).png") }
        let dataset = try ImageFolder(root: folder.path)
        let first = dataset.split(validationFraction: 0.25, seed: 7)
        #expect(first == dataset.split(validationFraction: 0.25, seed: 7))
        #expect(first != dataset.split(validationFraction: 0.25, seed: 8))
        #expect(Set(first.training).isDisjoint(with: first.validation))
        #expect((first.training + first.validation).sorted() == Array(dataset.samples.indices))
        let validationLabels = first.validation.map { dataset.samples[$0].label }
        #expect(validationLabels.filter { $0 == dataset.classes.id(of: "many") }.count == 5)
        #expect(validationLabels.filter { $0 == dataset.classes.id(of: "few") }.count == 1)
        #expect(dataset.split(validationFraction: 0, seed: 7).validation.isEmpty)
    }

    @Test func classMapRoundTripsThroughJSON() throws {
        let map = ClassMap(names: ["circle", "ellipse"])
        let json = try JSONEncoder().encode(map)
        #expect(String(decoding: json, as: UTF8.self) == #"["circle","ellipse"]"#)
        #expect(try JSONDecoder().decode(ClassMap.self, from: json) == map)
    }
}
