import Foundation

/// Paths and expected values shared by the tests. Goldens are written by scripts/goldens/pngsuite.py.
enum Goldens {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    struct Expected: Decodable {
        let width: Int?
        let height: Int?
        let layout: String?
        let bitDepth: Int?
        let sha256: String?
        let pixels: [Probe]?
        let indicesSha256: String?
        let error: Bool?
        let pixelLimit: Bool?
    }

    /// `[x, y, [values]]` in the JSON.
    struct Probe: Decodable {
        let x: Int, y: Int, values: [Int]
        init(from decoder: Decoder) throws {
            var fields = try decoder.unkeyedContainer()
            x = try fields.decode(Int.self)
            y = try fields.decode(Int.self)
            values = try fields.decode([Int].self)
        }
    }

    static func expected(in folder: String) -> [String: Expected] {
        guard let data = FileManager.default.contents(atPath: path("fixtures/\(folder)/expected.json")),
              let table = try? JSONDecoder().decode([String: Expected].self, from: data) else { return [:] }
        return table
    }

    static let png = expected(in: "pngsuite")
    static let jpeg = expected(in: "jpeg")
}
