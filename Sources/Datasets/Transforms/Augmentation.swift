import Foundation

/// One augmentation step as a config declares it. Geometric steps move boxes and masks with the pixels; colour
/// steps touch only the image. Probabilities are per sample.
public enum Augmentation: Codable, Sendable, Equatable {
    case horizontalFlip(probability: Double)
    case verticalFlip(probability: Double)
    /// Rotation by an angle uniform in ±`maxDegrees` about the centre; uncovered corners read `fill`.
    case rotation(maxDegrees: Double, probability: Double)
    /// torchvision's RandomResizedCrop: a crop of `scale` × the area and aspect ratio in `ratio` (log-uniform),
    /// resized to `width` × `height` (area interpolation when shrinking).
    case randomResizedCrop(width: Int, height: Int, minScale: Double, maxScale: Double, minRatio: Double, maxRatio: Double)
    /// Factors uniform in [1 − x, 1 + x] for brightness, contrast (about the mean grey) and saturation.
    case colorJitter(brightness: Double, contrast: Double, saturation: Double, probability: Double)
    /// Smooth random displacement (Simard et al. 2003): uniform noise in ±1 smoothed by a Gaussian of `sigma`
    /// pixels, scaled by `alpha` pixels.
    case elastic(alpha: Double, sigma: Double, probability: Double)
    /// torchvision's RandomZoomOut followed by a resize back to the image's size: the image shrunk by a factor
    /// uniform in [1, `maxScale`] at a uniformly random place in its own frame, which makes objects smaller (the
    /// small-object cases). The border reads `fill`, or with `reflect` the image mirrored at its edges (no
    /// artificial frame; masks mirror with it, so it suits classification and segmentation, not boxes).
    case zoomOut(maxScale: Double, probability: Double, reflect: Bool)
}

/// The augmentations of one task, applied in order, reproducible from a seed.
public struct AugmentationPipeline: Codable, Sendable, Equatable {
    public var steps: [Augmentation]
    /// Value of image pixels uncovered by a rotation or elastic warp.
    public var fill: Float
    /// Boxes keeping less than this share of their area inside the image are dropped.
    public var minVisibleBoxArea: Double

    public init(steps: [Augmentation], fill: Float = 0, minVisibleBoxArea: Double = 0.3) {
        self.steps = steps
        self.fill = fill
        self.minVisibleBoxArea = minVisibleBoxArea
    }

    /// Starting points per task. None flips vertically: for most imagery "up" carries meaning, and for defect
    /// inspection a rotated part can fake a defect, so rotations stay mild and are left out for detection.
    public static func defaults(for task: ShapesFixture.Task) -> AugmentationPipeline {
        switch task {
        case .classification:
            return AugmentationPipeline(steps: [.horizontalFlip(probability: 0.5), .rotation(maxDegrees: 10, probability: 0.5),
                                                .colorJitter(brightness: 0.2, contrast: 0.2, saturation: 0.2, probability: 0.8)])
        case .detection:
            return AugmentationPipeline(steps: [.horizontalFlip(probability: 0.5),
                                                .colorJitter(brightness: 0.2, contrast: 0.2, saturation: 0.2, probability: 0.8)])
        case .segmentation:
            return AugmentationPipeline(steps: [.horizontalFlip(probability: 0.5), .rotation(maxDegrees: 10, probability: 0.3),
                                                .elastic(alpha: 4, sigma: 6, probability: 0.3)])
        }
    }

    /// The same sample and seed always give the same result.
    public func apply(_ sample: AnnotatedSample, seed: UInt64) -> AnnotatedSample {
        var random = SeededGenerator(seed: seed)
        var current = sample
        for step in steps { current = apply(step, to: current, random: &random) }
        return current
    }

