import Tensors
import Testing

@Suite struct AutogradTests {
    @Test func gradientsAccumulateAcrossBackwardPasses() {
        let w = Tensor(shape: [2], [1, 2], requiresGrad: true)
        (w * w).sum().backward()
        (w * 3).sum().backward()
        #expect(w.grad!.scalars == [5, 7] as [Float])  // 2w + 3
        w.zeroGrad()
        #expect(w.grad == nil)
    }

    @Test func intermediateGradientIsKeptWhenAsked() {
        // The CAM engines read the gradient of the target at a layer's output.
        let x = Tensor(shape: [1, 3], [1, -2, 3], requiresGrad: true)
        let hidden = x * 2
        hidden.retainGrad()
        let y = (hidden.relu() * Tensor(shape: [3], [5, 6, 7])).sum()
        y.backward()
        #expect(hidden.grad!.scalars == [5, 0, 7])
        #expect(x.grad!.scalars == [10, 0, 14])
    }

    @Test func inputGradientWithoutParameterGradients() {
        let x = Tensor(shape: [1, 1, 3, 3], (0..<9).map(Float.init), requiresGrad: true)
        let w = Tensor(shape: [1, 1, 3, 3], [Float](repeating: 1, count: 9))  // frozen
        conv2d(x, w, padding: 1).sum().backward()
        #expect(w.grad == nil)
        #expect(x.grad!.scalars == [4, 6, 4, 6, 9, 6, 4, 6, 4])
    }

    @Test func noGradModeRecordsNothing() {
        let w = Tensor(shape: [2], [1, 2], requiresGrad: true)
        let y = withoutGrad { (w * w).sum() }
        #expect(!y.requiresGrad)
        let z = (w * w).sum()
        #expect(z.requiresGrad)
    }

    @Test func sharedSubexpressionGetsBothContributions() {
        let x = Tensor(shape: [], [3], requiresGrad: true)
        let y = x * x  // used twice below
        (y + y * x).backward()  // d/dx (x² + x³) = 2x + 3x²
        #expect(x.grad!.item == 33)
    }

    @Test func dropoutKeepsExpectationAndMasksGradient() {
        var rng = SeededGenerator(seed: 7)
        let x = Tensor(repeating: 1, shape: [10_000])
        x.requiresGrad = true
        let y = dropout(x, p: 0.3, training: true, using: &rng)
        let kept = y.scalars.filter { $0 != 0 }
        #expect(kept.allSatisfy { Swift.abs($0 - 1 / 0.7) < 1e-6 })
        #expect(Swift.abs(Float(kept.count) / 10_000 - 0.7) < 0.02)
        y.sum().backward()
        #expect(x.grad!.scalars == y.scalars)
        var again = SeededGenerator(seed: 7)
        #expect(dropout(x, p: 0.3, training: true, using: &again).scalars == y.scalars)  // seeded
        #expect(dropout(x, p: 0.3, training: false, using: &rng) === x)
    }

    @Test func reshapeSharesStorageAndPermuteRoundTrips() {
        let x = Tensor(shape: [2, 3, 4], (0..<24).map(Float.init))
        #expect(x.reshaped([6, 4]).storage === x.storage)
        let p = x.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        #expect(p.permuted([1, 2, 0]).scalars == x.scalars)
        #expect(x.argmax(axis: 1) == [Int](repeating: 2, count: 8))
    }

    @Test func largeConvolutionUsesChunkedColumnsCorrectly() {
        // Larger than one im2col chunk: compare against a direct sum.
        var rng = SeededGenerator(seed: 1)
        let x = Tensor.randn([3, 2, 20, 20], using: &rng), w = Tensor.randn([4, 2, 3, 3], using: &rng)
        let y = conv2d(x, w, stride: 2, padding: 1)
        var worst: Float = 0
        for n in 0..<3 { for o in 0..<4 { for i in 0..<10 { for j in 0..<10 {
            var s: Float = 0
            for c in 0..<2 { for ki in 0..<3 { for kj in 0..<3 {
                let ih = i * 2 - 1 + ki, iw = j * 2 - 1 + kj
                if ih >= 0 && ih < 20 && iw >= 0 && iw < 20 { s += x[flat: ((n * 2 + c) * 20 + ih) * 20 + iw] * w[flat: ((o * 2 + c) * 3 + ki) * 3 + kj] }
            } } }
            worst = Swift.max(worst, Swift.abs(s - y[flat: ((n * 4 + o) * 10 + i) * 10 + j]))
        } } } }
        #expect(worst < 1e-4)
    }
}

/// oneDNN keeps a frozen weight in its own layout between calls; any change of the values must show.
@Suite struct FrozenWeightTests {
    func direct(_ x: Tensor, _ w: Tensor) -> [Float] {
        ConvolutionBackend.$current.withValue(.im2col) { withoutGrad { conv2d(x, w, padding: 1) }.scalars }
    }

