/// Whether augmentation steps suit a task and its content, checked before training starts so that a config
/// that would teach the wrong invariance fails with a reason instead of quietly training a worse model.
public enum AugmentationFit {
    /// One reason a step does not fit; `step` indexes the list given.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var step: Int
        public var name: String
        public var reason: String
        public var description: String { "augmentation[\(step)] \(name): \(reason)" }
    }

    /// Every problem of `steps` for `task`. Parameters must be in range for every task. `textLike` content (text
    /// lines, digits, documents) rules out flips (mirrored text is not text), rotations beyond ±5° and crops that
    /// change the aspect ratio (they distort glyphs; letterbox instead). Segmentation and detection accept every
    /// geometric step, because masks and boxes move with the pixels — except a reflecting zoom-out for detection,
    /// whose mirrored border would show objects without boxes.
    public static func problems(_ steps: [Augmentation], task: ShapesFixture.Task, textLike: Bool = false) -> [Problem] {
        var problems: [Problem] = []
        for (index, step) in steps.enumerated() {
            let report = { (reason: String) in problems.append(Problem(step: index, name: step.configName, reason: reason)) }
            for reason in rangeProblems(step) { report(reason) }
            if task == .detection, case .zoomOut(_, _, reflect: true) = step {
                report("reflect mirrors objects near the edge into the border without their boxes; use reflect: false for detection")
            }
            guard textLike else { continue }
            switch step {
            case .horizontalFlip, .verticalFlip:
                report("a mirrored text-like image is not a valid sample")
            case .rotation(let maxDegrees, _) where maxDegrees > 5:
                report("rotations beyond ±5° are not plausible for text-like images (got ±\(maxDegrees)°)")
            case .randomResizedCrop(_, _, _, _, let minRatio, let maxRatio) where minRatio != maxRatio:
                report("aspect ratios \(minRatio)–\(maxRatio) distort text-like images; fix the ratio, or letterbox")
            default:
                break
            }
        }
        return problems
    }

    private static func rangeProblems(_ step: Augmentation) -> [String] {
        var reasons: [String] = []
        func probability(_ p: Double) { if !(0...1).contains(p) { reasons.append("probability must lie in [0, 1], got \(p)") } }
        switch step {
        case .horizontalFlip(let p), .verticalFlip(let p):
            probability(p)
        case .rotation(let maxDegrees, let p):
            probability(p)
            if !(0...180).contains(maxDegrees) { reasons.append("max_degrees must lie in [0, 180], got \(maxDegrees)") }
        case .randomResizedCrop(let width, let height, let minScale, let maxScale, let minRatio, let maxRatio):
            if width < 1 || height < 1 { reasons.append("output size must be at least 1 × 1, got \(width) × \(height)") }
            if !(minScale > 0 && minScale <= maxScale && maxScale <= 1) {
                reasons.append("scale must satisfy 0 < min_scale ≤ max_scale ≤ 1, got \(minScale)–\(maxScale)")
            }
            if !(minRatio > 0 && minRatio <= maxRatio) { reasons.append("ratio must satisfy 0 < min_ratio ≤ max_ratio, got \(minRatio)–\(maxRatio)") }
        case .colorJitter(let brightness, let contrast, let saturation, let p):
            probability(p)
            for (name, value) in [("brightness", brightness), ("contrast", contrast), ("saturation", saturation)] where !(0...1).contains(value) {
                reasons.append("\(name) must lie in [0, 1], got \(value)")
            }
        case .elastic(let alpha, let sigma, let p):
            probability(p)
            if !(alpha >= 0) { reasons.append("alpha must not be negative, got \(alpha)") }
            if !(sigma > 0) { reasons.append("sigma must be positive, got \(sigma)") }
        case .zoomOut(let maxScale, let p, _):
            probability(p)
            if !(1...16).contains(maxScale) { reasons.append("max_scale must lie in [1, 16], got \(maxScale)") }
        }
        return reasons
    }
}

extension Augmentation {
    /// The step's name in configs (`horizontal_flip`, `rotation`, …), as Training's YAML spells it.
    public var configName: String {
        switch self {
        case .horizontalFlip: "horizontal_flip"
        case .verticalFlip: "vertical_flip"
        case .rotation: "rotation"
        case .randomResizedCrop: "random_resized_crop"
        case .colorJitter: "color_jitter"
        case .elastic: "elastic"
        case .zoomOut: "zoom_out"
        }
    }
}
