import Tensors

/// A shared, seeded random stream for initialisation and for stochastic layers (dropout, stochastic depth).
/// A reference type so that a whole model draws from one reproducible sequence.
public final class RandomSource: @unchecked Sendable {
    public var generator: SeededGenerator
    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// U(-bound, bound), PyTorch's default for conv and linear layers (kaiming_uniform with a = √5).
    public func uniform(_ shape: [Int], bound: Float) -> Tensor {
        Tensor.uniform(shape, in: -bound...bound, using: &generator)
    }

    public func normal(_ shape: [Int], std: Float) -> Tensor { Tensor.randn(shape, std: std, using: &generator) }
}
