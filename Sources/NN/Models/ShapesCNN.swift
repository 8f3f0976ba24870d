import Tensors

/// The W1 reference network (shared/bench/torch_anchor.py `shapes_cnn`): six conv-BN-ReLU blocks, two max
/// pools, global average pooling and a linear classifier. State-dict names as `nn.Sequential` gives them.
/// DropBlock, when on, closes each block of the last two stages; dropout shares index 9 with the flatten.
public func shapesCNN(classes: Int = 6, seed: UInt64 = 0, regularization: Regularization = Regularization()) -> Sequential {
    let rng = RandomSource(seed: seed)
    func block(_ cin: Int, _ cout: Int, late: Bool = false) -> Sequential {
        let layers: [Module] = [Conv2d(cin, cout, kernel: 3, padding: 1, bias: false, rng: rng), BatchNorm2d(cout), Function.relu()]
        return Sequential(layers + (late ? regularization.dropBlockLayer().map { [$0] } ?? [] : []))
    }
    return Sequential(block(3, 32), block(32, 32), Function.maxPool(2),
                      block(32, 64, late: true), block(64, 64, late: true), Function.maxPool(2),
                      block(64, 128, late: true), block(128, 128, late: true),
                      Function.globalAvgPool(), regularization.flattenThenDropout(), Linear(128, classes, rng: rng))
}
