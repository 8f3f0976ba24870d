import Foundation

// 2-D convolution (PyTorch's `conv2d` semantics) by im2col + GEMM, with a direct kernel for depthwise.

/// Geometry of a 2-D convolution or pooling window: (height, width) pairs.
public struct Window: Equatable, Sendable {
    public var kernel: (Int, Int)
    public var stride: (Int, Int)
    public var padding: (Int, Int)
    public var dilation: (Int, Int)

    public init(kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1)) {
        self.kernel = kernel; self.stride = stride; self.padding = padding; self.dilation = dilation
    }

    public static func == (a: Window, b: Window) -> Bool {
        a.kernel == b.kernel && a.stride == b.stride && a.padding == b.padding && a.dilation == b.dilation
    }

    /// Output size along one axis, as PyTorch computes it (floor mode).
    func outputSize(_ input: (Int, Int)) -> (Int, Int) {
        ((input.0 + 2 * padding.0 - dilation.0 * (kernel.0 - 1) - 1) / stride.0 + 1,
         (input.1 + 2 * padding.1 - dilation.1 * (kernel.1 - 1) - 1) / stride.1 + 1)
    }

    /// The padding after the last row and column that gives oneDNN PyTorch's floor-mode output size (oneDNN wants
    /// it explicit; a negative value leaves input unread, as PyTorch does).
    func trailingPadding(_ input: (Int, Int)) -> [Int] {
        let (oh, ow) = outputSize(input)
        return [(oh - 1) * stride.0 - input.0 + dilation.0 * (kernel.0 - 1) + 1 - padding.0,
                (ow - 1) * stride.1 - input.1 + dilation.1 * (kernel.1 - 1) + 1 - padding.1]
    }
}

/// conv2d(x [N, C, H, W], weight [O, C/groups, kh, kw], bias [O]) as `torch.nn.functional.conv2d`.
public func conv2d(_ x: Tensor, _ weight: Tensor, _ bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                   dilation: Int = 1, groups: Int = 1) -> Tensor {
    conv2d(x, weight, bias, window: Window(kernel: (weight.shape[2], weight.shape[3]), stride: (stride, stride),
                                           padding: (padding, padding), dilation: (dilation, dilation)), groups: groups)
}

public func conv2d(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?, window: Window, groups: Int) -> Tensor {
    let conv = Convolution(input: x.shape, weight: weight.shape, window: window, groups: groups)
    if let bias { precondition(bias.shape == [conv.outChannels], "conv2d bias \(bias.shape) for \(conv.outChannels) channels") }
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    switch ConvolutionBackend.current {
    case .oneDNN:
        let training = GradMode.isEnabled && inputs.contains(where: \.requiresGrad)
        let engine = DNNLConvolution.cached(conv.key(bias: bias != nil, training: training, precision: ConvolutionPrecision.current,
                                                     algorithm: ConvolutionAlgorithm.current))
        let y = Tensor.empty([conv.n, conv.outChannels, conv.oh, conv.ow])
        guard training else {
            engine.forward(x: x.data, weight: weight, bias: bias?.data, y: y.data)
            return y
        }
        let blockedInput = weight.requiresGrad ? engine.forwardKeepingInput(x: x.data, weight: weight, bias: bias?.data, y: y.data) : {
            engine.forward(x: x.data, weight: weight, bias: bias?.data, y: y.data)
            return nil
        }()
        return Tensor.result(y, inputs) { g in
            let dx = x.requiresGrad ? Tensor.empty(x.shape) : nil, dw = weight.requiresGrad ? Tensor.empty(weight.shape) : nil
            engine.backward(dy: g.data, weight: weight.data, x: x.data, blockedInput: blockedInput, dx: dx?.data, dw: dw?.data)
            return [dx, dw] + (bias == nil ? [] : [g.sum(axes: [0, 2, 3])])
        }
    case .im2col:
        let y = conv.forward(x, weight)
        if let bias { y.addPerChannel(bias) }
        return Tensor.result(y, inputs) { g in
            let (dx, dw) = conv.backward(g, x, weight, needInput: x.requiresGrad, needWeight: weight.requiresGrad)
            return [dx, dw] + (bias == nil ? [] : [g.sum(axes: [0, 2, 3])])
        }
    }
}

