/// The architectures `fovea` knows by name (the `--model ARCH` of the CLI contract).
public enum Architecture: String, CaseIterable, Sendable {
    case shapes_cnn, resnet18, resnet34, resnet50, convnext_tiny, convnext_nano
    /// resnet18 at half width (32–256 channels, torchvision's names): a quarter of the multiply-adds, for small
    /// images on a CPU budget (the shapes goal of docs/training.md).
    case resnet18_half
    case deeplabv3plus_resnet18, deeplabv3plus_resnet50, unet_small
    case centernet_resnet18

    public enum Task: String, Sendable { case classification, segmentation, detection }

    public var task: Task {
        switch self {
        case .shapes_cnn, .resnet18, .resnet18_half, .resnet34, .resnet50, .convnext_tiny, .convnext_nano: .classification
        case .deeplabv3plus_resnet18, .deeplabv3plus_resnet50, .unet_small: .segmentation
        case .centernet_resnet18: .detection
        }
    }

    /// A model with freshly initialised weights. `regularization` applies to the classifiers (segmentation and
    /// detection models are built without it).
    public func make(classes: Int? = nil, seed: UInt64 = 0, regularization: Regularization = Regularization()) -> Module {
        let r = regularization
        return switch self {
        case .shapes_cnn: shapesCNN(classes: classes ?? 6, seed: seed, regularization: r)
        case .resnet18: ResNet(.resnet18, classes: classes ?? 1000, seed: seed, regularization: r)
        case .resnet18_half: ResNet(.resnet18, classes: classes ?? 6, width: 32, seed: seed, regularization: r)
        case .resnet34: ResNet(.resnet34, classes: classes ?? 1000, seed: seed, regularization: r)
        case .resnet50: ResNet(.resnet50, classes: classes ?? 1000, seed: seed, regularization: r)
        case .convnext_tiny: ConvNeXt(.tiny, classes: classes ?? 1000, seed: seed, regularization: r)
        case .convnext_nano: ConvNeXt(.nano, classes: classes ?? 6, seed: seed, regularization: r)
        case .deeplabv3plus_resnet18: DeepLabV3Plus(backbone: .resnet18, classes: classes ?? 21, seed: seed)
        case .deeplabv3plus_resnet50: DeepLabV3Plus(backbone: .resnet50, classes: classes ?? 21, seed: seed)
        case .unet_small: UNet(classes: classes ?? 4, seed: seed)
        case .centernet_resnet18: CenterNet(backbone: .resnet18, classes: classes ?? 80, seed: seed)
        }
    }

    /// Whether the model has residual blocks (where stochastic depth applies).
    public var hasResidualBlocks: Bool { self != .shapes_cnn && task == .classification }

    /// The smallest height and width the architecture accepts (its total down-sampling).
    public var minimumInputSize: Int {
        switch self {
        case .shapes_cnn: 4
        case .unet_small: 8
        default: 32
        }
    }

    /// The state-dict key of the output layer's weight, whose first axis is the number of classes.
    public var classifierKey: String {
        switch self {
        case .shapes_cnn: "10.weight"
        case .resnet18, .resnet18_half, .resnet34, .resnet50: "fc.weight"
        case .convnext_tiny, .convnext_nano: "classifier.2.weight"
        case .deeplabv3plus_resnet18, .deeplabv3plus_resnet50, .unet_small: "classifier.weight"
        case .centernet_resnet18: "heatmap.2.weight"
        }
    }
}
