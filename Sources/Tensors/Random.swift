import Foundation

/// A small, fast, seedable generator (xoshiro256**, seeded by SplitMix64): same seed, same stream, on any machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    public mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0; state.3 ^= state.1; state.1 ^= state.2; state.0 ^= state.3
        state.2 ^= t
        state.3 = (state.3 << 45) | (state.3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 24 bits, exactly representable as Float.
    public mutating func nextUnit() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Standard normal (Box–Muller).
    public mutating func nextNormal() -> Float {
        let u1 = Swift.max(nextUnit(), 0x1p-25), u2 = nextUnit()
        return (-2 * Foundation.logf(u1)).squareRoot() * Foundation.cosf(2 * .pi * u2)
    }
}

extension Tensor {
    public static func randn(_ shape: [Int], std: Float = 1, using rng: inout SeededGenerator) -> Tensor {
        let t = Tensor.empty(shape)
        for i in 0..<t.count { t.data[i] = rng.nextNormal() * std }
        return t
    }

    public static func uniform(_ shape: [Int], in range: ClosedRange<Float>, using rng: inout SeededGenerator) -> Tensor {
        let t = Tensor.empty(shape)
        for i in 0..<t.count { t.data[i] = range.lowerBound + rng.nextUnit() * (range.upperBound - range.lowerBound) }
        return t
    }
}

/// dropout: in training zeroes each value with probability p and scales the rest by 1/(1-p); identity in eval.
public func dropout(_ x: Tensor, p: Float, training: Bool, using rng: inout SeededGenerator) -> Tensor {
    precondition(p >= 0 && p < 1, "dropout probability \(p) outside [0, 1)")
    guard training && p > 0 else { return x }
    let keep = Tensor.empty(x.shape)
    for i in 0..<keep.count { keep.data[i] = rng.nextUnit() >= p ? 1 / (1 - p) : 0 }
    return x * keep
}

/// torchvision.ops.drop_block2d: dropout in square blocks, for feature maps where neighbouring activations
/// carry the same information. Block centres are Bernoulli(γ) on the grid where a whole block fits, with γ
/// chosen so that about a fraction p of the values is dropped; survivors are rescaled by count / Σ mask.
public func dropBlock2d(_ x: Tensor, p: Float, blockSize: Int, training: Bool, using rng: inout SeededGenerator) -> Tensor {
    precondition(p >= 0 && p <= 1, "drop block probability \(p) outside [0, 1]")
    precondition(x.rank == 4, "drop block input must be NCHW, got \(x.shape)")
    guard training && p > 0 else { return x }
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let size = min(blockSize, w, h)
    precondition(size % 2 == 1, "drop block size must be odd, got \(size)")
    let gamma = Double(p) * Double(h * w) / Double(size * size * (h - size + 1) * (w - size + 1))
    let seeds = Tensor.empty([n, c, h - size + 1, w - size + 1])
    for i in 0..<seeds.count { seeds.data[i] = Double(rng.nextUnit()) < gamma ? 1 : 0 }
    return dropBlock2d(x, seeds: seeds, blockSize: size)
}

/// The deterministic half of drop_block2d, given the block centres (1 = drop the block centred there).
public func dropBlock2d(_ x: Tensor, seeds: Tensor, blockSize size: Int, eps: Float = 1e-6) -> Tensor {
    let half = size / 2
    let grown = withoutGrad {
        maxPool2d(seeds.padded([(0, 0), (0, 0), (half, half), (half, half)]), kernel: size, stride: 1, padding: half)
    }
    let keep = 1 - grown
    let scale = Float(keep.count) / (eps + keep.sum().item)
    return x * (keep * scale)
}
