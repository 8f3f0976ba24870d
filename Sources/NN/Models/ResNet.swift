import Tensors

/// torchvision's ResNet (v1.5: the stride sits in the 3×3 convolution), same layout and state-dict names.
public final class ResNet: Module {
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let relu = Function.relu()
    public let maxpool = Function.maxPool(3, stride: 2, padding: 1)
    public let layer1, layer2, layer3, layer4: Sequential
    public let avgpool = Function.globalAvgPool()
    /// Dropout before the classifier, when the model was built with it.
    public let dropout: Dropout?
    /// The classifier; nil for a backbone feeding dense heads (torchvision's IntermediateLayerGetter drops it).
    public let fc: Linear?
    /// Channels of layer1…layer4.
    public let stageChannels: [Int]

    public enum Depth: Int, Sendable { case resnet18 = 18, resnet34 = 34, resnet50 = 50 }

    /// `width` is layer1's channel count (torchvision: 64), the stem's too; each later stage doubles it. Half width
    /// (32) costs a quarter of the multiply-adds and keeps every name of torchvision's state dict.
    /// `dilate[i]` trades the stride of layer i+2 for dilation (torchvision's replace_stride_with_dilation),
    /// keeping resolution for dense prediction.
    /// `regularization` adds dropout before `fc`, DropBlock after each block of layer3 and layer4, and stochastic
    /// depth on every block's residual branch.
    public init(_ depth: Depth, classes: Int? = 1000, width: Int = 64, dilate: [Bool] = [false, false, false], seed: UInt64 = 0,
                regularization: Regularization = Regularization()) {
        let rng = RandomSource(seed: seed)
        let (blocks, bottleneck): ([Int], Bool) = switch depth {
        case .resnet18: ([2, 2, 2, 2], false)
        case .resnet34: ([3, 4, 6, 3], false)
        case .resnet50: ([3, 4, 6, 3], true)
        }
        let expansion = bottleneck ? 4 : 1
        let planes = [width, 2 * width, 4 * width, 8 * width]
        stageChannels = planes.map { $0 * expansion }
        conv1 = Conv2d(3, width, kernel: 7, stride: 2, padding: 3, bias: false, rng: rng)
        bn1 = BatchNorm2d(width)
        var inplanes = width, dilation = 1, blockIndex = 0
        let totalBlocks = blocks.reduce(0, +)
        func stage(_ planes: Int, _ count: Int, stride: Int, dilate: Bool = false, dropBlock: Bool = false) -> Sequential {
            let previousDilation = dilation
            var stride = stride
            if dilate { dilation *= stride; stride = 1 }
            return Sequential((0..<count).map { i -> Module in
                let s = i == 0 ? stride : 1, d = i == 0 ? previousDilation : dilation
                var downsample: Sequential?
                if i == 0 && (s != 1 || inplanes != planes * expansion) {
                    downsample = Sequential(Conv2d(inplanes, planes * expansion, kernel: 1, stride: s, bias: false, rng: rng),
                                            BatchNorm2d(planes * expansion))
                }
                let rate = Regularization.depthRate(regularization.stochasticDepth ?? 0, block: blockIndex, of: totalBlocks)
                let extras = BlockRegularization(
                    stochasticDepth: rate > 0 ? StochasticDepth(rate, rng: regularization.noise) : nil,
                    dropBlock: dropBlock ? regularization.dropBlockLayer() : nil)
                let block: Module = bottleneck
                    ? Bottleneck(inplanes, planes, stride: s, dilation: d, downsample: downsample, extras: extras, rng: rng)
                    : BasicBlock(inplanes, planes, stride: s, dilation: d, downsample: downsample, extras: extras, rng: rng)
                inplanes = planes * expansion
                blockIndex += 1
                return block
            })
        }
        layer1 = stage(planes[0], blocks[0], stride: 1)
        layer2 = stage(planes[1], blocks[1], stride: 2, dilate: dilate[0])
        layer3 = stage(planes[2], blocks[2], stride: 2, dilate: dilate[1], dropBlock: true)
        layer4 = stage(planes[3], blocks[3], stride: 2, dilate: dilate[2], dropBlock: true)
        dropout = regularization.dropout > 0 ? Dropout(regularization.dropout, rng: regularization.noise) : nil
        fc = classes.map { Linear(planes[3] * expansion, $0, rng: rng) }
    }

