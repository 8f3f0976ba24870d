import Foundation

/// batch_norm over axis 1 of [N, C, …]. In training, normalises with the batch's biased variance and updates
/// the running statistics in place with the unbiased one (momentum as PyTorch: new = (1-m)·old + m·batch).
public func batchNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVar: Tensor?,
                      training: Bool, momentum: Float = 0.1, eps: Float = 1e-5) -> Tensor {
    precondition(x.rank >= 2, "batch_norm input \(x.shape) needs a channel axis")
    let c = x.shape[1], plane = x.shape[2...].reduce(1, *), n = x.shape[0], m = n * plane
    precondition(!training || m > 1, "batch_norm in training needs more than one value per channel, got input \(x.shape)")
    precondition(training || (runningMean != nil && runningVar != nil), "batch_norm in eval mode needs running statistics")
    let mean = Tensor.empty([c]), invStd = Tensor.empty([c])
    let y = Tensor.empty(x.shape)
    /// Σ f over the channel's n planes, each plane summed in SIMD lanes and the planes in Double.
    func total(_ ch: Int, _ f: (UnsafeMutablePointer<Float>) -> Float) -> Double {
        (0..<n).reduce(0.0) { $0 + Double(f(x.data + ($1 * c + ch) * plane)) }
    }
    // Channels are independent: one parallel job per channel. The normalised input is not stored; the
    // backward pass recomputes it from x, mean and 1/σ.
    parallelFor(c) { channels in
        for ch in channels {
            if training {
                let mu = total(ch) { simdSum($0, plane) } / Double(m)
                let ss = total(ch) { simdSquaredDeviation($0, plane, Float(mu)) }
                mean.data[ch] = Float(mu)
                invStd.data[ch] = Float(1 / (ss / Double(m) + Double(eps)).squareRoot())
                if let runningMean, let runningVar {
                    runningMean.data[ch] = (1 - momentum) * runningMean.data[ch] + momentum * Float(mu)
                    runningVar.data[ch] = (1 - momentum) * runningVar.data[ch] + momentum * Float(ss / Double(m - 1))
                }
            } else {
                mean.data[ch] = runningMean!.data[ch]
                invStd.data[ch] = 1 / (runningVar!.data[ch] + eps).squareRoot()
            }
            // y = x·a + b with a = γ/σ, b = β − μ·a.
            let a = (weight?.data[ch] ?? 1) * invStd.data[ch], b = (bias?.data[ch] ?? 0) - mean.data[ch] * a
            for i in 0..<n {
                let off = (i * c + ch) * plane
                simdAffine(x.data + off, y.data + off, plane, a, b)
            }
        }
    }
    // The running statistics moved in place: whatever folded them (an InferencePlan) must see a new version.
    if training, let runningMean, let runningVar {
        runningMean.storage.markMutated()
        runningVar.storage.markMutated()
    }
    let inputs = [x] + [weight, bias].compactMap { $0 }
    return Tensor.result(y, inputs) { g in
        let dx = Tensor.empty(x.shape), dgamma = Tensor.empty([c]), dbeta = Tensor.empty([c])
        parallelFor(c) { channels in
            for ch in channels {
                var sg = 0.0, sgx = 0.0
                for i in 0..<n {
                    let off = (i * c + ch) * plane
                    sg += Double(simdSum(g.data + off, plane)); sgx += Double(simdDot(g.data + off, x.data + off, plane))
                }
                let mu = Double(mean.data[ch]), s = Double(invStd.data[ch])
                let sgxhat = (sgx - mu * sg) * s  // Σ g·x̂
                dgamma.data[ch] = Float(sgxhat); dbeta.data[ch] = Float(sg)
                let gs = Double(weight?.data[ch] ?? 1) * s
                // Training: dx = γ·s·(g − mean(g) − x̂·mean(g·x̂)) = A·g + B·x + C; in eval the statistics are constants.
                let mg = training ? sg / Double(m) : 0, mgx = training ? sgxhat / Double(m) : 0
                let a = Float(gs), b = Float(-gs * s * mgx), k = Float(-gs * mg + gs * s * mu * mgx)
                for i in 0..<n {
                    let off = (i * c + ch) * plane
                    simdLinear(g.data + off, x.data + off, dx.data + off, plane, a, b, k)
                }
            }
        }
        return [dx] + (weight == nil ? [] : [dgamma]) + (bias == nil ? [] : [dbeta])
    }
}

// MARK: SIMD kernels for per-channel passes (16 lanes; a tail loop for the rest)

typealias Lanes = SIMD16<Float>

@inline(__always) func simdSum(_ p: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
    var acc = Lanes(), j = 0
    while j + 16 <= n { acc += UnsafeRawPointer(p + j).loadUnaligned(as: Lanes.self); j += 16 }
    var s = acc.sum()
    while j < n { s += p[j]; j += 1 }
    return s
}

@inline(__always) func simdDot(_ p: UnsafeMutablePointer<Float>, _ q: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
    var acc = Lanes(), j = 0
    while j + 16 <= n {
        acc += UnsafeRawPointer(p + j).loadUnaligned(as: Lanes.self) * UnsafeRawPointer(q + j).loadUnaligned(as: Lanes.self)
        j += 16
    }
    var s = acc.sum()
    while j < n { s += p[j] * q[j]; j += 1 }
    return s
}

