/// Position of each id in a list, for the per-detection look-ups (image, category) on hot paths: a flat
/// table when the ids are small non-negative integers (as COCO's are), a dictionary otherwise.
struct IdIndex: Sendable {
    private var table: [Int32] = []
    private var dictionary: [Int: Int] = [:]
    private let dense: Bool
    let count: Int

    /// The first occurrence of a repeated id wins.
    init(_ ids: [Int]) {
        count = ids.count
        let low = ids.min() ?? 0, high = ids.max() ?? 0
        dense = low >= 0 && high < max(4 * ids.count, 1 << 20)
        if dense {
            table = [Int32](repeating: -1, count: ids.isEmpty ? 0 : high + 1)
            for (i, id) in ids.enumerated() where table[id] < 0 { table[id] = Int32(i) }
        } else {
            for (i, id) in ids.enumerated() where dictionary[id] == nil { dictionary[id] = i }
        }
    }

    @inline(__always) subscript(id: Int) -> Int? {
        if dense {
            guard id >= 0, id < table.count else { return nil }
            let i = table[id]
            return i < 0 ? nil : Int(i)
        }
        return dictionary[id]
    }
}
