/// Averages the source area under each target pixel, with fractional coverage at the edges.
enum AreaResampler {
    static func resample(_ values: [Float], width: Int, height: Int, channels: Int, toWidth: Int, toHeight: Int) -> [Float] {
        let columns = weights(from: width, to: toWidth), rows = weights(from: height, to: toHeight)
        // Columns first, into a toWidth × height buffer, then rows.
        var across = [Float](repeating: 0, count: toWidth * height * channels)
        for y in 0..<height {
            for (x, taps) in columns.enumerated() {
                for c in 0..<channels {
                    var sum: Float = 0
                    for (source, weight) in taps { sum += weight * values[(y * width + source) * channels + c] }
                    across[(y * toWidth + x) * channels + c] = sum
                }
            }
        }
        var out = [Float](repeating: 0, count: toWidth * toHeight * channels)
        for (y, taps) in rows.enumerated() {
            for x in 0..<toWidth {
                for c in 0..<channels {
                    var sum: Float = 0
                    for (source, weight) in taps { sum += weight * across[(source * toWidth + x) * channels + c] }
                    out[(y * toWidth + x) * channels + c] = sum
                }
            }
        }
        return out
    }

    /// For each target index, the source indices it covers and their normalised weights.
    private static func weights(from n: Int, to m: Int) -> [[(Int, Float)]] {
        let step = Double(n) / Double(m)
        return (0..<m).map { i in
            let start = Double(i) * step, end = Double(i + 1) * step
            var taps: [(Int, Float)] = []
            var s = Int(start)
            while Double(s) < end && s < n {
                let cover = min(end, Double(s + 1)) - max(start, Double(s))
                if cover > 1e-9 { taps.append((s, Float(cover / step))) }
                s += 1
            }
            return taps
        }
    }
}

/// OpenCV's cv2.resize with INTER_LINEAR on a float map (what pytorch-grad-cam's scale_cam_image calls):
/// pixel centres aligned (source = (target + 0.5)·ratio − 0.5), clamped at the borders, no antialiasing.
enum BilinearResampler {
    static func resize(_ map: [Float], width: Int, height: Int, toWidth: Int, toHeight: Int) -> [Float] {
        precondition(map.count == width * height, "map of \(map.count) values is not \(width)×\(height)")
        if width == toWidth && height == toHeight { return map }
        let xs = taps(from: width, to: toWidth), ys = taps(from: height, to: toHeight)
        var out = [Float](repeating: 0, count: toWidth * toHeight)
        for (y, (y0, y1, fy)) in ys.enumerated() {
            for (x, (x0, x1, fx)) in xs.enumerated() {
                let top = map[y0 * width + x0] * (1 - fx) + map[y0 * width + x1] * fx
                let bottom = map[y1 * width + x0] * (1 - fx) + map[y1 * width + x1] * fx
                out[y * toWidth + x] = top * (1 - fy) + bottom * fy
            }
        }
        return out
    }

    private static func taps(from n: Int, to m: Int) -> [(Int, Int, Float)] {
        let ratio = Float(n) / Float(m)
        return (0..<m).map { i in
            let source = (Float(i) + 0.5) * ratio - 0.5
            var i0 = Int(source.rounded(.down)), f = source - Float(i0)
            if i0 < 0 { (i0, f) = (0, 0) }
            if i0 >= n - 1 { (i0, f) = (n - 1, 0) }
            return (i0, min(i0 + 1, n - 1), f)
        }
    }
}