@inline(__always) func simdSquaredDeviation(_ p: UnsafeMutablePointer<Float>, _ n: Int, _ mu: Float) -> Float {
    var acc = Lanes(), j = 0
    let m = Lanes(repeating: mu)
    while j + 16 <= n { let d = UnsafeRawPointer(p + j).loadUnaligned(as: Lanes.self) - m; acc += d * d; j += 16 }
    var s = acc.sum()
    while j < n { let d = p[j] - mu; s += d * d; j += 1 }
    return s
}

/// out = x·a + b.
@inline(__always) func simdAffine(_ x: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int, _ a: Float, _ b: Float) {
    var j = 0
    while j + 16 <= n {
        UnsafeMutableRawPointer(out + j).storeBytes(of: UnsafeRawPointer(x + j).loadUnaligned(as: Lanes.self) * a + b, as: Lanes.self)
        j += 16
    }
    while j < n { out[j] = x[j] * a + b; j += 1 }
}

/// out = g·a + x·b + k.
@inline(__always) func simdLinear(_ g: UnsafeMutablePointer<Float>, _ x: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                  _ n: Int, _ a: Float, _ b: Float, _ k: Float) {
    var j = 0
    while j + 16 <= n {
        let v = UnsafeRawPointer(g + j).loadUnaligned(as: Lanes.self) * a + UnsafeRawPointer(x + j).loadUnaligned(as: Lanes.self) * b + k
        UnsafeMutableRawPointer(out + j).storeBytes(of: v, as: Lanes.self)
        j += 16
    }
    while j < n { out[j] = g[j] * a + x[j] * b + k; j += 1 }
}

/// layer_norm over the last axis (channels-last, as ConvNeXt's blocks use it), biased variance.
public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float = 1e-6) -> Tensor {
    let d = x.shape[x.rank - 1], rows = x.count / Swift.max(d, 1)
    let xhat = Tensor.empty(x.shape), y = Tensor.empty(x.shape)
    var invStd = [Float](repeating: 0, count: rows)
    for r in 0..<rows {
        let p = x.data + r * d
        var s: Float = 0; for j in 0..<d { s += p[j] }
        let mu = s / Float(d)
        var ss: Float = 0; for j in 0..<d { let v = p[j] - mu; ss += v * v }
        let inv = 1 / (ss / Float(d) + eps).squareRoot()
        invStd[r] = inv
        for j in 0..<d {
            let v = (p[j] - mu) * inv
            xhat.data[r * d + j] = v
            y.data[r * d + j] = v * (weight?.data[j] ?? 1) + (bias?.data[j] ?? 0)
        }
    }
    return Tensor.result(y, [x] + [weight, bias].compactMap { $0 }) { g in
        let dx = Tensor.empty(x.shape)
        var dgamma = [Float](repeating: 0, count: d), dbeta = [Float](repeating: 0, count: d)
        for r in 0..<rows {
            let gr = g.data + r * d, xr = xhat.data + r * d
            var sum: Float = 0, sumX: Float = 0
            for j in 0..<d {
                let dxhat = gr[j] * (weight?.data[j] ?? 1)
                sum += dxhat; sumX += dxhat * xr[j]
                dgamma[j] += gr[j] * xr[j]; dbeta[j] += gr[j]
            }
            let inv = invStd[r] / Float(d)
            for j in 0..<d { dx.data[r * d + j] = inv * (Float(d) * gr[j] * (weight?.data[j] ?? 1) - sum - xr[j] * sumX) }
        }
        var grads: [Tensor?] = [dx]
        if weight != nil { grads.append(Tensor(shape: [d], dgamma)) }
        if bias != nil { grads.append(Tensor(shape: [d], dbeta)) }
        return grads
    }
}

extension Tensor {
    /// softmax along `axis`.
    public func softmax(axis: Int = -1) -> Tensor {
        let y = softmaxValues(axis: axisIndex(axis, rank: rank), log: false)
        return Tensor.result(y, [self]) { g in [y * (g - (g * y).sum(axes: [axis], keepDims: true))] }
    }

    /// log_softmax along `axis`.
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let y = softmaxValues(axis: axisIndex(axis, rank: rank), log: true)
        return Tensor.result(y, [self]) { g in [g - y.exp() * g.sum(axes: [axis], keepDims: true)] }
    }

    private func softmaxValues(axis: Int, log: Bool) -> Tensor {
        let n = shape[axis], outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let y = Tensor.empty(shape)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * n * inner + i
                var m = -Float.infinity
                for k in 0..<n { m = Swift.max(m, data[base + k * inner]) }
                var s: Float = 0
                for k in 0..<n { s += Foundation.expf(data[base + k * inner] - m) }
                let logSum = m + Foundation.logf(s)
                for k in 0..<n {
                    let v = data[base + k * inner] - logSum
                    y.data[base + k * inner] = log ? v : Foundation.expf(v)
                }
            }
        }
        return y
    }
}