/// How convolutions run: oneDNN (PyTorch's CPU library, the default) or im2col + OpenBLAS GEMM.
/// `FOVEA_CONV=im2col` selects the latter for a whole process; tests switch per task.
public enum ConvolutionBackend: String, Sendable, CaseIterable {
    case oneDNN = "onednn", im2col
    @TaskLocal public static var current: ConvolutionBackend =
        ProcessInfo.processInfo.environment["FOVEA_CONV"].flatMap(ConvolutionBackend.init(rawValue:)) ?? .oneDNN
}

/// The arithmetic of oneDNN convolutions. `bf16` rounds the input, the weights and (in backward) the output
/// gradient to bfloat16 and accumulates in fp32; outputs and gradients stay fp32 tensors. It needs a CPU with
/// native bf16 dot products (AVX512-BF16 or AMX), otherwise convolutions stay fp32; the im2col backend is always
/// fp32. `FOVEA_CONV_PRECISION=bf16` selects it for a whole process; Score-CAM and training switch per task.
public enum ConvolutionPrecision: String, Sendable, CaseIterable {
    case fp32, bf16
    @TaskLocal public static var current: ConvolutionPrecision =
        ProcessInfo.processInfo.environment["FOVEA_CONV_PRECISION"].flatMap(ConvolutionPrecision.init(rawValue:)) ?? .fp32

    /// Whether bf16 convolutions run natively here (otherwise `bf16` falls back to fp32).
    public static var bf16IsNative: Bool { DNNLConvolution.hasNativeBF16 }
}

/// How oneDNN computes convolutions that run without a tape (inference). `winograd` uses Winograd's F(4×4, 3×3)
/// for 3×3 stride-1 fp32 convolutions where oneDNN has the kernel (AVX-512): 2.25–4× fewer multiplications, with
/// transform round-off around 1e-6 of the values instead of direct's ~1e-7. Others, and all recorded
/// convolutions, stay direct. `FOVEA_CONV_ALGORITHM=winograd` selects it for a whole process; Score-CAM per task.
public enum ConvolutionAlgorithm: String, Sendable, CaseIterable {
    case direct, winograd
    @TaskLocal public static var current: ConvolutionAlgorithm =
        ProcessInfo.processInfo.environment["FOVEA_CONV_ALGORITHM"].flatMap(ConvolutionAlgorithm.init(rawValue:)) ?? .direct
}

/// One convolution's geometry and its forward and backward kernels.
struct Convolution {
    let n, c, h, w, outChannels, groups, oh, ow: Int
    let window: Window
    var cg: Int { c / groups }
    var og: Int { outChannels / groups }
    var kk: Int { window.kernel.0 * window.kernel.1 }
    var isDepthwise: Bool { cg == 1 && og == 1 }
    /// A 1×1, stride-1, unpadded convolution reads the input as its own column matrix.
    var isPointwise: Bool { kk == 1 && window.stride == (1, 1) && window.padding == (0, 0) }

    init(input: [Int], weight: [Int], window: Window, groups: Int) {
        precondition(input.count == 4, "conv2d input must be NCHW, got \(input)")
        precondition(weight.count == 4 && groups > 0 && input[1] % groups == 0 && weight[0] % groups == 0 && weight[1] == input[1] / groups,
                     "conv2d weight \(weight) does not fit input \(input) with groups \(groups)")
        (n, c, h, w) = (input[0], input[1], input[2], input[3])
        outChannels = weight[0]
        self.groups = groups
        self.window = window
        (oh, ow) = window.outputSize((h, w))
        precondition(oh > 0 && ow > 0, "conv2d output would be empty for input \(input) and kernel \(window.kernel)")
    }