    @Test func updatedAndReplacedWeightsAreSeen() {
        var rng = SeededGenerator(seed: 11)
        let x = Tensor.randn([1, 16, 12, 12], using: &rng)
        let w = Tensor.randn([32, 16, 3, 3], using: &rng)  // not requiring grad: cached
        let run = { (w: Tensor) in ConvolutionBackend.$current.withValue(.oneDNN) { withoutGrad { conv2d(x, w, padding: 1) }.scalars } }
        let close = { (a: [Float], b: [Float]) in zip(a, b).allSatisfy { abs($0 - $1) < 1e-3 } }
        #expect(close(run(w), direct(x, w)))
        w.data[5] += 1; w.storage.markMutated()            // an in-place update (optimizers and loading do this)
        #expect(close(run(w), direct(x, w)))
        let other = Tensor.randn([32, 16, 3, 3], using: &rng)  // another weight of the same geometry
        #expect(close(run(other), direct(x, other)))
        #expect(close(run(w), direct(x, w)))
    }
}

/// Max pooling's values-only path (inference) equals the path that records arg-maxes, NaN included.
@Suite struct MaxPoolPathsTests {
    @Test(arguments: [(3, 2, 1), (2, 2, 0), (3, 1, 1), (5, 3, 2)])
    func inferenceEqualsTraining(_ kernel: Int, _ stride: Int, _ padding: Int) {
        var rng = SeededGenerator(seed: UInt64(kernel * 10 + stride))
        let x = Tensor.randn([2, 3, 11, 9], using: &rng)
        x.data[7] = .nan
        let fast = withoutGrad { maxPool2d(x, kernel: kernel, stride: stride, padding: padding) }
        x.requiresGrad = true
        let tracked = maxPool2d(x, kernel: kernel, stride: stride, padding: padding)
        #expect(fast.shape == tracked.shape)
        #expect(zip(fast.scalars, tracked.scalars).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
        #expect(fast.scalars.contains { $0.isNaN })
    }

    /// Where each window's gradient lands, against PyTorch's CPU loop written out: the maximum starts at −∞ on the
    /// window's first in-image position and moves on `value > max || isnan(value)` — ties keep the first, a plane of
    /// −∞ keeps the first in-image position, the last NaN wins. Rows of 40, several windows wide.
    @Test(arguments: [(3, 2, 1), (2, 2, 0), (3, 1, 1), (5, 3, 2)])
    func gradientGoesWhereTorchPutsIt(_ kernel: Int, _ stride: Int, _ padding: Int) {
        let (h, w) = (7, 40)
        var values = (0..<(2 * h * w)).map { Float(($0 * 7919) % 5) }  // many ties
        for i in (h * w)..<(h * w + 2 * w) { values[i] = -.infinity }  // the second plane starts with rows of −∞
        values[3] = .nan; values[4] = .nan
        let x = Tensor(shape: [1, 2, h, w], values, requiresGrad: true)
        let y = maxPool2d(x, kernel: kernel, stride: stride, padding: padding)
        let (oh, ow) = (y.shape[2], y.shape[3])
        y.sum().backward()
        var expected = [Float](repeating: 0, count: values.count)
        for plane in 0..<2 {
            for i in 0..<oh {
                for j in 0..<ow {
                    let r0 = max(0, i * stride - padding), r1 = min(h, i * stride - padding + kernel)
                    let c0 = max(0, j * stride - padding), c1 = min(w, j * stride - padding + kernel)
                    var best = r0 * w + c0, m = -Float.infinity
                    for r in r0..<r1 {
                        for c in c0..<c1 {
                            let v = values[plane * h * w + r * w + c]
                            if v > m || v.isNaN { m = v; best = r * w + c }
                        }
                    }
                    expected[plane * h * w + best] += 1
                }
            }
        }
        #expect(x.grad!.scalars == expected)
    }
}

@Suite struct DropBlockTests {
    @Test func dropsAboutPInWholeBlocksAndIsSeeded() {
        let x = Tensor(repeating: 1, shape: [4, 8, 32, 32])
        var rng = SeededGenerator(seed: 3)
        let y = dropBlock2d(x, p: 0.2, blockSize: 5, training: true, using: &rng)
        let dropped = Float(y.scalars.filter { $0 == 0 }.count) / Float(y.count)
        #expect(abs(dropped - 0.2) < 0.05)                        // γ targets p (overlapping blocks drop a bit less)
        let kept = y.scalars.filter { $0 != 0 }
        #expect(abs(kept[0] * (1 - dropped) - 1) < 1e-4)          // survivors rescaled by count / Σ mask
        var again = SeededGenerator(seed: 3)
        #expect(dropBlock2d(x, p: 0.2, blockSize: 5, training: true, using: &again).scalars == y.scalars)
        #expect(dropBlock2d(x, p: 0.2, blockSize: 5, training: false, using: &rng) === x)
    }
}
