// Pooling over the two spatial axes of NCHW tensors (floor mode, as PyTorch's defaults).

/// max_pool2d; padded positions never win. The gradient goes to the first maximum of each window (the last NaN
/// where there are NaNs, as PyTorch).
public func maxPool2d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    let win = Window(kernel: (kernel, kernel), stride: (stride ?? kernel, stride ?? kernel), padding: (padding, padding))
    precondition(x.rank == 4, "max_pool2d input must be NCHW, got \(x.shape)")
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (oh, ow) = win.outputSize((h, w))
    let y = Tensor.empty([n, c, oh, ow])
    // The arg-max of each window is kept only when a backward pass will need it.
    let tracking = GradMode.isEnabled && x.requiresGrad
    var argmax = [Int32](repeating: 0, count: tracking ? y.count : 0)
    argmax.withUnsafeMutableBufferPointer { best in
        let at = tracking ? best.baseAddress : nil  // an empty array may still hand out a (shared) address
        parallelFor(n * c, minimumPerChunk: 4) { range in
            for p in range {
                let src = x.data + p * h * w, dst = y.data + p * oh * ow
                guard let at else { separableMax(src, dst, h, w, oh, ow, kernel, win.stride, padding); continue }
                for i in 0..<oh {
                    // The window clipped to the image: padding never wins. PyTorch's rule: the maximum starts at −∞ on
                    // the first in-image position and moves to a greater value or a NaN.
                    let r0 = Swift.max(0, i * win.stride.0 - padding), r1 = Swift.min(h, i * win.stride.0 - padding + kernel)
                    for j in 0..<ow {
                        let c0 = Swift.max(0, j * win.stride.1 - padding), c1 = Swift.min(w, j * win.stride.1 - padding + kernel)
                        var best = r0 * w + c0, m = -Float.infinity
                        for ih in r0..<r1 {
                            let row = src + ih * w
                            for iw in c0..<c1 where row[iw] > m || row[iw].isNaN { m = row[iw]; best = ih * w + iw }
                        }
                        dst[i * ow + j] = m
                        at[(p * oh + i) * ow + j] = Int32(best)
                    }
                }
            }
        }
    }
    return Tensor.result(y, [x]) { g in
        let dx = Tensor(zeros: x.shape)
        argmax.withUnsafeBufferPointer { best in
            parallelFor(n * c, minimumPerChunk: 4) { planes in  // each plane scatters into its own dx plane
                for p in planes {
                    let from = g.data + p * oh * ow, to = dx.data + p * h * w, at = best.baseAddress! + p * oh * ow
                    for k in 0..<(oh * ow) { to[Int(at[k])] += from[k] }
                }
            }
        }
        return [dx]
    }
}

/// Values-only max pooling in two branch-free passes (rows, then columns), NaN-propagating as PyTorch.
private func separableMax(_ src: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ h: Int, _ w: Int,
                          _ oh: Int, _ ow: Int, _ kernel: Int, _ stride: (Int, Int), _ padding: Int) {
    @inline(__always) func larger(_ a: Float, _ b: Float) -> Float { (a > b || a != a) ? a : b }
    // Horizontal maxima of every input row at each output column.
    let rows = UnsafeMutablePointer<Float>.allocate(capacity: h * ow)
    defer { rows.deallocate() }
    for r in 0..<h {
        let row = src + r * w, out = rows + r * ow
        for j in 0..<ow {
            let c0 = max(0, j * stride.1 - padding), c1 = min(w, j * stride.1 - padding + kernel)
            var m = row[c0]
            for c in (c0 + 1)..<max(c0 + 1, c1) { m = larger(row[c], m) }
            out[j] = m
        }
    }
    // Vertical maxima of those, contiguous along the output row.
    for i in 0..<oh {
        let r0 = max(0, i * stride.0 - padding), r1 = min(h, i * stride.0 - padding + kernel)
        let out = dst + i * ow
        out.update(from: rows + r0 * ow, count: ow)
        for r in (r0 + 1)..<max(r0 + 1, r1) {
            let row = rows + r * ow
            for j in 0..<ow { out[j] = larger(row[j], out[j]) }
        }
    }
}

/// avg_pool2d with count_include_pad = true (PyTorch's default): every window divides by kernel².
public func avgPool2d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    precondition(x.rank == 4, "avg_pool2d input must be NCHW, got \(x.shape)")
    let c = x.shape[1]
    // Average pooling is a depthwise convolution with a constant kernel.
    let k = Tensor(repeating: 1 / Float(kernel * kernel), shape: [c, 1, kernel, kernel])
    return conv2d(x, k, nil, stride: stride ?? kernel, padding: padding, groups: c)
}

/// adaptive_avg_pool2d to 1×1: the mean over each channel plane, shape [N, C, 1, 1].
public func globalAvgPool2d(_ x: Tensor) -> Tensor { x.mean(axes: [2, 3], keepDims: true) }

/// adaptive_avg_pool2d to (height, width): window i covers [⌊i·H/h⌋, ⌈(i+1)·H/h⌉), as PyTorch. Equal to
/// `interpolate(mode="area")`, the right way to shrink an image.
public func adaptiveAvgPool2d(_ x: Tensor, size: (Int, Int)) -> Tensor {
    precondition(x.rank == 4, "adaptive_avg_pool2d input must be NCHW, got \(x.shape)")
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]), (oh, ow) = size
    func windows(_ input: Int, _ output: Int) -> [Range<Int>] {
        (0..<output).map { i in (i * input / output)..<(((i + 1) * input + output - 1) / output) }
    }
    let rows = windows(h, oh), cols = windows(w, ow)
    let y = Tensor.empty([n, c, oh, ow])
    parallelFor(n * c, minimumPerChunk: 4) { range in
        for p in range {
            let src = x.data + p * h * w
            for (i, r) in rows.enumerated() {
                for (j, q) in cols.enumerated() {
                    var s: Float = 0
                    for a in r { for b in q { s += src[a * w + b] } }
                    y.data[(p * oh + i) * ow + j] = s / Float(r.count * q.count)
                }
            }
        }
    }
    return Tensor.result(y, [x]) { g in
        let dx = Tensor(zeros: x.shape)
        for p in 0..<(n * c) {
            for (i, r) in rows.enumerated() {
                for (j, q) in cols.enumerated() {
                    let v = g.data[(p * oh + i) * ow + j] / Float(r.count * q.count)
                    for a in r { for b in q { dx.data[p * h * w + a * w + b] += v } }
                }
            }
        }
        return [dx]
    }
}
