import Foundation
import FuzzTargets

/// The seed and regression inputs of one harness, from fixtures/fuzz/<harness>/{seeds,regressions}.
struct Corpus {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/fuzz")

    let seeds: [(name: String, bytes: Data)]
    let regressions: [(name: String, bytes: Data)]

    init(_ target: FuzzTarget) {
        let folder = Self.root.appendingPathComponent(target.harness)
        seeds = Self.files(in: folder.appendingPathComponent("seeds"))
        regressions = Self.files(in: folder.appendingPathComponent("regressions"))
    }

    private static func files(in folder: URL) -> [(name: String, bytes: Data)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().compactMap { name in
            FileManager.default.contents(atPath: folder.appendingPathComponent(name).path).map { (name, $0) }
        }
    }
}
