import Tensors

/// The W1 reference network (shared/bench/torch_anchor.py `shapes_cnn`): six conv-BN-ReLU blocks, two max
/// pools, global average pooling and a linear classifier. State-dict names as `nn.Sequential` gives them.
public func shapesCNN(classes: Int = 6, seed: UInt64 = 0) -> Sequential {
    let rng = RandomSource(seed: seed)
    func block(_ cin: Int, _ cout: Int) -> Sequential {
        Sequential(Conv2d(cin, cout, kernel: 3, padding: 1, bias: false, rng: rng), BatchNorm2d(cout), Function.relu())
    }
    return Sequential(block(3, 32), block(32, 32), Function.maxPool(2),
                      block(32, 64), block(64, 64), Function.maxPool(2),
                      block(64, 128), block(128, 128),
                      Function.globalAvgPool(), Function.flatten(), Linear(128, classes, rng: rng))
}
