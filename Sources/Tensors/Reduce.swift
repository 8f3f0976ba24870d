// Reductions. A reduction over one axis views the tensor as [outer, n, inner].

extension Tensor {
    /// Sum of every element.
    public func sum() -> Tensor {
        var s: Double = 0  // Double accumulation keeps large sums close to PyTorch's pairwise sums
        let x = data
        for i in 0..<count { s += Double(x[i]) }
        let shape = self.shape
        return Tensor.result(Tensor(shape: [], [Float(s)]), [self]) { g in [Tensor(repeating: g.item, shape: shape)] }
    }

    public func mean() -> Tensor { sum() / Float(count) }

    /// Sum over `axes`; with `keepDims` the reduced axes stay as size 1.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let axes = Set(axes.map { axisIndex($0, rank: rank) })
        var out = self.detached()
        for axis in axes.sorted(by: >) { out = out.sumKeeping(axis: axis) }
        let kept = out.shape
        let final = keepDims ? kept : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        let shape = self.shape
        return Tensor.result(out.reshaped(final), [self]) { g in [g.reshaped(kept).broadcast(to: shape)] }
    }

    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let n = axes.map { shape[axisIndex($0, rank: rank)] }.reduce(1, *)
        return sum(axes: axes, keepDims: keepDims) / Float(n)
    }

    /// Sums a broadcast gradient back to `target` (the inverse of broadcasting). No graph.
    func sum(to target: [Int]) -> Tensor {
        if shape == target { return self }
        if elementCount(target) == 1 { return withoutGrad { sum() }.reshaped(target) }
        let offset = rank - target.count
        var out = self
        for axis in stride(from: rank - 1, through: 0, by: -1) where axis < offset || target[axis - offset] == 1 {
            if shape[axis] != 1 { out = out.sumKeeping(axis: axis) }
        }
        return out.reshaped(target)
    }

    /// Repeats values along size-1 (or missing leading) axes to `target`. No graph.
    func broadcast(to target: [Int]) -> Tensor {
        shape == target ? self : Tensor.zip(Tensor(zeros: target), self) { $1 }
    }

    private func sumKeeping(axis: Int) -> Tensor {
        let n = shape[axis]
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape; outShape[axis] = 1
        let out = Tensor(zeros: outShape)
        let x = data, y = out.data
        for o in 0..<outer {
            let yo = y + o * inner
            for k in 0..<n {
                let xo = x + (o * n + k) * inner
                for i in 0..<inner { yo[i] += xo[i] }
            }
        }
        return out
    }

    /// Largest value along `axis` (keeping it as size 1); the gradient goes to the first arg-max.
    public func max(axis: Int) -> Tensor {
        let axis = axisIndex(axis, rank: rank)
        let (values, indices) = maxWithIndices(axis: axis)
        let shape = self.shape
        return Tensor.result(values, [self]) { g in
            let dx = Tensor(zeros: shape)
            let n = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
            for (j, k) in indices.enumerated() {
                let o = j / inner, i = j % inner
                dx.data[(o * n + k) * inner + i] = g.data[j]
            }
            return [dx]
        }
    }

    /// Index of the largest value along `axis` (first on ties), with that axis removed.
    public func argmax(axis: Int) -> [Int] { maxWithIndices(axis: axisIndex(axis, rank: rank)).1 }

    private func maxWithIndices(axis: Int) -> (Tensor, [Int]) {
        let n = shape[axis]
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape; outShape[axis] = 1
        let out = Tensor.empty(outShape)
        var indices = [Int](repeating: 0, count: outer * inner)
        let x = data
        for o in 0..<outer {
            for i in 0..<inner {
                var best = x[o * n * inner + i], at = 0
                for k in 1..<Swift.max(n, 1) {
                    let v = x[(o * n + k) * inner + i]
                    if v > best || (v.isNaN && !best.isNaN) { best = v; at = k }
                }
                out.data[o * inner + i] = best
                indices[o * inner + i] = at
            }
        }
        return (out, indices)
    }
}
