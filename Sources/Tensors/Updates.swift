// In-place arithmetic of optimizer steps and gradient clipping, 16 lanes at a time. Training decides what to
// update; the element loops live here, in a module that is optimised in debug builds too. Each update is the
// scalar formula lane by lane, in the same order, so results equal PyTorch's element-wise updates bit for bit.

extension Tensor {
    /// Σ x², accumulated in Double.
    public func sumOfSquares() -> Double {
        let x = data
        var acc = SIMD8<Double>(), i = 0
        while i + 16 <= count {
            let v = loadLanes(x + i)
            acc += SIMD8<Double>(v.lowHalf) * SIMD8<Double>(v.lowHalf) + SIMD8<Double>(v.highHalf) * SIMD8<Double>(v.highHalf)
            i += 16
        }
        var s = acc.sum()
        while i < count { let v = Double(x[i]); s += v * v; i += 1 }
        return s
    }

    /// Whether no element is NaN or infinite.
    public var isFinite: Bool {
        let x = data
        var bad = SIMDMask<SIMD16<Int32>>(), i = 0
        let infinity = Lanes(repeating: .infinity)
        while i + 16 <= count {
            let v = loadLanes(x + i)
            bad .|= .!((v .< infinity) .& (v .> -infinity))  // NaN and ±∞ are not inside (−∞, ∞)
            i += 16
        }
        if any(bad) { return false }
        while i < count { if !x[i].isFinite { return false }; i += 1 }
        return true
    }

    /// Multiplies every element by `factor`, in place.
    public func scale(by factor: Float) {
        let x = data
        var i = 0
        while i + 16 <= count { storeLanes(loadLanes(x + i) * factor, x + i); i += 16 }
        while i < count { x[i] *= factor; i += 1 }
        storage.markMutated()
    }
}

/// One torch.optim.AdamW element update of `parameter` in place: decoupled decay, then the moments `m` and `v`,
/// then the step `stepSize · m / (√v / correction2 + eps)` (`stepSize` already divided by the first moment's bias
/// correction, `correction2` = √(1 − β₂ᵗ)).
public func adamWUpdate(_ parameter: Tensor, gradient: Tensor, m: Tensor, v: Tensor, decay: Float, beta1: Float,
                        beta2: Float, stepSize: Float, correction2: Float, eps: Float) {
    let x = parameter.data, d = gradient.data, mp = m.data, vp = v.data, n = parameter.count
    @inline(__always) func update(_ x: Lanes, _ d: Lanes, _ m: Lanes, _ v: Lanes) -> (Lanes, Lanes, Lanes) {
        let x = x * decay
        let m = m + (1 - beta1) * (d - m)
        let v = beta2 * v + (1 - beta2) * d * d
        return (x - stepSize * m / (v.squareRoot() / correction2 + eps), m, v)
    }
    // Memory-bound (four streams per element): large tensors are split over the cores.
    parallelFor(n, minimumPerChunk: 1 << 16) { range in
        var i = range.lowerBound
        while i + 16 <= range.upperBound {
            let (nx, nm, nv) = update(loadLanes(x + i), loadLanes(d + i), loadLanes(mp + i), loadLanes(vp + i))
            storeLanes(nx, x + i); storeLanes(nm, mp + i); storeLanes(nv, vp + i)
            i += 16
        }
        let rest = range.upperBound - i
        if rest > 0 {
            let (nx, nm, nv) = update(loadLanes(x + i, count: rest), loadLanes(d + i, count: rest),
                                      loadLanes(mp + i, count: rest), loadLanes(vp + i, count: rest))
            storeLanes(nx, x + i, count: rest); storeLanes(nm, mp + i, count: rest); storeLanes(nv, vp + i, count: rest)
        }
    }
    parameter.storage.markMutated()
}
