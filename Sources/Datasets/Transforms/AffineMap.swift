import Foundation

/// x' = a·x + b·y + c, y' = d·x + e·y + f, in continuous pixel coordinates (pixel (i, j) covers [i, i+1) × [j, j+1)).
public struct AffineMap: Sendable, Equatable {
    public var a, b, c, d, e, f: Double

    public init(a: Double, b: Double, c: Double, d: Double, e: Double, f: Double) {
        (self.a, self.b, self.c, self.d, self.e, self.f) = (a, b, c, d, e, f)
    }

    public static let identity = AffineMap(a: 1, b: 0, c: 0, d: 0, e: 1, f: 0)

    /// Rotation by `degrees` (counter-clockwise on screen, y pointing down) about (`centerX`, `centerY`).
    public static func rotation(degrees: Double, centerX: Double, centerY: Double) -> AffineMap {
        let radians = degrees * Double.pi / 180, cosine = cos(radians), sine = sin(radians)
        return AffineMap(a: cosine, b: sine, c: centerX - cosine * centerX - sine * centerY,
                         d: -sine, e: cosine, f: centerY + sine * centerX - cosine * centerY)
    }

    public func apply(x: Double, y: Double) -> (x: Double, y: Double) { (a * x + b * y + c, d * x + e * y + f) }

    public var inverse: AffineMap {
        let determinant = a * e - b * d
        precondition(determinant != 0, "the map is not invertible")
        let ia = e / determinant, ib = -b / determinant, id = -d / determinant, ie = a / determinant
        return AffineMap(a: ia, b: ib, c: -(ia * c + ib * f), d: id, e: ie, f: -(id * c + ie * f))
    }

    /// Warps a sample into a `width` × `height` frame: the image bilinearly (outside pixels read as `fill`), the
    /// masks by nearest neighbour, each box as the bounding box of its mapped corners, clipped.
    func warp(_ sample: AnnotatedSample, width: Int, height: Int, fill: Float, minVisible: Double) -> AnnotatedSample {
        let back = inverse
        var image = PlanarImage(width: width, height: height, channels: sample.image.channels)
        for y in 0..<height {
            for x in 0..<width {
                let source = back.apply(x: Double(x) + 0.5, y: Double(y) + 0.5)
                for channel in 0..<image.channels {
                    image[channel, y, x] = Sampling.bilinear(sample.image, channel: channel, x: source.x - 0.5, y: source.y - 0.5, fill: fill)
                }
            }
        }
        let moved = NearestRemap.annotations(of: sample, width: width, height: height) { x, y in
            back.apply(x: Double(x) + 0.5, y: Double(y) + 0.5)
        }
        let boxes = sample.boxes.map { box -> LabeledBox? in
            let corners = [(box.x, box.y), (box.x + box.width, box.y), (box.x, box.y + box.height), (box.x + box.width, box.y + box.height)]
                .map { apply(x: $0.0, y: $0.1) }
            let xs = corners.map(\.x), ys = corners.map(\.y)
            let mapped = LabeledBox(x: xs.min()!, y: ys.min()!, width: xs.max()! - xs.min()!, height: ys.max()! - ys.min()!, label: box.label)
            return mapped.clipped(width: width, height: height, minVisible: minVisible)
        }
        return AnnotatedSample(image: image, movedBoxes: boxes, mask: moved.mask, movedInstanceMasks: moved.instances)
    }
}

enum Sampling {
    /// Bilinear read at continuous sample coordinates (pixel centres at integers); taps outside read `fill`.
    static func bilinear(_ image: PlanarImage, channel: Int, x: Double, y: Double, fill: Float) -> Float {
        let x0 = Int(x.rounded(.down)), y0 = Int(y.rounded(.down))
        let fx = Float(x - Double(x0)), fy = Float(y - Double(y0))
        func tap(_ tx: Int, _ ty: Int) -> Float {
            tx >= 0 && ty >= 0 && tx < image.width && ty < image.height ? image[channel, ty, tx] : fill
        }
        let top = tap(x0, y0) * (1 - fx) + tap(x0 + 1, y0) * fx
        let bottom = tap(x0, y0 + 1) * (1 - fx) + tap(x0 + 1, y0 + 1) * fx
        return top * (1 - fy) + bottom * fy
    }
}
