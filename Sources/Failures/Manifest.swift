import Foundation

/// One curated failure: what it points at and why it is in the set.
public struct FailureCase: Sendable, Equatable, Codable {
    public var id: String
    public var image: String
    public var target: CaseTarget
    /// The error type when the case was added.
    public var error: String
    /// Iteration in which the case was first seen failing.
    public var firstSeen: String
    /// Pinned cases survive re-selection; `fovea failures select` replaces only unpinned ones.
    public var pinned: Bool
    public var note: String

    public init(id: String, image: String, target: CaseTarget, error: String, firstSeen: String,
                pinned: Bool = false, note: String = "") {
        self.id = id; self.image = image; self.target = target; self.error = error
        self.firstSeen = firstSeen; self.pinned = pinned; self.note = note
    }

    public init(record: CaseRecord, iteration: String) {
        self.init(id: record.key, image: record.image, target: record.target, error: record.error ?? "", firstSeen: iteration)
    }

    enum CodingKeys: String, CodingKey {
        case id, image, target, error, firstSeen = "first_seen", pinned, note
    }

    // `pinned` and `note` may be left out by a person writing a case by hand.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        image = try c.decode(String.self, forKey: .image)
        target = try c.decode(CaseTarget.self, forKey: .target)
        error = try c.decode(String.self, forKey: .error)
        firstSeen = try c.decode(String.self, forKey: .firstSeen)
        pinned = try c.decodeIfPresent(Bool.self, forKey: .pinned) ?? false
        note = try c.decodeIfPresent(String.self, forKey: .note) ?? ""
    }
}

/// The failure set as it lives in the user's project: pretty JSON with sorted keys, cases in the order they
/// were added, so that a hand edit or a re-selection shows up as a small diff.
public struct FailureManifest: Sendable, Equatable, Codable {
    public static let currentVersion = 1
    public var version: Int
    public var cases: [FailureCase]

    public init(cases: [FailureCase] = []) { version = Self.currentVersion; self.cases = cases }

    public func index(of id: String) -> Int? { cases.firstIndex { $0.id == id } }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    public static func decode(_ data: Data, file: String) throws -> FailureManifest {
        let manifest: FailureManifest
        do { manifest = try JSONDecoder().decode(FailureManifest.self, from: data) }
        catch let error as DecodingError { throw FailuresError("\(file): \(describe(error))") }
        catch { throw FailuresError("\(file): not JSON (\(error.localizedDescription))") }
        guard manifest.version <= currentVersion else {
            throw FailuresError("\(file): version: \(manifest.version) is newer than this fovea reads (\(currentVersion))")
        }
        var seen = Set<String>()
        for (i, c) in manifest.cases.enumerated() where !seen.insert(c.id).inserted {
            throw FailuresError("\(file): cases[\(i)].id: \"\(c.id)\" appears twice")
        }
        return manifest
    }

    /// A missing file is an empty set: the first `select` or `add` creates it.
    public static func load(path: String) throws -> FailureManifest {
        guard FileManager.default.fileExists(atPath: path) else { return FailureManifest() }
        guard let data = FileManager.default.contents(atPath: path) else { throw FailuresError("\(path): cannot read the file") }
        return try decode(data, file: path)
    }

    /// Written to a temporary name and renamed: an interrupted write never leaves half a manifest.
    public func save(path: String) throws {
        do { try encoded().write(to: URL(fileURLWithPath: path), options: .atomic) }
        catch let error as FailuresError { throw error }
        catch { throw FailuresError("\(path): cannot write the file") }
    }

    /// `cases[3].target.class: expected Int` — the path a person needs to find the mistake.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.reduce("") { p, k in
                if let i = k.intValue { return p + "[\(i)]" }
                return p.isEmpty ? k.stringValue : p + "." + k.stringValue
            }
        }
        switch error {
        case .keyNotFound(let key, let ctx): return "\(path(ctx.codingPath + [key])): missing"
        case .typeMismatch(let type, let ctx): return "\(path(ctx.codingPath)): expected \(type)"
        case .valueNotFound(let type, let ctx): return "\(path(ctx.codingPath)): expected \(type), got null"
        case .dataCorrupted(let ctx):
            return ctx.codingPath.isEmpty ? "not valid JSON" : "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// Bad input to the failure tracker (manifest, history, case ids): one line naming file and field.
public struct FailuresError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