    func key(bias: Bool, training: Bool, precision: ConvolutionPrecision = .fp32, algorithm: ConvolutionAlgorithm = .direct)
        -> DNNLConvolution.Key {
        let bf16 = precision == .bf16 && DNNLConvolution.hasNativeBF16
        let winograd = algorithm == .winograd && DNNLConvolution.winogradApplies(
            kernel: window.kernel, stride: window.stride, dilation: window.dilation, groups: groups, training: training, bf16: bf16)
        return DNNLConvolution.Key(input: [n, c, h, w], weight: [outChannels, cg, window.kernel.0, window.kernel.1],
                                   stride: [window.stride.0, window.stride.1], padding: [window.padding.0, window.padding.1],
                                   dilation: [window.dilation.0, window.dilation.1], groups: groups, bias: bias, training: training,
                                   bf16: bf16, winograd: winograd)
    }

    /// Images per GEMM: enough work per call to keep BLAS's threads busy (small-K layers such as an RGB
    /// stem need several images), few enough to bound the column buffer.
    var imagesPerChunk: Int {
        if isPointwise { return 1 }
        let columns = oh * ow, rows = cg * kk
        let flopsPerImage = 2 * og * rows * columns
        let wanted = max((Self.flopsPerGEMM + flopsPerImage - 1) / flopsPerImage, (Self.columnsPerGEMM + columns - 1) / columns)
        let byMemory = max(1, Self.columnBytes / max(1, rows * columns * 4))
        return min(n, wanted, byMemory)
    }
    static let flopsPerGEMM = 64_000_000
    static let columnsPerGEMM = 2048
    static let columnBytes = 32 << 20

    func forward(_ x: Tensor, _ weight: Tensor) -> Tensor {
        let y = Tensor.empty([n, outChannels, oh, ow])
        if isDepthwise { depthwiseForward(x.data, weight.data, y.data); return y }
        let plane = oh * ow, rows = cg * kk, chunk = imagesPerChunk
        let cols = Storage(uninitializedCount: isPointwise ? 0 : rows * chunk * plane)
        let product = Storage(uninitializedCount: chunk > 1 ? og * chunk * plane : 0)
        for n0 in stride(from: 0, to: n, by: chunk) {
            let nb = min(chunk, n - n0)
            for gi in 0..<groups {
                let src = columns(x.data, n0, nb, gi, cols.base)
                let dst = nb > 1 ? product.base : y.data + (n0 * outChannels + gi * og) * plane
                BLAS.sgemm(m: og, n: nb * plane, k: rows, a: weight.data + gi * og * rows, lda: rows,
                           b: src, ldb: nb * plane, c: dst, ldc: nb * plane)
                if nb > 1 {  // [og, nb·plane] → NCHW
                    for i in 0..<nb {
                        for o in 0..<og {
                            (y.data + ((n0 + i) * outChannels + gi * og + o) * plane)
                                .update(from: product.base + o * nb * plane + i * plane, count: plane)
                        }
                    }
                }
            }
        }
        return y
    }

