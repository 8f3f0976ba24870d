/// Bilinear resize of NCHW tensors to (height, width), as `F.interpolate(mode="bilinear")`.
/// alignCorners = false maps pixel centres (half-pixel, the OpenCV INTER_LINEAR convention);
/// true maps corner pixels onto corner pixels.
public func upsampleBilinear(_ x: Tensor, size: (Int, Int), alignCorners: Bool) -> Tensor {
    precondition(x.rank == 4, "bilinear resize input must be NCHW, got \(x.shape)")
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (oh, ow) = size
    let rows = BilinearTaps(input: h, output: oh, alignCorners: alignCorners)
    let cols = BilinearTaps(input: w, output: ow, alignCorners: alignCorners)
    let y = Tensor.empty([n, c, oh, ow])
    parallelFor(n * c, minimumPerChunk: 4) { range in
        for p in range {
            let src = x.data + p * h * w, dst = y.data + p * oh * ow
            for i in 0..<oh {
                let (r0, r1, fr) = rows.taps[i]
                for j in 0..<ow {
                    let (c0, c1, fc) = cols.taps[j]
                    let top = src[r0 * w + c0] * (1 - fc) + src[r0 * w + c1] * fc
                    let bottom = src[r1 * w + c0] * (1 - fc) + src[r1 * w + c1] * fc
                    dst[i * ow + j] = top * (1 - fr) + bottom * fr
                }
            }
        }
    }
    return Tensor.result(y, [x]) { g in
        let dx = Tensor(zeros: x.shape)
        for p in 0..<(n * c) {
            let gs = g.data + p * oh * ow, d = dx.data + p * h * w
            for i in 0..<oh {
                let (r0, r1, fr) = rows.taps[i]
                for j in 0..<ow {
                    let (c0, c1, fc) = cols.taps[j], v = gs[i * ow + j]
                    d[r0 * w + c0] += v * (1 - fr) * (1 - fc); d[r0 * w + c1] += v * (1 - fr) * fc
                    d[r1 * w + c0] += v * fr * (1 - fc); d[r1 * w + c1] += v * fr * fc
                }
            }
        }
        return [dx]
    }
}

/// For each output index along one axis: the two input indices and the weight of the second.
struct BilinearTaps {
    let taps: [(Int, Int, Float)]

    init(input: Int, output: Int, alignCorners: Bool) {
        let scale: Float = alignCorners ? (output > 1 ? Float(input - 1) / Float(output - 1) : 0) : Float(input) / Float(output)
        taps = (0..<output).map { o in
            let src = alignCorners ? Float(o) * scale : Swift.max((Float(o) + 0.5) * scale - 0.5, 0)
            let i0 = Swift.min(Int(src), input - 1)
            let i1 = Swift.min(i0 + 1, input - 1)
            return (i0, i1, i0 == i1 ? 0 : src - Float(i0))
        }
    }
}
