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

    /// When the map sends pixel centres to pixel centres axis by axis (flips, whole-pixel shifts): the source pixel
    /// index of each destination column and row.
    var pixelMoves: (x: (Int) -> Int, y: (Int) -> Int)? {
        guard b == 0, d == 0, abs(a) == 1, abs(e) == 1, c == c.rounded(), f == f.rounded() else { return nil }
        let (a, c, e, f) = (Int(a), Int(c), Int(e), Int(f))
        // Pixel i's centre i + ½ maps to a·(i + ½) + c, the centre of pixel a·i + c + (a − 1)/2.
        return ({ a * $0 + c + (a - 1) / 2 }, { e * $0 + f + (e - 1) / 2 })
    }

    /// Warps a sample into a `width` × `height` frame: the image bilinearly (outside pixels read as `fill`, or with
    /// `reflect` as the image mirrored at its edges), the masks by nearest neighbour (mirrored alike), each box as the
    /// bounding box of its mapped corners, clipped.
    func warp(_ sample: AnnotatedSample, width: Int, height: Int, fill: Float, minVisible: Double, reflect: Bool = false) -> AnnotatedSample {
        let back = inverse
        var image = PlanarImage(width: width, height: height, channels: sample.image.channels)
        if let moves = back.pixelMoves {
            // Flips and whole-pixel shifts land on pixel centres, where bilinear weights are 1 and 0: copy instead.
            let (sourceWidth, sourceHeight) = (sample.image.width, sample.image.height)
            func sources(_ count: Int, _ move: (Int) -> Int, _ size: Int) -> [Int] {  // -1: outside, reads `fill`
                (0..<count).map { let i = move($0); return reflect ? Sampling.mirrored(i, size) : (0..<size).contains(i) ? i : -1 }
            }
            let columns = sources(width, moves.x, sourceWidth), rows = sources(height, moves.y, sourceHeight)
            sample.image.values.withUnsafeBufferPointer { source in
                image.values.withUnsafeMutableBufferPointer { target in
                    for channel in 0..<image.channels {
                        for (y, sy) in rows.enumerated() {
                            let out = target.baseAddress! + (channel * height + y) * width
                            let row = source.baseAddress! + (channel * sourceHeight + max(sy, 0)) * sourceWidth
                            for (x, sx) in columns.enumerated() { out[x] = sy < 0 || sx < 0 ? fill : row[sx] }
                        }
                    }
                }
            }
        } else {
            for y in 0..<height {
                for x in 0..<width {
                    let source = back.apply(x: Double(x) + 0.5, y: Double(y) + 0.5)
                    for channel in 0..<image.channels {
                        image[channel, y, x] = Sampling.bilinear(sample.image, channel: channel, x: source.x - 0.5, y: source.y - 0.5,
                                                                 fill: fill, reflect: reflect)
                    }
                }
            }
        }
        let (sourceWidth, sourceHeight) = (Double(sample.image.width), Double(sample.image.height))
        let moved = NearestRemap.annotations(of: sample, width: width, height: height) { x, y in
            let source = back.apply(x: Double(x) + 0.5, y: Double(y) + 0.5)
            return reflect ? (Sampling.mirrored(source.x, sourceWidth), Sampling.mirrored(source.y, sourceHeight)) : source
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
    /// Bilinear read at continuous sample coordinates (pixel centres at integers); taps outside read `fill`, or with
    /// `reflect` the pixel mirrored about the edge pixel (PyTorch's "reflect" padding: the edge is not repeated).
    static func bilinear(_ image: PlanarImage, channel: Int, x: Double, y: Double, fill: Float, reflect: Bool = false) -> Float {
        let x0 = Int(x.rounded(.down)), y0 = Int(y.rounded(.down))
        let fx = Float(x - Double(x0)), fy = Float(y - Double(y0))
        func tap(_ tx: Int, _ ty: Int) -> Float {
            if reflect { return image[channel, mirrored(ty, image.height), mirrored(tx, image.width)] }
            return tx >= 0 && ty >= 0 && tx < image.width && ty < image.height ? image[channel, ty, tx] : fill
        }
        let top = tap(x0, y0) * (1 - fx) + tap(x0 + 1, y0) * fx
        let bottom = tap(x0, y0 + 1) * (1 - fx) + tap(x0 + 1, y0 + 1) * fx
        return top * (1 - fy) + bottom * fy
    }

    /// Index `i` reflected into 0..<n about the edge pixels (…, 2, 1, 0, 1, 2, … n−2, n−1, n−2, …).
    static func mirrored(_ i: Int, _ n: Int) -> Int {
        guard n > 1 else { return 0 }
        let period = 2 * (n - 1), folded = ((i % period) + period) % period
        return folded < n ? folded : period - folded
    }

    /// A continuous coordinate (pixel (i) covers [i, i+1)) reflected the same way: the pixel it falls in, mirrored,
    /// at its centre.
    static func mirrored(_ x: Double, _ n: Double) -> Double { Double(mirrored(Int(x.rounded(.down)), Int(n))) + 0.5 }
}
