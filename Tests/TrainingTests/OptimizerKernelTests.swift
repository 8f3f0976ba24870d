import Testing
@testable import Training

/// AdamW's vectorised update equals the scalar expression bit for bit (lanes and tail), so goldens and exact resume
/// hold whatever the parameter's length.
@Suite struct OptimizerKernelTests {
    @Test(arguments: [1, 15, 16, 37, 1000])
    func vectorisedAdamWIsTheScalarUpdate(_ count: Int) {
        var seed: UInt64 = 12345
        func next() -> Float {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: seed >> 11) % 2_000_001 - 1_000_000) / 500_000
        }
        let x = (0..<count).map { _ in next() }, d = (0..<count).map { _ in next() }
        let m = (0..<count).map { _ in next() * 0.1 }, v = (0..<count).map { _ in abs(next()) * 0.01 }
        let (decay, b1, b2, stepSize, correction2, eps): (Float, Float, Float, Float, Float, Float) = (0.9996, 0.9, 0.999, 3e-3, 0.31, 1e-8)
        var (ex, em, ev) = (x, m, v)
        for i in 0..<count {
            ex[i] *= decay
            em[i] += (1 - b1) * (d[i] - em[i])
            ev[i] = b2 * ev[i] + (1 - b2) * d[i] * d[i]
            ex[i] -= stepSize * em[i] / (ev[i].squareRoot() / correction2 + eps)
        }
        var (ax, ad, am, av) = (x, d, m, v)
        ax.withUnsafeMutableBufferPointer { px in ad.withUnsafeMutableBufferPointer { pd in
            am.withUnsafeMutableBufferPointer { pm in av.withUnsafeMutableBufferPointer { pv in
                AdamW.update(px.baseAddress!, gradient: pd.baseAddress!, m: pm.baseAddress!, v: pv.baseAddress!, count: count,
                             decay: decay, b1: b1, b2: b2, stepSize: stepSize, correction2: correction2, eps: eps)
            } }
        } }
        #expect(ax.map(\.bitPattern) == ex.map(\.bitPattern))
        #expect(am.map(\.bitPattern) == em.map(\.bitPattern) && av.map(\.bitPattern) == ev.map(\.bitPattern))
    }
}
