import Tensors

/// DeepLabV3+: a dilated ResNet (output stride 16), torchvision's ASPP (three atrous 3×3 branches, a 1×1
/// branch and image pooling), and the V3+ decoder that fuses stride-4 features for sharper boundaries.
/// Output: per-class logits at input resolution.
public final class DeepLabV3Plus: Module {
    public let backbone: ResNet
    public let aspp: ASPP
    public let reduce: Sequential
    public let fuse: Sequential
    public let classifier: Conv2d

    public init(backbone depth: ResNet.Depth, classes: Int, atrousRates: [Int] = [6, 12, 18], seed: UInt64 = 0) {
        let rng = RandomSource(seed: seed &+ 1)
        backbone = ResNet(depth, classes: nil, dilate: [false, false, true], seed: seed)
        let low = backbone.stageChannels[0], high = backbone.stageChannels[3]
        aspp = ASPP(high, rates: atrousRates, out: 256, rng: rng)
        reduce = convBNReLU(low, 48, kernel: 1, rng: rng)
        fuse = Sequential(convBNReLU(256 + 48, 256, kernel: 3, rng: rng), convBNReLU(256, 256, kernel: 3, rng: rng))
        classifier = Conv2d(256, classes, kernel: 1, rng: rng)
    }

    override public func forward(_ x: Tensor) -> Tensor {
        let features = backbone.stages(x)
        let low = reduce(features[0])
        let context = upsampleBilinear(aspp(features[3]), size: (low.shape[2], low.shape[3]), alignCorners: false)
        let logits = classifier(fuse(Tensor.concat([context, low], axis: 1)))
        return upsampleBilinear(logits, size: (x.shape[2], x.shape[3]), alignCorners: false)
    }
}

/// torchvision's ASPP: `convs` (1×1, one dilated 3×3 per rate, image pooling) concatenated, then `project`.
public final class ASPP: Module {
    public let convs: [Module]
    public let project: Sequential

    init(_ inChannels: Int, rates: [Int], out: Int, rng: RandomSource) {
        convs = [convBNReLU(inChannels, out, kernel: 1, rng: rng)]
            + rates.map { convBNReLU(inChannels, out, kernel: 3, dilation: $0, rng: rng) }
            + [ImagePooling(inChannels, out, rng: rng)]
        project = Sequential(convBNReLU(out * (rates.count + 2), out, kernel: 1, rng: rng).layers + [Dropout(0.5, rng: rng)])
    }

    override public func forward(_ x: Tensor) -> Tensor {
        project(Tensor.concat(convs.map { $0(x) }, axis: 1))
    }
}

/// ASPP's image-level branch: global average, 1×1 conv, BN, ReLU, spread back over the map.
public final class ImagePooling: Module {
    public let block: Sequential
    init(_ inChannels: Int, _ out: Int, rng: RandomSource) {
        block = Sequential(Function.globalAvgPool(), Conv2d(inChannels, out, kernel: 1, bias: false, rng: rng), BatchNorm2d(out), Function.relu())
    }
    override public var namedChildren: [(String, Module)] { block.namedChildren }  // torchvision: convs.4.1.weight
    override public func forward(_ x: Tensor) -> Tensor {
        upsampleBilinear(block(x), size: (x.shape[2], x.shape[3]), alignCorners: false)
    }
}

/// A small UNet for CPU training: four resolutions, double 3×3 conv blocks, bilinear up-sampling with skip
/// connections, and a 1×1 classifier.
public final class UNet: Module {
    public let down: [Sequential]
    public let up: [Sequential]
    public let classifier: Conv2d

    public init(classes: Int, widths: [Int] = [16, 32, 64, 128], seed: UInt64 = 0) {
        let rng = RandomSource(seed: seed)
        func double(_ cin: Int, _ cout: Int) -> Sequential {
            Sequential(convBNReLU(cin, cout, kernel: 3, rng: rng).layers + convBNReLU(cout, cout, kernel: 3, rng: rng).layers)
        }
        down = zip([3] + widths.dropLast(), widths).map { double($0, $1) }
        up = (0..<(widths.count - 1)).reversed().map { i in double(widths[i + 1] + widths[i], widths[i]) }
        classifier = Conv2d(widths[0], classes, kernel: 1, rng: rng)
    }

    override public func forward(_ x: Tensor) -> Tensor {
        var skips: [Tensor] = []
        var h = x
        for (i, block) in down.enumerated() {
            if i > 0 { h = maxPool2d(h, kernel: 2) }
            h = block(h)
            skips.append(h)
        }
        for (block, skip) in zip(up, skips.dropLast().reversed()) {
            h = block(Tensor.concat([upsampleBilinear(h, size: (skip.shape[2], skip.shape[3]), alignCorners: false), skip], axis: 1))
        }
        return classifier(h)
    }
}

/// Conv (no bias) → BatchNorm → ReLU, "same" padding.
func convBNReLU(_ cin: Int, _ cout: Int, kernel: Int, dilation: Int = 1, rng: RandomSource) -> Sequential {
    Sequential(Conv2d(cin, cout, kernel: kernel, padding: dilation * (kernel - 1) / 2, dilation: dilation, bias: false, rng: rng),
               BatchNorm2d(cout), Function.relu())
}
