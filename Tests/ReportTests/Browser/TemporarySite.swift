import Foundation

/// A folder of files for one test, removed when the value is released.
final class TemporarySite {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("fovea-site-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Writes `contents` at `name` (subfolders created) and returns its file:// URL.
    @discardableResult
    func write(_ name: String, _ contents: String) throws -> URL {
        try write(name, Data(contents.utf8))
    }

    @discardableResult
    func write(_ name: String, _ contents: Data) throws -> URL {
        let url = self.url(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: url)
        return url
    }

    func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    deinit { try? FileManager.default.removeItem(at: folder) }
}
