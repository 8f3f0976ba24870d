import Tensors
import Testing

/// The in-place kernels of optimizer steps and clipping run 16 lanes at a time with a scalar tail: 37 elements
/// cover two full lane groups and a tail, each checked against the plain per-element formula.
@Suite struct UpdateKernelTests {
    static func values(_ count: Int, seed: Int) -> [Float] { (0..<count).map { Float(($0 * 37 + seed) % 23) / 7 - 1.5 } }

    @Test func adamWUpdateIsTheScalarFormulaBitForBit() {
        let n = 37
        let x = Tensor(shape: [n], Self.values(n, seed: 1)), d = Tensor(shape: [n], Self.values(n, seed: 5))
        let m = Tensor(shape: [n], Self.values(n, seed: 9).map { $0 / 10 }), v = Tensor(shape: [n], Self.values(n, seed: 3).map { $0 * $0 })
        var (ex, em, ev) = (x.scalars, m.scalars, v.scalars)
        let (decay, b1, b2, stepSize, c2, eps): (Float, Float, Float, Float, Float, Float) = (0.9995, 0.9, 0.999, 0.0123, 0.0447, 1e-8)
        for i in 0..<n {
            ex[i] *= decay
            em[i] += (1 - b1) * (d.scalars[i] - em[i])
            ev[i] = b2 * ev[i] + (1 - b2) * d.scalars[i] * d.scalars[i]
            ex[i] -= stepSize * em[i] / (ev[i].squareRoot() / c2 + eps)
        }
        let before = x.storage.version
        adamWUpdate(x, gradient: d, m: m, v: v, decay: decay, beta1: b1, beta2: b2, stepSize: stepSize, correction2: c2, eps: eps)
        #expect(x.scalars == ex && m.scalars == em && v.scalars == ev)
        #expect(x.storage.version != before, "an updated parameter is marked mutated (folded copies must see it)")
    }

    @Test func sumOfSquaresScaleAndFiniteness() {
        let t = Tensor(shape: [37], Self.values(37, seed: 2))
        let expected = t.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(abs(t.sumOfSquares() - expected) <= 1e-12 * expected)
        #expect(t.isFinite)
        let scaled = t.scalars.map { $0 * 0.3 }
        t.scale(by: 0.3)
        #expect(t.scalars == scaled)
        for (index, bad) in [(3, Float.nan), (20, .infinity), (36, -.infinity)] {  // in a lane group, and in the tail
            let u = Tensor(shape: [37], Self.values(37, seed: 2))
            u.data[index] = bad
            #expect(!u.isFinite, "\(bad) at \(index)")
        }
    }

    /// torch.relu keeps NaN and threshold_backward passes the gradient where the input is NaN (x ≤ 0 is false).
    @Test func reluPropagatesNaNAsPyTorch() {
        let x = Tensor(shape: [18], [-1, 0, 2, .nan] + [Float](repeating: 3, count: 14), requiresGrad: true)
        let y = x.relu()
        #expect(y.scalars[0] == 0 && y.scalars[1] == 0 && y.scalars[2] == 2 && y.scalars[3].isNaN && y.scalars[17] == 3)
        y.sum().backward()
        #expect(x.grad!.scalars[0..<4] == [0, 0, 1, 1])
    }
}
