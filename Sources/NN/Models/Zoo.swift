/// The architectures `fovea` knows by name (the `--model ARCH` of the CLI contract).
public enum Architecture: String, CaseIterable, Sendable {
    case shapes_cnn, resnet18, resnet34, resnet50, convnext_tiny, convnext_nano

    /// A model with freshly initialised weights.
    public func make(classes: Int? = nil, seed: UInt64 = 0) -> Module {
        switch self {
        case .shapes_cnn: shapesCNN(classes: classes ?? 6, seed: seed)
        case .resnet18: ResNet(.resnet18, classes: classes ?? 1000, seed: seed)
        case .resnet34: ResNet(.resnet34, classes: classes ?? 1000, seed: seed)
        case .resnet50: ResNet(.resnet50, classes: classes ?? 1000, seed: seed)
        case .convnext_tiny: ConvNeXt(.tiny, classes: classes ?? 1000, seed: seed)
        case .convnext_nano: ConvNeXt(.nano, classes: classes ?? 6, seed: seed)
        }
    }
}

extension Architecture {
    /// The state-dict key of the classifier's weight, whose first axis is the number of classes.
    public var classifierKey: String {
        switch self {
        case .shapes_cnn: "10.weight"
        case .resnet18, .resnet34, .resnet50: "fc.weight"
        case .convnext_tiny, .convnext_nano: "classifier.2.weight"
        }
    }
}
