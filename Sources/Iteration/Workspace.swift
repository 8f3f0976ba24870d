import Datasets
import Foundation

/// The folder `fovea iterate` works in:
///
///     WORKSPACE/
///       iterations.json          iteration names, oldest first
///       failures.json            the failure set (manifest), failures.sqlite its history
///       iterations/NAME/         one folder per iteration: train.yaml, run/, predictions.json, cams/,
///                                iteration.json (what the report shows), stages.json (stage cache keys)
///       report/                  the report (unless the config names another folder)
public struct Workspace {
    public let root: URL

    public init(root: String) throws {
        self.root = URL(fileURLWithPath: root).standardizedFileURL
        do { try FileManager.default.createDirectory(at: self.root.appendingPathComponent("iterations"), withIntermediateDirectories: true) } catch {
            throw IterationError("\(self.root.path): cannot create the workspace (\(error.localizedDescription))")
        }
    }

    public var manifest: URL { root.appendingPathComponent("failures.json") }
    public var history: URL { root.appendingPathComponent("failures.sqlite") }
    private var index: URL { root.appendingPathComponent("iterations.json") }

    public func folder(_ iteration: String) -> URL { root.appendingPathComponent("iterations").appendingPathComponent(iteration) }

    /// Iteration names in the order they were first run.
    public func iterations() throws -> [String] {
        guard let data = FileManager.default.contents(atPath: index.path) else { return [] }
        guard let names = try? JSONDecoder().decode([String].self, from: data) else { throw IterationError("\(index.path): not a JSON list of names") }
        return names
    }

    func register(_ iteration: String) throws {
        var names = try iterations()
        guard !names.contains(iteration) else { return }
        names.append(iteration)
        try JSONEncoder().encode(names).write(to: index, options: .atomic)
    }

    /// A new iteration's name: `it1`, `it2`, … after the ones there are.
    func nextName() throws -> String {
        let names = Set(try iterations())
        var n = names.count + 1
        while names.contains("it\(n)") { n += 1 }
        return "it\(n)"
    }
}

/// Which stages of an iteration are up to date: each stage's key is a hash of its inputs and of the keys of the
/// stages it reads, so changing one input re-runs that stage and everything after it, and nothing before.
struct StageCache {
    let file: URL
    private(set) var keys: [String: String]

    init(folder: URL) {
        file = folder.appendingPathComponent("stages.json")
        keys = (FileManager.default.contents(atPath: file.path)).flatMap { try? JSONDecoder().decode([String: String].self, from: $0) } ?? [:]
    }

    func isFresh(_ stage: IterateConfig.Stage, key: String) -> Bool { keys[stage.rawValue] == key }

    mutating func record(_ stage: IterateConfig.Stage, key: String) throws {
        keys[stage.rawValue] = key
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(keys).write(to: file, options: .atomic)
    }

    /// Forgets `stage` and every later one (their inputs are about to change).
    mutating func invalidate(from stage: IterateConfig.Stage) {
        for s in IterateConfig.Stage.allCases where s >= stage { keys[s.rawValue] = nil }
    }
}

/// A content hash of strings and files, for stage keys.
struct StageKey {
    private var hash = SHA256()

    init(_ stage: IterateConfig.Stage) { add("fovea-iterate-v1/\(stage.rawValue)") }

    mutating func add(_ text: String) {
        hash.update(Array(text.utf8))
        hash.update([0])
    }

    mutating func add(file path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw IterationError("\(path): cannot read") }
        defer { try? handle.close() }
        add(path)
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { chunk.withUnsafeBytes { hash.update($0) } }
        hash.update([0])
    }

    var value: String { var copy = hash; return copy.finalize() }
}
