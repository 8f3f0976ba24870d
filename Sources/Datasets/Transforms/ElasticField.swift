import Foundation

/// A smooth random displacement field: each target pixel reads from itself plus (dx, dy).
struct ElasticField {
    let width: Int
    let height: Int
    let dx: [Double]
    let dy: [Double]

    init(width: Int, height: Int, alpha: Double, sigma: Double, random: inout SeededGenerator) {
        self.width = width
        self.height = height
        let noiseX = (0..<(width * height)).map { _ in random.uniform(-1, 1) }
        let noiseY = (0..<(width * height)).map { _ in random.uniform(-1, 1) }
        // Smoothing shrinks the noise by about 1/(2·sqrt(pi)·sigma); undoing that makes alpha the scale of the shift
        // in pixels (its standard deviation is then about alpha / sqrt(3)).
        let gain = alpha * 2 * Double.pi.squareRoot() * max(sigma, 0.5)
        dx = Self.smooth(noiseX, width: width, height: height, sigma: sigma).map { $0 * gain }
        dy = Self.smooth(noiseY, width: width, height: height, sigma: sigma).map { $0 * gain }
    }

    /// Image bilinear, masks nearest (outside reads ignore or background), and each box as the bounding box of the target pixels
    /// whose source lies inside it: the same pixels the mask moves.
    func warp(_ sample: AnnotatedSample, fill: Float, minVisible: Double) -> AnnotatedSample {
        var image = PlanarImage(width: width, height: height, channels: sample.image.channels)
        var extents = [(minX: Int, minY: Int, maxX: Int, maxY: Int)?](repeating: nil, count: sample.boxes.count)
        for y in 0..<height {
            for x in 0..<width {
                let index = y * width + x
                let sourceX = Double(x) + 0.5 + dx[index], sourceY = Double(y) + 0.5 + dy[index]
                for channel in 0..<image.channels {
                    image[channel, y, x] = Sampling.bilinear(sample.image, channel: channel, x: sourceX - 0.5, y: sourceY - 0.5, fill: fill)
                }
                for (boxIndex, box) in sample.boxes.enumerated()
                where sourceX >= box.x && sourceX < box.x + box.width && sourceY >= box.y && sourceY < box.y + box.height {
                    let old = extents[boxIndex] ?? (x, y, x, y)
                    extents[boxIndex] = (min(old.minX, x), min(old.minY, y), max(old.maxX, x), max(old.maxY, y))
                }
            }
        }
        let moved = NearestRemap.annotations(of: sample, width: width, height: height) { x, y in
            (Double(x) + 0.5 + dx[y * width + x], Double(y) + 0.5 + dy[y * width + x])
        }
        let boxes = zip(sample.boxes, extents).map { box, extent -> LabeledBox? in
            guard let extent else { return nil }
            let moved = LabeledBox(x: Double(extent.minX), y: Double(extent.minY), width: Double(extent.maxX - extent.minX + 1),
                                   height: Double(extent.maxY - extent.minY + 1), label: box.label)
            return moved.area >= minVisible * box.area ? moved : nil
        }
        return AnnotatedSample(image: image, movedBoxes: boxes, mask: moved.mask, movedInstanceMasks: moved.instances)
    }

    /// Separable Gaussian blur, edges clamped.
    private static func smooth(_ values: [Double], width: Int, height: Int, sigma: Double) -> [Double] {
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        let kernel = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = kernel.reduce(0, +)
        var rows = values, out = values
        for y in 0..<height {
            for x in 0..<width {
                rows[y * width + x] = (-radius...radius).reduce(0) { sum, k in
                    sum + kernel[k + radius] * values[y * width + min(max(x + k, 0), width - 1)]
                } / total
            }
        }
        for y in 0..<height {
            for x in 0..<width {
                out[y * width + x] = (-radius...radius).reduce(0) { sum, k in
                    sum + kernel[k + radius] * rows[min(max(y + k, 0), height - 1) * width + x]
                } / total
            }
        }
        return out
    }
}
