/// Training-time regularisers a classifier can be built with. All are off by default and all are inactive in eval
/// mode. None adds a parameter, so the state dict keeps its names and loads into a model built without them.
///
/// Where each goes: `dropout` right before the classifier's linear layer; DropBlock after every block of the last two
/// stages (the DropBlock paper's groups 3 and 4 of a ResNet; shapes_cnn's 64- and 128-channel blocks; ConvNeXt's
/// stages 3 and 4); stochastic depth on the residual branch of every ResNet or ConvNeXt block, its rate growing
/// linearly from 0 at the first block to `stochasticDepth` at the last (torchvision's rule).
public struct Regularization: Sendable {
    /// Drop probability of the dropout before the classifier.
    public var dropout: Float
    /// Drop probability of DropBlock (the trainer ramps it from 0 up to this; see `DropBlock2d.p`).
    public var dropBlock: Float
    /// Side of the square blocks DropBlock drops (odd; clipped to the feature map).
    public var dropBlockSize: Int
    /// Stochastic depth rate at the last residual block; nil keeps the architecture's own (ConvNeXt's 0.1 / 0.05).
    public var stochasticDepth: Float?
    /// The stream the stochastic layers draw from: separate from initialisation, so enabling a regulariser leaves the
    /// initial weights as they were, and re-seedable per step, so a resumed run draws the masks an uninterrupted one does.
    public let noise: RandomSource

    public init(dropout: Float = 0, dropBlock: Float = 0, dropBlockSize: Int = 7, stochasticDepth: Float? = nil,
                noise: RandomSource = RandomSource(seed: 0)) {
        self.dropout = dropout
        self.dropBlock = dropBlock
        self.dropBlockSize = dropBlockSize
        self.stochasticDepth = stochasticDepth
        self.noise = noise
    }

    /// A DropBlock layer for a block of the last two stages, or nil when DropBlock is off.
    func dropBlockLayer() -> DropBlock2d? {
        dropBlock > 0 ? DropBlock2d(p: dropBlock, blockSize: dropBlockSize, rng: noise) : nil
    }

    /// Flatten, then dropout when it is on: the module that sits where the classifier's flatten was, so the
    /// linear layer keeps its index.
    func flattenThenDropout() -> Module {
        dropout > 0 ? Sequential(Function.flatten(), Dropout(dropout, rng: noise)) : Function.flatten()
    }

    /// torchvision's linear rule: block i of n drops its branch with probability rate · i / (n − 1).
    static func depthRate(_ rate: Float, block i: Int, of n: Int) -> Float { rate * Float(i) / Float(max(n - 1, 1)) }
}