    func backward(_ g: Tensor, _ x: Tensor, _ weight: Tensor, needInput: Bool, needWeight: Bool) -> (Tensor?, Tensor?) {
        let dx = needInput ? Tensor(zeros: [n, c, h, w]) : nil
        let dw = needWeight ? Tensor(zeros: [outChannels, cg, window.kernel.0, window.kernel.1]) : nil
        if isDepthwise {
            depthwiseBackward(g.data, x.data, weight.data, dx?.data, dw?.data)
            return (dx, dw)
        }
        let plane = oh * ow, rows = cg * kk, chunk = imagesPerChunk
        let cols = Storage(uninitializedCount: isPointwise ? 0 : rows * chunk * plane)
        let gathered = Storage(uninitializedCount: chunk > 1 ? og * chunk * plane : 0)
        for n0 in stride(from: 0, to: n, by: chunk) {
            let nb = min(chunk, n - n0), width = nb * plane
            for gi in 0..<groups {
                // The output gradient of this group as [og, nb·plane].
                var dy = UnsafePointer(g.data + (n0 * outChannels + gi * og) * plane)
                if nb > 1 {
                    for i in 0..<nb {
                        for o in 0..<og {
                            (gathered.base + o * width + i * plane)
                                .update(from: g.data + ((n0 + i) * outChannels + gi * og + o) * plane, count: plane)
                        }
                    }
                    dy = UnsafePointer(gathered.base)
                }
                if let dw {
                    let src = columns(x.data, n0, nb, gi, cols.base)
                    BLAS.sgemm(transB: true, m: og, n: rows, k: width, a: dy, lda: width, b: src, ldb: width,
                               beta: 1, c: dw.data + gi * og * rows, ldc: rows)
                }
                if let dx {
                    if isPointwise {  // the column gradient is the input gradient itself
                        BLAS.sgemm(transA: true, m: rows, n: width, k: og, a: weight.data + gi * og * rows, lda: rows,
                                   b: dy, ldb: width, c: dx.data + (n0 * c + gi * cg) * plane, ldc: width)
                    } else {
                        BLAS.sgemm(transA: true, m: rows, n: width, k: og, a: weight.data + gi * og * rows, lda: rows,
                                   b: dy, ldb: width, c: cols.base, ldc: width)
                        columnsToImage(cols.base, n0, nb, gi, dx.data)
                    }
                }
            }
        }
        return (dx, dw)
    }

    // MARK: im2col / col2im

    /// The column matrix [cg·kh·kw, nb·oh·ow] of images n0..<n0+nb, group gi (or the input itself when pointwise).
    private func columns(_ x: UnsafeMutablePointer<Float>, _ n0: Int, _ nb: Int, _ gi: Int,
                         _ cols: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        if isPointwise && nb == 1 { return UnsafePointer(x + (n0 * c + gi * cg) * h * w) }
        let (kh, kw) = window.kernel, rows = cg * kh * kw, plane = oh * ow, width = nb * plane
        parallelFor(rows * nb, minimumPerChunk: 8) { range in
            for job in range {
                let r = job % rows, i = job / rows
                let ch = r / (kh * kw), ki = (r / kw) % kh, kj = r % kw
                let src = x + ((n0 + i) * c + gi * cg + ch) * h * w
                let dst = cols + r * width + i * plane
                forEachTap(ki, kj) { o, ih, lo, hi, iw0 in
                    let row = dst + o * ow
                    guard let ih else { row.update(repeating: 0, count: ow); return }
                    if lo > 0 { row.update(repeating: 0, count: lo) }
                    if hi < ow { (row + hi).update(repeating: 0, count: ow - hi) }
                    let s = src + ih * w + iw0, step = window.stride.1
                    if step == 1 { (row + lo).update(from: s + lo, count: hi - lo) }
                    else { for j in lo..<hi { row[j] = s[j * step] } }
                }
            }
        }
        return UnsafePointer(cols)
    }

    /// Adds the column gradient [cg·kh·kw, nb·oh·ow] back into the input gradient (the adjoint of `columns`).
    private func columnsToImage(_ cols: UnsafeMutablePointer<Float>, _ n0: Int, _ nb: Int, _ gi: Int,
                                _ dx: UnsafeMutablePointer<Float>) {
        let (kh, kw) = window.kernel, plane = oh * ow, width = nb * plane
        // One job per input channel plane, so no two jobs write the same values.
        parallelFor(cg * nb, minimumPerChunk: 2) { range in
            for job in range {
                let ch = job % cg, i = job / cg
                let dst = dx + ((n0 + i) * c + gi * cg + ch) * h * w
                for ki in 0..<kh {
                    for kj in 0..<kw {
                        let src = cols + ((ch * kh + ki) * kw + kj) * width + i * plane
                        forEachTap(ki, kj) { o, ih, lo, hi, iw0 in
                            guard let ih else { return }
                            let d = dst + ih * w + iw0, s = src + o * ow, step = window.stride.1
                            for j in lo..<hi { d[j * step] += s[j] }
                        }
                    }
                }
            }
        }
    }

