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
            let scratch = tracking ? PoolScratch(width: w, outputWidth: ow, kernel: kernel, stride: win.stride.1, padding: padding) : nil
            defer { scratch?.deallocate() }
            for p in range {
                let src = x.data + p * h * w, dst = y.data + p * oh * ow
                if let at, let scratch {
                    trackedMax(src, dst, at + p * oh * ow, h, w, oh, ow, kernel, win.stride.0, padding, scratch)
                } else {
                    separableMax(src, dst, h, w, oh, ow, kernel, win.stride, padding)
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

/// Scratch of `trackedMax` for one thread: an input row split by column phase for a strided window — phase q
/// holds the padded row's columns q, q + s, q + 2s, … (−∞ in the padding), so tap kx of outputs j…j+15 is one
/// contiguous load from phase kx mod s at j + kx / s — and one output row's running maxima and their positions.
private struct PoolScratch {
    let stride, padding, width, length, lanes: Int
    let phases: UnsafeMutablePointer<Float>
    let maxima: UnsafeMutablePointer<Float>
    let winners: UnsafeMutablePointer<Int32>

    init(width: Int, outputWidth: Int, kernel: Int, stride: Int, padding: Int) {
        (self.stride, self.padding, self.width) = (stride, padding, width)
        lanes = (outputWidth + 15) / 16 * 16
        length = lanes + (kernel - 1) / stride
        phases = .allocate(capacity: stride * length)
        maxima = .allocate(capacity: lanes)
        winners = .allocate(capacity: lanes)
    }

    func deallocate() { phases.deallocate(); maxima.deallocate(); winners.deallocate() }

    func split(_ row: UnsafeMutablePointer<Float>) {
        for q in 0..<stride {
            let phase = phases + q * length
            for t in 0..<length {
                let column = t * stride + q - padding
                phase[t] = column >= 0 && column < width ? row[column] : -.infinity
            }
        }
    }

    func taps(_ kx: Int, from j: Int) -> Lanes { loadLanes(phases + (kx % stride) * length + j + kx / stride) }
}

/// Max pooling that records each window's arg-max, 16 outputs at a time with compare-and-select (which tap wins
/// is data; branches on it mispredict). PyTorch's rule: the maximum starts at −∞ on the window's first in-image
/// position, a tap wins when greater or NaN; padding (−∞) never wins.
private func trackedMax(_ src: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ at: UnsafeMutablePointer<Int32>,
                        _ h: Int, _ w: Int, _ oh: Int, _ ow: Int, _ kernel: Int, _ stride: Int, _ padding: Int, _ scratch: PoolScratch) {
    let lane = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
    let columnStep = SIMD16<Int32>(repeating: Int32(stride)) &* lane
    func firstColumns(_ j: Int) -> SIMD16<Int32> { SIMD16<Int32>(repeating: Int32(j * stride - padding)) &+ columnStep }
    for i in 0..<oh {
        let r0 = max(0, i * stride - padding), r1 = min(h, i * stride - padding + kernel)
        for j in Swift.stride(from: 0, to: scratch.lanes, by: 16) {
            let columns = firstColumns(j)
            storeLanes(Lanes(repeating: -.infinity), scratch.maxima + j)
            (UnsafeMutableRawPointer(scratch.winners + j)).storeBytes(
                of: SIMD16<Int32>(repeating: Int32(r0 * w)) &+ columns.replacing(with: 0, where: columns .< 0), as: SIMD16<Int32>.self)
        }
        for r in r0..<r1 {
            scratch.split(src + r * w)
            for j in Swift.stride(from: 0, to: scratch.lanes, by: 16) {
                var m = loadLanes(scratch.maxima + j)
                var best = UnsafeRawPointer(scratch.winners + j).loadUnaligned(as: SIMD16<Int32>.self)
                let positions = SIMD16<Int32>(repeating: Int32(r * w)) &+ firstColumns(j)
                for kx in 0..<kernel {
                    let v = scratch.taps(kx, from: j), wins = (v .> m) .| (v .!= v)
                    m.replace(with: v, where: wins)
                    best.replace(with: positions &+ Int32(kx), where: wins)
                }
                storeLanes(m, scratch.maxima + j)
                UnsafeMutableRawPointer(scratch.winners + j).storeBytes(of: best, as: SIMD16<Int32>.self)
            }
        }
        (dst + i * ow).update(from: scratch.maxima, count: ow)
        (at + i * ow).update(from: scratch.winners, count: ow)
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
