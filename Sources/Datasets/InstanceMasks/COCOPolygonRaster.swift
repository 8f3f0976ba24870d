/// Polygon to mask with pycocotools' rules (`rleFrPoly` in maskApi.c), so a Fovea mask has exactly the pixels
/// COCO tools count: the outline is traced on a 5× finer grid, and a pixel is inside when the outline crosses
/// its column centre above it an odd number of times. Evaluation has its own copy for scoring; Datasets does
/// not depend on Evaluation.
enum COCOPolygonRaster {
    /// `xy` holds x0, y0, x1, y1, …; an odd trailing value is ignored, as pycocotools does.
    static func mask(polygon xy: [Double], width: Int, height: Int) -> InstanceMask {
        InstanceMask(columnMajorRuns: runs(polygon: xy, width: width, height: height), width: width, height: height)
    }

    /// The column-major COCO run lengths of the polygon.
    static func runs(polygon xy: [Double], width: Int, height: Int) -> [Int] {
        let corners = xy.count / 2, scale = 5.0
        guard corners > 0 else { return [width * height] }
        var x = (0..<corners).map { cInt(scale * xy[2 * $0] + 0.5) }, y = (0..<corners).map { cInt(scale * xy[2 * $0 + 1] + 0.5) }
        x.append(x[0])
        y.append(y[0])

        // Every point of the outline on the fine grid, one step at a time along the longer axis.
        var u: [Int] = [], v: [Int] = []
        for j in 0..<corners {
            var xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1]
            let dx = abs(xe - xs), dy = abs(ys - ye)
            let flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye)
            if flip { swap(&xs, &xe); swap(&ys, &ye) }
            if dx >= dy {
                let slope = Double(ye - ys) / Double(dx)  // 0/0 for a repeated vertex, NaN as in the C code
                for d in 0...dx {
                    let t = flip ? dx - d : d
                    u.append(t + xs)
                    v.append(cInt(Double(ys) + slope * Double(t) + 0.5))
                }
            } else {
                let slope = Double(xe - xs) / Double(dy)
                for d in 0...dy {
                    let t = flip ? dy - d : d
                    v.append(t + ys)
                    u.append(cInt(Double(xs) + slope * Double(t) + 0.5))
                }
            }
        }

        // Where the outline crosses a column centre, as a column-major pixel position; a run toggles there.
        var toggles: [Int] = []
        for j in 1..<max(u.count, 1) where u[j] != u[j - 1] {
            let column = (Double(u[j] < u[j - 1] ? u[j] : u[j] - 1) + 0.5) / scale - 0.5
            guard column.rounded(.down) == column, column >= 0, column <= Double(width - 1) else { continue }
            let row = min(max((Double(min(v[j], v[j - 1])) + 0.5) / scale - 0.5, 0), Double(height)).rounded(.up)
            toggles.append(Int(column) * height + Int(row))
        }
        toggles.append(width * height)
        toggles.sort()

        // Differences between toggles are the runs; a zero-length run merges its neighbours.
        var lengths: [Int] = [], previous = 0
        for toggle in toggles {
            lengths.append(toggle - previous)
            previous = toggle
        }
        var counts = [lengths[0]], j = 1
        while j < lengths.count {
            if lengths[j] > 0 {
                counts.append(lengths[j])
                j += 1
            } else {
                j += 1
                if j < lengths.count { counts[counts.count - 1] += lengths[j]; j += 1 }
            }
        }
        return counts
    }

    /// C's `(int)` cast: toward zero; NaN and out-of-range give INT_MIN, as on x86.
    private static func cInt(_ value: Double) -> Int {
        guard value.isFinite, value > -2147483649.0, value < 2147483648.0 else { return Int(Int32.min) }
        return Int(value)
    }
}
