/// Polygon and box to RLE exactly as pycocotools' `rleFrPoly` / `rleFrBbox`: the outline is traced on a
/// 5× upsampled grid, then only its crossings of pixel-column centres are kept, which decides the
/// pixels the COCO reference considers inside. Matching it to the pixel matters for segm AP parity.
public enum PolygonRasterizer {
    /// `xy` holds x0, y0, x1, y1, …; an odd trailing value is ignored, as the reference does.
    public static func mask(polygon xy: [Double], height: Int, width: Int) -> RunLengthMask {
        let k = xy.count / 2
        let scale = 5.0
        guard k > 0 else { return RunLengthMask(height: height, width: width, counts: [UInt32(truncatingIfNeeded: height * width)]) }
        var x = [Int](repeating: 0, count: k + 1), y = [Int](repeating: 0, count: k + 1)
        for j in 0..<k {
            x[j] = cInt(scale * xy[2 * j] + 0.5)
            y[j] = cInt(scale * xy[2 * j + 1] + 0.5)
        }
        x[k] = x[0]; y[k] = y[0]

        // Dense boundary points on the upsampled grid.
        var u = [Int](), v = [Int]()
        for j in 0..<k {
            var xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1]
            let dx = abs(xe - xs), dy = abs(ys - ye)
            let flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye)
            if flip { swap(&xs, &xe); swap(&ys, &ye) }
            let s = dx >= dy ? Double(ye - ys) / Double(dx) : Double(xe - xs) / Double(dy)
            if dx >= dy {
                for d in 0...dx {
                    let t = flip ? dx - d : d
                    u.append(t + xs); v.append(cInt(Double(ys) + s * Double(t) + 0.5))
                }
            } else {
                for d in 0...dy {
                    let t = flip ? dy - d : d
                    v.append(t + ys); u.append(cInt(Double(xs) + s * Double(t) + 0.5))
                }
            }
        }

        // Keep the crossings of column centres and downsample.
        var starts = [UInt32]()
        let h = Double(height)
        for j in 1..<max(u.count, 1) where u[j] != u[j - 1] {
            var xd = Double(u[j] < u[j - 1] ? u[j] : u[j] - 1)
            xd = (xd + 0.5) / scale - 0.5
            if xd.rounded(.down) != xd || xd < 0 || xd > Double(width - 1) { continue }
            var yd = Double(v[j] < v[j - 1] ? v[j] : v[j - 1])
            yd = (yd + 0.5) / scale - 0.5
            if yd < 0 { yd = 0 } else if yd > h { yd = h }
            yd = yd.rounded(.up)
            starts.append(UInt32(truncatingIfNeeded: Int(xd) * height + Int(yd)))
        }
        starts.append(UInt32(truncatingIfNeeded: height * width))
        starts.sort()

        // Differences between consecutive boundary positions become run lengths; zero-length runs merge.
        var previous: UInt32 = 0
        for j in starts.indices { let t = starts[j]; starts[j] = t &- previous; previous = t }
        var counts = [UInt32](); counts.reserveCapacity(starts.count)
        var j = 0
        counts.append(starts[j]); j += 1
        while j < starts.count {
            if starts[j] > 0 { counts.append(starts[j]); j += 1 } else {
                j += 1
                if j < starts.count { counts[counts.count - 1] &+= starts[j]; j += 1 }
            }
        }
        return RunLengthMask(height: height, width: width, counts: counts)
    }

    /// All parts of a multi-polygon, merged (`frPyObjects` then `merge`, as `annToRLE` does).
    public static func mask(polygons: [[Double]], height: Int, width: Int) -> RunLengthMask {
        RunLengthMask.merge(polygons.map { mask(polygon: $0, height: height, width: width) })
    }

    /// A box as the polygon of its four corners (`rleFrBbox`).
    public static func mask(box b: BoundingBox, height: Int, width: Int) -> RunLengthMask {
        let xe = b.x + b.width, ye = b.y + b.height
        return mask(polygon: [b.x, b.y, b.x, ye, xe, ye, xe, b.y], height: height, width: width)
    }

    /// C's `(int)` conversion: truncation toward zero; NaN and out-of-range give INT_MIN as x86 does
    /// (a polygon with a repeated vertex divides 0 by 0 in the reference).
    @inline(__always) static func cInt(_ value: Double) -> Int {
        guard value.isFinite, value > -2147483649.0, value < 2147483648.0 else { return Int(Int32.min) }
        return Int(value)
    }
}
