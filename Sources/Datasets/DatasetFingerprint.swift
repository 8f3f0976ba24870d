import Foundation

/// A stable hash of a dataset's files, recorded in checkpoints so a run can tell whether its data changed.
///
/// It is the SHA-256 of one line `relative/path<TAB>size<TAB>sha256-of-bytes` per file, files in code-point order
/// of their relative paths: renaming, adding, removing or editing any file changes it; the folder's location and
/// the order files were listed in do not. File digests are streamed (1 MiB at a time) and, with a cache file,
/// reused while a file's size and modification time are unchanged.
public enum DatasetFingerprint {
    /// - Parameters:
    ///   - files: paths of the files to include (annotation files and images), each under `root`; nil takes every
    ///     regular file under `root` whose path has no hidden (dot) component.
    ///   - cachePath: a JSON file of earlier per-file digests, read if present and rewritten.
    public static func compute(root: String, files: [String]? = nil, cachePath: String? = nil) throws(DatasetError) -> String {
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL
        let paths = files ?? visibleFiles(under: rootURL.path)
        var cache = cachePath.map(Cache.load) ?? Cache()
        var lines: [(relative: String, line: String)] = []
        for path in paths {
            let full = URL(fileURLWithPath: path).standardizedFileURL.path
            let prefix = rootURL.path.hasSuffix("/") ? rootURL.path : rootURL.path + "/"  // the root may be "/" itself
            guard full.hasPrefix(prefix) else {
                throw DatasetError(file: path, problem: "lies outside the dataset root \(rootURL.path)")
            }
            let relative = String(full.dropFirst(prefix.count))
            let (size, modified) = try attributes(of: full)
            let digest: String
            if let cached = cache.entries[full], cached.size == size, cached.modified == modified {
                digest = cached.sha256
            } else {
                digest = try fileDigest(full)
                cache.entries[full] = Cache.Entry(size: size, modified: modified, sha256: digest)
            }
            lines.append((relative, "\(relative)\t\(size)\t\(digest)\n"))
        }
        if let cachePath { cache.save(to: cachePath) }
        var hasher = SHA256()
        for entry in lines.sorted(by: { ImageFolder.pythonOrder($0.relative, $1.relative) }) { hasher.update(Array(entry.line.utf8)) }
        return hasher.finalize()
    }

    /// SHA-256 of a file's bytes, read in 1 MiB chunks.
    public static func fileDigest(_ path: String) throws(DatasetError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DatasetError(file: path, problem: "cannot read the file") }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                chunk.withUnsafeBytes { hasher.update($0) }
            }
        } catch {
            throw DatasetError(file: path, problem: "cannot read the file")
        }
        return hasher.finalize()
    }

    private static func attributes(of path: String) throws(DatasetError) -> (size: Int, modified: Double) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.intValue,
              let modified = attributes[.modificationDate] as? Date else {
            throw DatasetError(file: path, problem: "no such file")
        }
        return (size, modified.timeIntervalSince1970)
    }

    private static func visibleFiles(under root: String) -> [String] {
        let relative = FileManager.default.subpaths(atPath: root) ?? []
        return relative.filter { !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
            .map { (root as NSString).appendingPathComponent($0) }
            .filter { path in
                var isFolder: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue
            }
    }

    /// Per-file digests by absolute path. A missing or unreadable cache is an empty one; failing to save it only
    /// costs time on the next run, so it is not an error.
    struct Cache: Codable {
        struct Entry: Codable {
            var size: Int
            var modified: Double
            var sha256: String
        }

        var entries: [String: Entry] = [:]

        static func load(_ path: String) -> Cache {
            guard let data = FileManager.default.contents(atPath: path),
                  let cache = try? JSONDecoder().decode(Cache.self, from: data) else { return Cache() }
            return cache
        }

        func save(to path: String) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard let data = try? encoder.encode(self) else { return }
            try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                     withIntermediateDirectories: true)
            try? data.write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }
}
