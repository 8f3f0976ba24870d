/// Geometry of COCO polygons (`[x1, y1, x2, y2, …]`, closed implicitly from the last point to the first).
enum PolygonChecks {
    typealias Point = (x: Double, y: Double)

    static func points(_ coordinates: [Double]) -> [Point] {
        stride(from: 0, to: coordinates.count - 1, by: 2).map { (coordinates[$0], coordinates[$0 + 1]) }
    }

    /// Shoelace area (absolute).
    static func area(_ points: [Point]) -> Double {
        guard points.count >= 3 else { return 0 }
        var twice = 0.0
        for i in points.indices {
            let a = points[i], b = points[(i + 1) % points.count]
            twice += a.x * b.y - b.x * a.y
        }
        return abs(twice) / 2
    }

    /// The first pair of non-adjacent edges that touch or cross, as edge indices (edge i runs from point i to i+1).
    static func selfIntersection(_ points: [Point]) -> (Int, Int)? {
        let n = points.count
        guard n >= 4 else { return nil }
        for i in 0..<n {
            for j in stride(from: i + 2, to: n, by: 1) where !(i == 0 && j == n - 1) {
                if segmentsTouch(points[i], points[(i + 1) % n], points[j], points[(j + 1) % n]) { return (i, j) }
            }
        }
        return nil
    }

    private static func segmentsTouch(_ p1: Point, _ p2: Point, _ q1: Point, _ q2: Point) -> Bool {
        let d1 = cross(q1, q2, p1), d2 = cross(q1, q2, p2), d3 = cross(p1, p2, q1), d4 = cross(p1, p2, q2)
        if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) { return true }
        return (d1 == 0 && onSegment(q1, q2, p1)) || (d2 == 0 && onSegment(q1, q2, p2))
            || (d3 == 0 && onSegment(p1, p2, q1)) || (d4 == 0 && onSegment(p1, p2, q2))
    }

    private static func cross(_ a: Point, _ b: Point, _ c: Point) -> Double {
        (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
    }

    /// Whether `p`, collinear with a–b, lies within the segment's bounding box.
    private static func onSegment(_ a: Point, _ b: Point, _ p: Point) -> Bool {
        min(a.x, b.x) <= p.x && p.x <= max(a.x, b.x) && min(a.y, b.y) <= p.y && p.y <= max(a.y, b.y)
    }
}

/// pycocotools' compressed RLE strings: each count in 5-bit groups (ASCII offset 48, 0x20 = more follows, sign
/// in the last group), counts after the second stored as differences from the count two places before.
enum CompressedRunLengths {
    static func decode(_ text: String) -> [Int]? {
        var counts: [Int] = []
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            var value = 0, shift = 0, more = true
            while more {
                guard let byte = bytes.popFirst(), byte >= 48 else { return nil }
                let group = Int(byte) - 48
                value |= (group & 0x1F) << shift
                more = group & 0x20 != 0
                shift += 5
                if !more && group & 0x10 != 0 { value |= -1 << shift }
                if shift > 60 { return nil }
            }
            if counts.count > 2 {
                let (sum, overflow) = value.addingReportingOverflow(counts[counts.count - 2])  // runs from a file: any size
                guard !overflow else { return nil }
                value = sum
            }
            counts.append(value)
        }
        return counts
    }
}
