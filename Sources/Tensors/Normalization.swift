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
    let xhat = Tensor.empty(x.shape), y = Tensor.empty(x.shape)
    /// Calls body(pointer) for each of the channel's n planes.
    func planes(_ t: Tensor, _ ch: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) {
        for i in 0..<n { body(t.data + (i * c + ch) * plane) }
    }
    // Channels are independent: one parallel job per channel, statistics in Double.
    parallelFor(c) { channels in
        for ch in channels {
            if training {
                var s = 0.0, ss = 0.0
                planes(x, ch) { p in for j in 0..<plane { s += Double(p[j]) } }
                let mu = s / Double(m)
                planes(x, ch) { p in for j in 0..<plane { let d = Double(p[j]) - mu; ss += d * d } }
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
            let mu = mean.data[ch], s = invStd.data[ch], gamma = weight?.data[ch] ?? 1, beta = bias?.data[ch] ?? 0
            for i in 0..<n {
                let off = (i * c + ch) * plane
                for j in 0..<plane {
                    let v = (x.data[off + j] - mu) * s
                    xhat.data[off + j] = v
                    y.data[off + j] = v * gamma + beta
                }
            }
        }
    }
    let inputs = [x] + [weight, bias].compactMap { $0 }
    return Tensor.result(y, inputs) { g in
        let dx = Tensor.empty(x.shape), dgamma = Tensor.empty([c]), dbeta = Tensor.empty([c])
        parallelFor(c) { channels in
            for ch in channels {
                var sg = 0.0, sgx = 0.0
                for i in 0..<n {
                    let off = (i * c + ch) * plane
                    for j in 0..<plane { sg += Double(g.data[off + j]); sgx += Double(g.data[off + j] * xhat.data[off + j]) }
                }
                dgamma.data[ch] = Float(sgx); dbeta.data[ch] = Float(sg)
                let scale = (weight?.data[ch] ?? 1) * invStd.data[ch]
                // Training: dx = γ·s·(g − mean(g) − x̂·mean(g·x̂)); in eval the statistics are constants.
                let mg = training ? Float(sg / Double(m)) : 0, mgx = training ? Float(sgx / Double(m)) : 0
                for i in 0..<n {
                    let off = (i * c + ch) * plane
                    for j in 0..<plane { dx.data[off + j] = scale * (g.data[off + j] - mg - xhat.data[off + j] * mgx) }
                }
            }
        }
        return [dx] + (weight == nil ? [] : [dgamma]) + (bias == nil ? [] : [dbeta])
    }
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
