import COpenBLAS

// Matrix products through BLAS.

/// op(A)·op(B) for row-major matrices (or batches of them) without recording a graph.
func matrixProduct(_ a: Tensor, transA: Bool = false, _ b: Tensor, transB: Bool = false) -> Tensor {
    precondition(a.rank >= 2 && b.rank == a.rank, "matmul of \(a.shape) and \(b.shape)")
    let r = a.rank
    let batch = a.shape[..<(r - 2)].reduce(1, *)
    precondition(Array(a.shape[..<(r - 2)]) == Array(b.shape[..<(r - 2)]), "matmul batch axes \(a.shape) vs \(b.shape)")
    let (ar, ac) = (a.shape[r - 2], a.shape[r - 1]), (br, bc) = (b.shape[r - 2], b.shape[r - 1])
    let (m, k) = transA ? (ac, ar) : (ar, ac)
    let (k2, n) = transB ? (bc, br) : (br, bc)
    precondition(k == k2, "matmul inner sizes \(k) and \(k2): \(a.shape) · \(b.shape)")
    let out = Tensor.empty(Array(a.shape[..<(r - 2)]) + [m, n])
    for i in 0..<batch {
        BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k,
                   a: a.data + i * ar * ac, lda: ac, b: b.data + i * br * bc, ldb: bc, c: out.data + i * m * n, ldc: n)
    }
    return out
}

extension Tensor {
    /// Matrix product of the last two axes; leading axes are a batch of equal size.
    public func matmul(_ other: Tensor) -> Tensor {
        Tensor.result(matrixProduct(self, other), [self, other]) { g in
            [matrixProduct(g, other, transB: true), matrixProduct(self, transA: true, g)]
        }
    }
}

/// x·Wᵀ + b for x [N, in], W [out, in] (PyTorch's `nn.Linear` layout), b [out].
public func linear(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?) -> Tensor {
    precondition(x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[1],
                 "linear of input \(x.shape) with weight \(weight.shape)")
    let y = matrixProduct(x, weight, transB: true)
    if let bias { y.addRows(bias) }
    return Tensor.result(y, [x, weight] + (bias.map { [$0] } ?? [])) { g in
        [matrixProduct(g, weight), matrixProduct(g, transA: true, x)] + (bias == nil ? [] : [g.sum(to: [g.shape[1]])])
    }
}

extension Tensor {
    /// Adds `row` to every row of this [N, D] tensor in place.
    func addRows(_ row: Tensor) {
        let d = shape[rank - 1]
        precondition(row.count == d, "bias of \(row.count) for rows of \(d)")
        for r in 0..<(count / Swift.max(d, 1)) {
            let y = data + r * d
            for j in 0..<d { y[j] += row.data[j] }
        }
    }
}

/// The projection of each row of a centred [rows, columns] matrix onto its first right singular vector, with
/// LAPACK's sign (sgesdd, full matrices, as numpy.linalg.svd): pytorch-grad-cam's `get_2d_projection`.
public func firstComponentProjection(_ matrix: Tensor) -> Tensor {
    precondition(matrix.rank == 2, "projection of a matrix, got \(matrix.shape)")
    let (m, n) = (matrix.shape[0], matrix.shape[1])
    // Centre each column, then copy to column-major for LAPACK.
    let centred = matrix - matrix.mean(axes: [0], keepDims: true)
    var a = [Float](repeating: 0, count: m * n)
    for i in 0..<m { for j in 0..<n { a[j * m + i] = centred[flat: i * n + j] } }
    var (mm, nn) = (Int32(m), Int32(n))
    var s = [Float](repeating: 0, count: min(m, n)), u = [Float](repeating: 0, count: m * m), vt = [Float](repeating: 0, count: n * n)
    var lwork: Int32 = -1, info: Int32 = 0, query: Float = 0
    var iwork = [Int32](repeating: 0, count: 8 * min(m, n))
    var jobz = Int8(UInt8(ascii: "A"))
    BLAS.ready()
    sgesdd_(&jobz, &mm, &nn, &a, &mm, &s, &u, &mm, &vt, &nn, &query, &lwork, &iwork, &info)  // workspace query
    lwork = Int32(query)
    var work = [Float](repeating: 0, count: Int(lwork))
    sgesdd_(&jobz, &mm, &nn, &a, &mm, &s, &u, &mm, &vt, &nn, &work, &lwork, &iwork, &info)
    precondition(info == 0, "SVD did not converge (LAPACK info \(info))")
    // vt is column-major n×n: its first row is vt[j·n].
    let v = Tensor(shape: [n, 1], (0..<n).map { vt[$0 * n] })
    return matrixProduct(centred, v).reshaped([m])
}
