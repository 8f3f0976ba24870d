import Datasets
import Foundation
import Testing

@Suite struct DatasetFingerprintTests {
    static func dataset() throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        try folder.file("data/a/1.png", Data([1, 2, 3]))
        try folder.file("data/b/2.png", Data([4, 5]))
        try folder.file("data/annotations.json", Data("{}".utf8))
        try folder.file("data/.DS_Store", Data([9]))
        return folder
    }

    /// The definition, spelled out: SHA-256 over sorted "path TAB size TAB sha256" lines.
    @Test func followsItsDefinition() throws {
        let folder = try Self.dataset()
        defer { folder.remove() }
        let lines = [("a/1.png", [UInt8]([1, 2, 3])), ("annotations.json", Array("{}".utf8)), ("b/2.png", [4, 5])]
            .map { "\($0.0)\t\($0.1.count)\t\(SHA256.hex($0.1))\n" }.joined()
        #expect(try DatasetFingerprint.compute(root: folder.path + "/data") == SHA256.hex(Array(lines.utf8)))
    }

    @Test func ignoresListingOrderButNotContentOrNames() throws {
        let folder = try Self.dataset()
        defer { folder.remove() }
        let root = folder.path + "/data"
        let files = ["a/1.png", "b/2.png", "annotations.json"].map { root + "/" + $0 }
        let original = try DatasetFingerprint.compute(root: root, files: files)
        #expect(try DatasetFingerprint.compute(root: root, files: files.reversed()) == original)
        #expect(try DatasetFingerprint.compute(root: root) == original, "hidden files are left out")
        try folder.file("data/b/2.png", Data([4, 6]))
        let edited = try DatasetFingerprint.compute(root: root, files: files)
        #expect(edited != original)
        try FileManager.default.moveItem(atPath: root + "/b/2.png", toPath: root + "/b/3.png")
        #expect(try DatasetFingerprint.compute(root: root) != edited)
    }

    /// A cached digest is reused while size and mtime match, and recomputed when the mtime moves.
    @Test func cacheIsKeyedBySizeAndModificationTime() throws {
        let folder = try Self.dataset()
        defer { folder.remove() }
        let root = folder.path + "/data", cache = folder.path + "/cache/fingerprints.json"
        let honest = try DatasetFingerprint.compute(root: root, cachePath: cache)
        // Plant a wrong digest: a cache that is read gives a different fingerprint.
        let text = try String(contentsOfFile: cache, encoding: .utf8)
        let real = SHA256.hex([UInt8]([1, 2, 3]))
        try text.replacingOccurrences(of: real, with: String(repeating: "0", count: 64)).write(toFile: cache, atomically: true, encoding: .utf8)
        #expect(try DatasetFingerprint.compute(root: root, cachePath: cache) != honest)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000)],
                                              ofItemAtPath: root + "/a/1.png")
        #expect(try DatasetFingerprint.compute(root: root, cachePath: cache) == honest)
    }

    @Test func refusesFilesOutsideTheRootAndMissingFiles() throws {
        let folder = try Self.dataset()
        defer { folder.remove() }
        let root = folder.path + "/data"
        #expect(throws: DatasetError(file: root + "/../x.png", problem: "lies outside the dataset root \(root)")) {
            try DatasetFingerprint.compute(root: root, files: [root + "/../x.png"])
        }
        #expect(throws: DatasetError(file: root + "/gone.png", problem: "no such file")) {
            try DatasetFingerprint.compute(root: root, files: [root + "/gone.png"])
        }
    }
}
