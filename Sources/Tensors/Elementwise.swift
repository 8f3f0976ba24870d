import Foundation

// Elementwise ops, one row each: the forward value and the vector-Jacobian product side by side.
// Binary ops broadcast (NumPy rules); their gradients are summed back to each input's shape.

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        result(a.shape == b.shape ? zipLanes(a, b, +) : zip(a, b, +), [a, b]) { g in [g.sum(to: a.shape), g.sum(to: b.shape)] }
    }
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        result(a.shape == b.shape ? zipLanes(a, b, -) : zip(a, b, -), [a, b]) { g in [g.sum(to: a.shape), (-g).sum(to: b.shape)] }
    }
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        result(a.shape == b.shape ? zipLanes(a, b, *) : zip(a, b, *), [a, b]) { g in [(g * b).sum(to: a.shape), (g * a).sum(to: b.shape)] }
    }
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        result(zip(a, b, /), [a, b]) { g in [(g / b).sum(to: a.shape), (-g * a / (b * b)).sum(to: b.shape)] }
    }
    /// Elementwise maximum; the gradient goes to `a` where a ≥ b (ties to `a`).
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        result(zip(a, b) { Swift.max($0, $1) }, [a, b]) { g in
            let pick = zip(a, b) { $0 >= $1 ? 1 : 0 }
            return [(g * pick).sum(to: a.shape), (g * (1 - pick)).sum(to: b.shape)]
        }
    }
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
        result(zip(a, b) { Swift.min($0, $1) }, [a, b]) { g in
            let pick = zip(a, b) { $0 <= $1 ? 1 : 0 }
            return [(g * pick).sum(to: a.shape), (g * (1 - pick)).sum(to: b.shape)]
        }
    }
    /// `mask` (1 = take `a`, 0 = take `b`), a constant: gradients flow to the chosen side.
    public static func select(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let m = mask.detached()
        return m * a + (1 - m) * b
    }

    public static prefix func - (x: Tensor) -> Tensor { result(x.map { -$0 }, [x]) { g in [-g] } }
    public func exp() -> Tensor { let y = map(Foundation.expf); return Tensor.result(y, [self]) { g in [g * y] } }
    public func log() -> Tensor { Tensor.result(map(Foundation.logf), [self]) { g in [g / self] } }
    public func sqrt() -> Tensor { let y = map(Foundation.sqrtf); return Tensor.result(y, [self]) { g in [g / (2 * y)] } }
    public func abs() -> Tensor { Tensor.result(map(Swift.abs), [self]) { g in [g * self.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }] } }
    public func pow(_ p: Float) -> Tensor {
        Tensor.result(map { Foundation.powf($0, p) }, [self]) { g in [g * p * self.map { Foundation.powf($0, p - 1) }] }
    }
    public func clamp(min lo: Float = -.infinity, max hi: Float = .infinity) -> Tensor {
        Tensor.result(map { Swift.min(Swift.max($0, lo), hi) }, [self]) { g in [g * self.map { $0 >= lo && $0 <= hi ? 1 : 0 }] }
    }

    // Activations.
    /// NaN passes through forward and its gradient too, as torch.relu and threshold_backward.
    public func relu() -> Tensor {
        Tensor.result(mapLanes { $0.replacing(with: 0, where: $0 .< 0) }, [self]) { g in
            [Tensor.zipLanes(g, self) { g, x in g.replacing(with: 0, where: x .<= 0) }]
        }
    }
    public func sigmoid() -> Tensor { let y = map(stableSigmoid); return Tensor.result(y, [self]) { g in [g * y * (1 - y)] } }
    public func tanh() -> Tensor { let y = map(Foundation.tanhf); return Tensor.result(y, [self]) { g in [g * (1 - y * y)] } }
    /// GELU with the exact erf form (PyTorch's default, as ConvNeXt uses).
    public func gelu() -> Tensor {
        Tensor.result(map { 0.5 * $0 * (1 + Foundation.erff($0 * 0.70710678118654752)) }, [self]) { g in
            [Tensor.zip(g, self) { g, x in
                g * (0.5 * (1 + Foundation.erff(x * 0.70710678118654752)) + x * 0.3989422804014327 * Foundation.expf(-0.5 * x * x))
            }]
        }
    }
    /// log(1 + exp(x)) without overflow.
    public func softplus() -> Tensor {
        Tensor.result(map { Swift.max($0, 0) + Foundation.log1pf(Foundation.expf(-Swift.abs($0))) }, [self]) { g in [g * self.map(stableSigmoid)] }
    }
}

@inline(__always) func stableSigmoid(_ x: Float) -> Float {
    x >= 0 ? 1 / (1 + Foundation.expf(-x)) : { let e = Foundation.expf(x); return e / (1 + e) }()
}

