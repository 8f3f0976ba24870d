import Tensors

/// What a model expects of an image: size, resizing policy and normalisation.
public struct Preprocessing: Sendable {
    public enum Resize: String, Sendable, CaseIterable {
        /// Scale both sides to the target (distorts the aspect ratio).
        case stretch
        /// Scale to fit inside, pad the rest with the mean colour (keeps the aspect ratio: text, documents).
        case letterbox
        /// Scale the short side to size·256/224, then take the centre (torchvision's ImageNet evaluation).
        case centerCrop = "center-crop"
    }

    public var size: Int
    public var resize: Resize
    public var mean: [Float]
    public var std: [Float]

    public static let imagenetMean: [Float] = [0.485, 0.456, 0.406]
    public static let imagenetStd: [Float] = [0.229, 0.224, 0.225]

    public init(size: Int, resize: Resize, mean: [Float] = imagenetMean, std: [Float] = imagenetStd) {
        self.size = size; self.resize = resize; self.mean = mean; self.std = std
    }

    /// [1, 3, H, W] RGB in [0, 1] → the model's input. Shrinking averages areas (no aliasing); enlarging is bilinear.
    public func apply(_ image: Tensor) -> Tensor {
        precondition(image.rank == 4 && image.shape[1] == 3, "preprocessing expects [1, 3, H, W], got \(image.shape)")
        let (h, w) = (image.shape[2], image.shape[3])
        var x: Tensor
        switch resize {
        case .stretch:
            x = Self.resized(image, to: (size, size))
        case .letterbox:
            let scale = Float(size) / Float(max(h, w))
            let (nh, nw) = (max(1, Int((Float(h) * scale).rounded())), max(1, Int((Float(w) * scale).rounded())))
            let top = (size - nh) / 2, left = (size - nw) / 2
            // Pad with the mean, which normalises to zero.
            x = Tensor.concat((0..<3).map { c in
                Self.resized(image, to: (nh, nw)).sliced(axis: 1, c..<(c + 1))
                    .padded([(0, 0), (0, 0), (top, size - nh - top), (left, size - nw - left)], value: mean[c])
            }, axis: 1)
        case .centerCrop:
            let short = size * 256 / 224, scale = Float(short) / Float(min(h, w))
            let (nh, nw) = (max(size, Int((Float(h) * scale).rounded())), max(size, Int((Float(w) * scale).rounded())))
            let top = (nh - size) / 2, left = (nw - size) / 2
            x = Self.resized(image, to: (nh, nw)).sliced(axis: 2, top..<(top + size)).sliced(axis: 3, left..<(left + size))
        }
        return (x - Tensor(shape: [1, 3, 1, 1], mean)) / Tensor(shape: [1, 3, 1, 1], std)
    }

    /// Where an image of (height, width) lands in the model's input: input = original·scale + offset,
    /// per axis (y, x). Maps predicted boxes back to the original pixels.
    public func placement(height h: Int, width w: Int) -> (scale: (Float, Float), offset: (Float, Float)) {
        switch resize {
        case .stretch:
            return ((Float(size) / Float(h), Float(size) / Float(w)), (0, 0))
        case .letterbox:
            let scale = Float(size) / Float(max(h, w))
            let (nh, nw) = (max(1, Int((Float(h) * scale).rounded())), max(1, Int((Float(w) * scale).rounded())))
            return ((Float(nh) / Float(h), Float(nw) / Float(w)), (Float((size - nh) / 2), Float((size - nw) / 2)))
        case .centerCrop:
            let short = size * 256 / 224, scale = Float(short) / Float(min(h, w))
            let (nh, nw) = (max(size, Int((Float(h) * scale).rounded())), max(size, Int((Float(w) * scale).rounded())))
            return ((Float(nh) / Float(h), Float(nw) / Float(w)), (-Float((nh - size) / 2), -Float((nw - size) / 2)))
        }
    }

    /// A box (x, y, width, height) in input pixels, in the pixels of the original image of (height, width): the
    /// placement undone, as COCO results want detections.
    public func originalBox(_ box: (x: Float, y: Float, width: Float, height: Float), height: Int, width: Int) -> [Double] {
        let (scale, offset) = placement(height: height, width: width)
        return [(box.x - offset.1) / scale.1, (box.y - offset.0) / scale.0, box.width / scale.1, box.height / scale.0].map(Double.init)
    }

    /// The model's resampling of [N, C, H, W] images: shrinking averages areas (adaptive_avg_pool2d, PyTorch's
    /// `interpolate(mode="area")`), enlarging is bilinear with half-pixel centres. Training resizes with it too, so
    /// a model is trained on the pixels it is later fed.
    public static func resized(_ x: Tensor, to size: (Int, Int)) -> Tensor {
        let (h, w) = (x.shape[2], x.shape[3])
        if (h, w) == size { return x }
        if size.0 <= h && size.1 <= w { return adaptiveAvgPool2d(x, size: size) }
        return upsampleBilinear(x, size: size, alignCorners: false)
    }
}

extension Architecture {
    /// Each architecture's input convention: ImageNet classifiers at 224 with centre crop, the small CPU models at 64,
    /// dense models stretched (segmentation) or letterboxed (detection, so boxes keep their aspect).
    public var preprocessing: Preprocessing {
        switch self {
        case .shapes_cnn, .resnet18_half, .convnext_nano, .unet_small: Preprocessing(size: 64, resize: .stretch)
        case .resnet18, .resnet34, .resnet50, .convnext_tiny: Preprocessing(size: 224, resize: .centerCrop)
        case .deeplabv3plus_resnet18, .deeplabv3plus_resnet50: Preprocessing(size: 256, resize: .stretch)
        case .centernet_resnet18: Preprocessing(size: 128, resize: .letterbox)
        }
    }
}
