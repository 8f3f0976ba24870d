/// Resizing. Shrinking averages every source pixel a target pixel covers (area interpolation, as OpenCV's
/// INTER_AREA), so thin strokes and small objects fade instead of vanishing between samples; enlarging
/// interpolates bilinearly with half-pixel centres.
public enum Resize {
    public static func resize(_ image: PlanarImage, width: Int, height: Int) -> PlanarImage {
        precondition(width > 0 && height > 0, "target size must be positive")
        let horizontal = weights(from: image.width, to: width), vertical = weights(from: image.height, to: height)
        var rows = PlanarImage(width: width, height: image.height, channels: image.channels)
        for channel in 0..<image.channels {
            for y in 0..<image.height {
                for x in 0..<width {
                    rows[channel, y, x] = horizontal[x].reduce(0) { $0 + $1.weight * image[channel, y, $1.index] }
                }
            }
        }
        var out = PlanarImage(width: width, height: height, channels: image.channels)
        for channel in 0..<image.channels {
            for y in 0..<height {
                for x in 0..<width {
                    out[channel, y, x] = vertical[y].reduce(0) { $0 + $1.weight * rows[channel, $1.index, x] }
                }
            }
        }
        return out
    }

    /// Per target index, the source indices and weights (summing to 1) along one axis.
    typealias Tap = (index: Int, weight: Float)

    static func weights(from source: Int, to target: Int) -> [[Tap]] {
        let scale = Double(source) / Double(target)
        return (0..<target).map { t -> [Tap] in
            if scale >= 1 {  // shrinking: the exact overlap of [t·s, (t+1)·s) with each source pixel
                let start = Double(t) * scale, end = Double(t + 1) * scale
                return (Int(start)..<min(source, Int(end.rounded(.up)))).compactMap { s -> Tap? in
                    let overlap = min(end, Double(s + 1)) - max(start, Double(s))
                    return overlap > 1e-12 ? (index: s, weight: Float(overlap / scale)) : nil
                }
            }
            let center = min(max((Double(t) + 0.5) * scale - 0.5, 0), Double(source - 1))
            let low = Int(center), high = min(low + 1, source - 1)
            let fraction = Float(center - Double(low))
            return low == high ? [(index: low, weight: Float(1))] : [(index: low, weight: 1 - fraction), (index: high, weight: fraction)]
        }
    }
}
