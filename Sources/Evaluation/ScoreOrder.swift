/// Indices ordered by descending score, equal scores keeping index order — what a stable sort on
/// −score gives (numpy mergesort, Python's sort). Large inputs use an LSD radix sort on the scores'
/// bit patterns, which is stable by construction and linear.
enum ScoreOrder {
    static func descending(_ scores: [Double]) -> [Int] {
        let n = scores.count
        if n < 512 {
            return scores.indices.sorted { a, b in scores[a] > scores[b] || (scores[a] == scores[b] && a < b) }
        }
        // Map each double to a UInt64 whose ascending order is the doubles' descending order
        // (-0.0 and 0.0 compare equal as doubles, so they share a key).
        var keys = [UInt64](repeating: 0, count: n)
        for i in 0..<n {
            let v = scores[i] == 0 ? 0.0 : scores[i]
            let bits = v.bitPattern
            let ascending = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
            keys[i] = ~ascending
        }
        var order = Array(0..<n), scratch = [Int](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 256)
        for pass in 0..<8 {
            let shift = UInt64(pass * 8)
            for i in 0..<256 { counts[i] = 0 }
            for k in keys { counts[Int((k >> shift) & 0xff)] += 1 }
            if counts.contains(n) { continue }  // every key has the same byte here
            var total = 0
            for i in 0..<256 { let c = counts[i]; counts[i] = total; total += c }
            for i in order {
                let bucket = Int((keys[i] >> shift) & 0xff)
                scratch[counts[bucket]] = i; counts[bucket] += 1
            }
            swap(&order, &scratch)
        }
        return order
    }
}