    override public func forward(_ x: Tensor) -> Tensor {
        guard let fc else { preconditionFailure("a ResNet backbone without classifier has stages(x), not forward(x)") }
        let pooled = avgpool(stages(x)[3]).flattened()
        return fc(dropout?(pooled) ?? pooled)
    }

    /// The stem's modules in forward order (stride 4), then the stages': what `stages(_:)` runs and what an
    /// `InferencePlan` lowers.
    public var stem: [Module] { [conv1, bn1, relu, maxpool] }
    public var layers: [Sequential] { [layer1, layer2, layer3, layer4] }

    /// The outputs of layer1…layer4 (strides 4, 8, 16, 32 without dilation), for dense heads.
    public func stages(_ x: Tensor) -> [Tensor] {
        var h = stem.reduce(x) { $1($0) }
        return layers.map { layer in
            h = layer(h)
            return h
        }
    }
}

public final class BasicBlock: Module {
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let relu = Function.relu()
    public let conv2: Conv2d
    public let bn2: BatchNorm2d
    public let downsample: Sequential?
    public let stochastic_depth: StochasticDepth?
    public let drop_block: DropBlock2d?

    init(_ inplanes: Int, _ planes: Int, stride: Int, dilation: Int, downsample: Sequential?, extras: BlockRegularization, rng: RandomSource) {
        conv1 = Conv2d(inplanes, planes, kernel: 3, stride: stride, padding: dilation, dilation: dilation, bias: false, rng: rng)
        bn1 = BatchNorm2d(planes)
        conv2 = Conv2d(planes, planes, kernel: 3, padding: dilation, dilation: dilation, bias: false, rng: rng)
        bn2 = BatchNorm2d(planes)
        self.downsample = downsample
        stochastic_depth = extras.stochasticDepth
        drop_block = extras.dropBlock
    }

    override public func forward(_ x: Tensor) -> Tensor {
        let out = bn2(conv2(relu(bn1(conv1(x)))))
        return extras.apply(branch: out, identity: downsample?(x) ?? x, relu: relu)
    }

    private var extras: BlockRegularization { BlockRegularization(stochasticDepth: stochastic_depth, dropBlock: drop_block) }
}

public final class Bottleneck: Module {
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let conv2: Conv2d
    public let bn2: BatchNorm2d
    public let conv3: Conv2d
    public let bn3: BatchNorm2d
    public let relu = Function.relu()
    public let downsample: Sequential?
    public let stochastic_depth: StochasticDepth?
    public let drop_block: DropBlock2d?

    init(_ inplanes: Int, _ planes: Int, stride: Int, dilation: Int, downsample: Sequential?, extras: BlockRegularization, rng: RandomSource) {
        conv1 = Conv2d(inplanes, planes, kernel: 1, bias: false, rng: rng)
        bn1 = BatchNorm2d(planes)
        conv2 = Conv2d(planes, planes, kernel: 3, stride: stride, padding: dilation, dilation: dilation, bias: false, rng: rng)
        bn2 = BatchNorm2d(planes)
        conv3 = Conv2d(planes, planes * 4, kernel: 1, bias: false, rng: rng)
        bn3 = BatchNorm2d(planes * 4)
        self.downsample = downsample
        stochastic_depth = extras.stochasticDepth
        drop_block = extras.dropBlock
    }

    override public func forward(_ x: Tensor) -> Tensor {
        let out = bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x))))))))
        return extras.apply(branch: out, identity: downsample?(x) ?? x, relu: relu)
    }

    private var extras: BlockRegularization { BlockRegularization(stochasticDepth: stochastic_depth, dropBlock: drop_block) }
}

/// The optional regularisers of a residual block: stochastic depth on the branch, DropBlock on the block's output.
struct BlockRegularization {
    var stochasticDepth: StochasticDepth?
    var dropBlock: DropBlock2d?

    func apply(branch: Tensor, identity: Tensor, relu: Function) -> Tensor {
        let out = relu((stochasticDepth?(branch) ?? branch) + identity)
        return dropBlock?(out) ?? out
    }
}
