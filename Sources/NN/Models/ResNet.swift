import Tensors

/// torchvision's ResNet (v1.5: the stride sits in the 3×3 convolution), same layout and state-dict names.
public final class ResNet: Module {
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let relu = Function.relu()
    public let maxpool = Function.maxPool(3, stride: 2, padding: 1)
    public let layer1, layer2, layer3, layer4: Sequential
    public let avgpool = Function.globalAvgPool()
    public let fc: Linear

    public enum Depth: Int, Sendable { case resnet18 = 18, resnet34 = 34, resnet50 = 50 }

    public init(_ depth: Depth, classes: Int = 1000, seed: UInt64 = 0) {
        let rng = RandomSource(seed: seed)
        let (blocks, bottleneck): ([Int], Bool) = switch depth {
        case .resnet18: ([2, 2, 2, 2], false)
        case .resnet34: ([3, 4, 6, 3], false)
        case .resnet50: ([3, 4, 6, 3], true)
        }
        let expansion = bottleneck ? 4 : 1
        conv1 = Conv2d(3, 64, kernel: 7, stride: 2, padding: 3, bias: false, rng: rng)
        bn1 = BatchNorm2d(64)
        var inplanes = 64
        func stage(_ planes: Int, _ count: Int, stride: Int) -> Sequential {
            Sequential((0..<count).map { i -> Module in
                let s = i == 0 ? stride : 1
                var downsample: Sequential?
                if i == 0 && (s != 1 || inplanes != planes * expansion) {
                    downsample = Sequential(Conv2d(inplanes, planes * expansion, kernel: 1, stride: s, bias: false, rng: rng),
                                            BatchNorm2d(planes * expansion))
                }
                let block: Module = bottleneck
                    ? Bottleneck(inplanes, planes, stride: s, downsample: downsample, rng: rng)
                    : BasicBlock(inplanes, planes, stride: s, downsample: downsample, rng: rng)
                inplanes = planes * expansion
                return block
            })
        }
        layer1 = stage(64, blocks[0], stride: 1)
        layer2 = stage(128, blocks[1], stride: 2)
        layer3 = stage(256, blocks[2], stride: 2)
        layer4 = stage(512, blocks[3], stride: 2)
        fc = Linear(512 * expansion, classes, rng: rng)
    }

    override public func forward(_ x: Tensor) -> Tensor {
        let stem = maxpool(relu(bn1(conv1(x))))
        return fc(avgpool(layer4(layer3(layer2(layer1(stem))))).flattened())
    }
}

public final class BasicBlock: Module {
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let relu = Function.relu()
    public let conv2: Conv2d
    public let bn2: BatchNorm2d
    public let downsample: Sequential?

    init(_ inplanes: Int, _ planes: Int, stride: Int, downsample: Sequential?, rng: RandomSource) {
        conv1 = Conv2d(inplanes, planes, kernel: 3, stride: stride, padding: 1, bias: false, rng: rng)
        bn1 = BatchNorm2d(planes)
        conv2 = Conv2d(planes, planes, kernel: 3, padding: 1, bias: false, rng: rng)
        bn2 = BatchNorm2d(planes)
        self.downsample = downsample
    }

    override public func forward(_ x: Tensor) -> Tensor {
        let out = bn2(conv2(relu(bn1(conv1(x)))))
        return relu(out + (downsample?(x) ?? x))
    }
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

    init(_ inplanes: Int, _ planes: Int, stride: Int, downsample: Sequential?, rng: RandomSource) {
        conv1 = Conv2d(inplanes, planes, kernel: 1, bias: false, rng: rng)
        bn1 = BatchNorm2d(planes)
        conv2 = Conv2d(planes, planes, kernel: 3, stride: stride, padding: 1, bias: false, rng: rng)
        bn2 = BatchNorm2d(planes)
        conv3 = Conv2d(planes, planes * 4, kernel: 1, bias: false, rng: rng)
        bn3 = BatchNorm2d(planes * 4)
        self.downsample = downsample
    }

    override public func forward(_ x: Tensor) -> Tensor {
        let out = bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x))))))))
        return relu(out + (downsample?(x) ?? x))
    }
}
