// Ops that move values without changing them: reshape, permute, concat, slice, pad.

extension Tensor {
    /// The same values under another shape (one axis may be -1). Shares storage.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var newShape = newShape
        if let hole = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != hole }.map(\.element).reduce(1, *)
            newShape[hole] = known == 0 ? 0 : count / known
        }
        precondition(elementCount(newShape) == count, "cannot reshape \(shape) to \(newShape)")
        if newShape == shape { return self }
        let shape = self.shape
        return Tensor.result(Tensor(shape: newShape, storage: storage), [self]) { g in [g.reshaped(shape)] }
    }

    /// Keeps axis 0 and flattens the rest: [N, C, H, W] → [N, C·H·W].
    public func flattened() -> Tensor { reshaped([shape.first ?? 1, -1]) }

    /// Reorders axes: out.shape[i] = shape[order[i]].
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "permutation \(order) for rank \(rank)")
        if order == Array(0..<rank) { return self }
        let outShape = order.map { shape[$0] }
        let inStrides = contiguousStrides(shape)
        let out = Tensor.empty(outShape)
        // Walk the output in order; the input offset follows the permuted strides.
        let strides = order.map { inStrides[$0] }
        let inner = outShape[rank - 1], innerStride = strides[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        var offset = 0
        let x = data, y = out.data
        for row in 0..<(count / Swift.max(inner, 1)) {
            let yr = y + row * inner
            for j in 0..<inner { yr[j] = x[offset + j * innerStride] }
            var d = rank - 2
            while d >= 0 {
                index[d] += 1; offset += strides[d]
                if index[d] < outShape[d] { break }
                offset -= strides[d] * outShape[d]; index[d] = 0; d -= 1
            }
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return Tensor.result(out, [self]) { g in [g.permuted(inverse)] }
    }

    /// Swaps the last two axes of a matrix.
    public var transposed: Tensor { permuted(Array(0..<(rank - 2)) + [rank - 1, rank - 2]) }

    /// Joins tensors along `axis`; every other axis must agree.
    public static func concat(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concat of no tensors")
        let axis = axisIndex(axis, rank: parts[0].rank)
        for p in parts {
            precondition(p.rank == parts[0].rank && (0..<p.rank).allSatisfy { $0 == axis || p.shape[$0] == parts[0].shape[$0] },
                         "concat along \(axis) of \(parts[0].shape) and \(p.shape)")
        }
        var outShape = parts[0].shape
        outShape[axis] = parts.map { $0.shape[axis] }.reduce(0, +)
        let out = Tensor.empty(outShape)
        let outer = outShape[..<axis].reduce(1, *), inner = outShape[(axis + 1)...].reduce(1, *)
        let rowOut = outShape[axis] * inner
        var start = 0
        for p in parts {
            let rowIn = p.shape[axis] * inner
            for o in 0..<outer { (out.data + o * rowOut + start).update(from: p.data + o * rowIn, count: rowIn) }
            start += rowIn
        }
        let sizes = parts.map { $0.shape[axis] }
        return result(out, parts) { g in
            var begin = 0
            return sizes.map { n in defer { begin += n }; return g.sliced(axis: axis, begin..<(begin + n)) }
        }
    }

    /// The sub-tensor with `range` along `axis` (a copy).
    public func sliced(axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = axisIndex(axis, rank: rank)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis], "slice \(range) of axis \(axis) in \(shape)")
        var outShape = shape; outShape[axis] = range.count
        let out = Tensor.empty(outShape)
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let rowIn = shape[axis] * inner, rowOut = range.count * inner
        for o in 0..<outer { (out.data + o * rowOut).update(from: data + o * rowIn + range.lowerBound * inner, count: rowOut) }
        let shape = self.shape
        return Tensor.result(out, [self]) { g in
            let pieces = [range.lowerBound, range.count, shape[axis] - range.upperBound]
            var parts: [Tensor] = []
            for (i, n) in pieces.enumerated() where n > 0 {
                if i == 1 { parts.append(g) } else { var s = shape; s[axis] = n; parts.append(Tensor(zeros: s)) }
            }
            return [Tensor.concat(parts, axis: axis)]
        }
    }

    /// Pads with a constant; `padding[i]` = (before, after) for axis i, counted from the first axis
    /// (shorter lists leave the remaining trailing axes unpadded). Negative padding crops.
    public func padded(_ padding: [(Int, Int)], value: Float = 0) -> Tensor {
        precondition(padding.count <= rank, "padding for \(padding.count) axes of a rank-\(rank) tensor")
        var out = self
        for (axis, (before, after)) in padding.enumerated() where before != 0 || after != 0 {
            out = out.padAxis(axis, before, after, value)
        }
        return out
    }

    private func padAxis(_ axis: Int, _ before: Int, _ after: Int, _ value: Float) -> Tensor {
        var x = self
        if before < 0 { x = x.sliced(axis: axis, (-before)..<x.shape[axis]) }
        if after < 0 { x = x.sliced(axis: axis, 0..<(x.shape[axis] + after)) }
        var parts: [Tensor] = []
        var s = x.shape
        if before > 0 { s[axis] = before; parts.append(Tensor(repeating: value, shape: s)) }
        parts.append(x)
        if after > 0 { s[axis] = after; parts.append(Tensor(repeating: value, shape: s)) }
        return parts.count == 1 ? x : Tensor.concat(parts, axis: axis)
    }
}

extension Tensor {
    /// The values in reverse order along `axis` (a horizontal flip of NCHW images is axis 3).
    public func flipped(axis: Int) -> Tensor {
        let axis = axisIndex(axis, rank: rank)
        let n = shape[axis], outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let out = Tensor.empty(shape)
        for o in 0..<outer {
            for k in 0..<n { (out.data + (o * n + k) * inner).update(from: data + (o * n + n - 1 - k) * inner, count: inner) }
        }
        return Tensor.result(out, [self]) { g in [g.flipped(axis: axis)] }
    }
}