    /// For kernel tap (ki, kj), calls body(outputRow, inputRow or nil when padding, lo, hi, iw0): output
    /// columns lo..<hi read input column iw0 + j·strideW.
    @inline(__always)
    private func forEachTap(_ ki: Int, _ kj: Int, _ body: (Int, Int?, Int, Int, Int) -> Void) {
        let (sh, sw) = window.stride, (ph, pw) = window.padding, (dh, dwid) = window.dilation
        let iw0 = kj * dwid - pw
        // Valid output columns: 0 ≤ iw0 + j·sw < w.
        let lo = iw0 >= 0 ? 0 : min(ow, (-iw0 + sw - 1) / sw)
        let hi = max(lo, min(ow, w - iw0 <= 0 ? 0 : (w - iw0 + sw - 1) / sw))
        for o in 0..<oh {
            let ih = o * sh - ph + ki * dh
            body(o, ih >= 0 && ih < h ? ih : nil, lo, hi, iw0)
        }
    }

    // MARK: depthwise

    private func depthwiseForward(_ x: UnsafeMutablePointer<Float>, _ wt: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        let (kh, kw) = window.kernel
        parallelFor(n * c, minimumPerChunk: 4) { range in
            for job in range {
                let ch = job % c, src = x + job * h * w, dst = y + job * oh * ow
                dst.update(repeating: 0, count: oh * ow)
                for ki in 0..<kh {
                    for kj in 0..<kw {
                        let k = wt[(ch * kh + ki) * kw + kj]
                        forEachTap(ki, kj) { o, ih, lo, hi, iw0 in
                            guard let ih else { return }
                            let s = src + ih * w + iw0, d = dst + o * ow, step = window.stride.1
                            for j in lo..<hi { d[j] += k * s[j * step] }
                        }
                    }
                }
            }
        }
    }

    private func depthwiseBackward(_ g: UnsafeMutablePointer<Float>, _ x: UnsafeMutablePointer<Float>, _ wt: UnsafeMutablePointer<Float>,
                                   _ dx: UnsafeMutablePointer<Float>?, _ dw: UnsafeMutablePointer<Float>?) {
        let (kh, kw) = window.kernel
        // One job per channel (all images), so weight-gradient sums never race.
        parallelFor(c, minimumPerChunk: 1) { range in
            for ch in range {
                for img in 0..<n {
                    let job = img * c + ch, src = x + job * h * w, dy = g + job * oh * ow
                    for ki in 0..<kh {
                        for kj in 0..<kw {
                            let widx = (ch * kh + ki) * kw + kj, k = wt[widx]
                            var acc: Float = 0
                            forEachTap(ki, kj) { o, ih, lo, hi, iw0 in
                                guard let ih else { return }
                                let s = ih * w + iw0, gr = dy + o * ow, step = window.stride.1
                                if let dx { let d = dx + job * h * w + s; for j in lo..<hi { d[j * step] += k * gr[j] } }
                                for j in lo..<hi { acc += gr[j] * src[s + j * step] }
                            }
                            dw?[widx] += acc
                        }
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// Adds a per-channel value (axis 1) in place, e.g. a convolution bias.
    func addPerChannel(_ v: Tensor) {
        let ch = shape[1], plane = shape[2...].reduce(1, *)
        for i in 0..<(count / Swift.max(plane, 1)) {
            let b = v.data[i % ch], p = data + i * plane
            for j in 0..<plane { p[j] += b }
        }
    }
}
