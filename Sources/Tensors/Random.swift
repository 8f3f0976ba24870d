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
