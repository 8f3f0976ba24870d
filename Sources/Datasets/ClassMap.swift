/// Class names and their integer ids, id = position in `names`.
public struct ClassMap: Sendable, Equatable, Codable {
    public let names: [String]
    private let ids: [String: Int]

    /// Names must be unique; their order defines the ids.
    public init(names: [String]) {
        precondition(Set(names).count == names.count, "class names must be unique")
        self.names = names
        ids = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    }

    public var count: Int { names.count }
    public func id(of name: String) -> Int? { ids[name] }
    public func name(of id: Int) -> String? { names.indices.contains(id) ? names[id] : nil }

    public init(from decoder: Decoder) throws { self.init(names: try [String](from: decoder)) }
    public func encode(to encoder: Encoder) throws { try names.encode(to: encoder) }

    public static func == (lhs: ClassMap, rhs: ClassMap) -> Bool { lhs.names == rhs.names }
}