// Scalars on either side are constants.
extension Tensor {
    public static func + (a: Tensor, s: Float) -> Tensor { result(a.map { $0 + s }, [a]) { g in [g] } }
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    public static func - (s: Float, a: Tensor) -> Tensor { result(a.map { s - $0 }, [a]) { g in [-g] } }
    public static func * (a: Tensor, s: Float) -> Tensor { result(a.map { $0 * s }, [a]) { g in [g * s] } }
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
    public static func / (s: Float, a: Tensor) -> Tensor { result(a.map { s / $0 }, [a]) { g in [-g * s / (a * a)] } }
}

// MARK: - Kernels

extension Tensor {
    /// A new tensor of `f` applied to every element (no graph).
    @inline(__always)
    public func map(_ f: (Float) -> Float) -> Tensor {
        let out = Tensor.empty(shape)
        let x = data, y = out.data
        parallelFor(count, minimumPerChunk: 1 << 16) { range in for i in range { y[i] = f(x[i]) } }
        return out
    }

    /// `f` applied 16 lanes at a time (no graph): the hot ops' loop, where a scalar closure would cost a call per
    /// element. The tail is padded with zeros, computed and dropped.
    @inline(__always)
    func mapLanes(_ f: (Lanes) -> Lanes) -> Tensor {
        let out = Tensor.empty(shape)
        let x = data, y = out.data
        parallelFor(count, minimumPerChunk: 1 << 16) { range in
            var i = range.lowerBound
            while i + 16 <= range.upperBound { storeLanes(f(loadLanes(x + i)), y + i); i += 16 }
            if i < range.upperBound { storeLanes(f(loadLanes(x + i, count: range.upperBound - i)), y + i, count: range.upperBound - i) }
        }
        return out
    }

    /// `f` over two tensors of one shape, 16 lanes at a time (no graph).
    @inline(__always)
    static func zipLanes(_ a: Tensor, _ b: Tensor, _ f: (Lanes, Lanes) -> Lanes) -> Tensor {
        precondition(a.shape == b.shape, "zipLanes needs one shape, got \(a.shape) and \(b.shape)")
        let out = Tensor.empty(a.shape)
        let x = a.data, y = b.data, z = out.data
        parallelFor(a.count, minimumPerChunk: 1 << 16) { range in
            var i = range.lowerBound
            while i + 16 <= range.upperBound { storeLanes(f(loadLanes(x + i), loadLanes(y + i)), z + i); i += 16 }
            let rest = range.upperBound - i
            if rest > 0 { storeLanes(f(loadLanes(x + i, count: rest), loadLanes(y + i, count: rest)), z + i, count: rest) }
        }
        return out
    }

    /// `f` over two tensors broadcast together (no graph).
    @inline(__always)
    public static func zip(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        if a.shape == b.shape {
            let out = Tensor.empty(a.shape)
            let x = a.data, y = b.data, z = out.data
            parallelFor(a.count, minimumPerChunk: 1 << 16) { range in for i in range { z[i] = f(x[i], y[i]) } }
            return out
        }
        let shape = broadcastShape(a.shape, b.shape)
        let out = Tensor.empty(shape)
        if b.count == 1 {
            let x = a.data, s = b.data[0], z = out.data
            for i in 0..<out.count { z[i] = f(x[i % a.count], s) }
            return out
        }
        if a.count == 1 {
            let s = a.data[0], y = b.data, z = out.data
            for i in 0..<out.count { z[i] = f(s, y[i % b.count]) }
            return out
        }
        let sa = broadcastStrides(a.shape, to: shape), sb = broadcastStrides(b.shape, to: shape)
        let rank = shape.count, inner = shape[rank - 1], ia = sa[rank - 1], ib = sb[rank - 1]
        let rows = out.count / Swift.max(inner, 1)
        var index = [Int](repeating: 0, count: rank)
        let x = a.data, y = b.data, z = out.data
        var offA = 0, offB = 0
        for row in 0..<rows {
            let zr = z + row * inner
            for j in 0..<inner { zr[j] = f(x[offA + j * ia], y[offB + j * ib]) }
            // Advance the multi-index over all axes but the last.
            var d = rank - 2
            while d >= 0 {
                index[d] += 1; offA += sa[d]; offB += sb[d]
                if index[d] < shape[d] { break }
                offA -= sa[d] * shape[d]; offB -= sb[d] * shape[d]; index[d] = 0; d -= 1
            }
        }
        return out
    }
}

// MARK: - Lanes

@inline(__always) func loadLanes(_ p: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }

@inline(__always) func loadLanes(_ p: UnsafePointer<Float>, count: Int) -> Lanes {
    var v = Lanes()
    for j in 0..<count { v[j] = p[j] }
    return v
}

@inline(__always) func storeLanes(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self) }

@inline(__always) func storeLanes(_ v: Lanes, _ p: UnsafeMutablePointer<Float>, count: Int) {
    for j in 0..<count { p[j] = v[j] }
}