    private func apply(_ step: Augmentation, to sample: AnnotatedSample, random: inout SeededGenerator) -> AnnotatedSample {
        let width = sample.image.width, height = sample.image.height
        switch step {
        case .horizontalFlip(let probability):
            guard random.uniform(0, 1) < probability else { return sample }
            return AffineMap(a: -1, b: 0, c: Double(width), d: 0, e: 1, f: 0)
                .warp(sample, width: width, height: height, fill: fill, minVisible: minVisibleBoxArea)
        case .verticalFlip(let probability):
            guard random.uniform(0, 1) < probability else { return sample }
            return AffineMap(a: 1, b: 0, c: 0, d: 0, e: -1, f: Double(height))
                .warp(sample, width: width, height: height, fill: fill, minVisible: minVisibleBoxArea)
        case .rotation(let maxDegrees, let probability):
            guard random.uniform(0, 1) < probability else { return sample }
            let degrees = random.uniform(-maxDegrees, maxDegrees)
            return AffineMap.rotation(degrees: degrees, centerX: Double(width) / 2, centerY: Double(height) / 2)
                .warp(sample, width: width, height: height, fill: fill, minVisible: minVisibleBoxArea)
        case .randomResizedCrop(let outWidth, let outHeight, let minScale, let maxScale, let minRatio, let maxRatio):
            let crop = Self.cropWindow(width: width, height: height, scale: minScale...maxScale, ratio: minRatio...maxRatio, random: &random)
            return Crop.resized(sample, crop: crop, width: outWidth, height: outHeight, minVisible: minVisibleBoxArea)
        case .colorJitter(let brightness, let contrast, let saturation, let probability):
            guard random.uniform(0, 1) < probability else { return sample }
            let factors = [brightness, contrast, saturation].map { random.uniform(1 - $0, 1 + $0) }
            var jittered = sample
            jittered.image = ColorJitter.apply(sample.image, brightness: Float(factors[0]), contrast: Float(factors[1]), saturation: Float(factors[2]))
            return jittered
        case .elastic(let alpha, let sigma, let probability):
            guard random.uniform(0, 1) < probability else { return sample }
            let field = ElasticField(width: width, height: height, alpha: alpha, sigma: sigma, random: &random)
            return field.warp(sample, fill: fill, minVisible: minVisibleBoxArea)
        case .zoomOut(let maxScale, let probability, let reflect):
            guard random.uniform(0, 1) < probability else { return sample }
            let shrink = 1 / random.uniform(1, maxScale)
            let left = random.uniform(0, Double(width) * (1 - shrink)), top = random.uniform(0, Double(height) * (1 - shrink))
            return AffineMap(a: shrink, b: 0, c: left, d: 0, e: shrink, f: top)
                .warp(sample, width: width, height: height, fill: fill, minVisible: minVisibleBoxArea, reflect: reflect)
        }
    }

    /// torchvision's RandomResizedCrop.get_params: ten tries at a random area and aspect, then a centre crop
    /// clamped to the allowed ratios.
    static func cropWindow(width: Int, height: Int, scale: ClosedRange<Double>, ratio: ClosedRange<Double>,
                           random: inout SeededGenerator) -> (x: Int, y: Int, width: Int, height: Int) {
        let area = Double(width * height)
        for _ in 0..<10 {
            let target = area * random.uniform(scale.lowerBound, scale.upperBound)
            let aspect = exp(random.uniform(log(ratio.lowerBound), log(ratio.upperBound)))
            let w = Int((target * aspect).squareRoot().rounded()), h = Int((target / aspect).squareRoot().rounded())
            if w > 0, h > 0, w <= width, h <= height {
                return (random.below(width - w + 1), random.below(height - h + 1), w, h)
            }
        }
        let aspect = Double(width) / Double(height)
        let (w, h): (Int, Int) = aspect < ratio.lowerBound ? (width, Int((Double(width) / ratio.lowerBound).rounded()))
            : aspect > ratio.upperBound ? (Int((Double(height) * ratio.upperBound).rounded()), height) : (width, height)
        return ((width - w) / 2, (height - h) / 2, w, h)
    }
}
