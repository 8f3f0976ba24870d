import Datasets
import Yams

/// The `augmentation:` list of a training config, read into the Datasets module's `Augmentation` steps:
///
///     augmentation:
///       - horizontal_flip                     # every parameter at its default
///       - rotation: {max_degrees: 15, probability: 0.5}
///       - color_jitter: {brightness: 0.3}
///       - zoom_out: {max_scale: 1.6, probability: 0.3, reflect: true}
///
/// Each item names one step, alone or with a mapping of parameters; an unknown step or parameter, a value of the
/// wrong type, or one `AugmentationFit` refuses for classification, is an error naming the file, line and item.
enum AugmentationSyntax {
    /// A step's parameters in order, with their defaults (torchvision's where it has the transform).
    struct Step: Sendable {
        let parameters: [(name: String, default: Double)]
        /// Parameters that are switches: written true or false, held as 1 or 0.
        var switches: Set<String> = []
        let make: @Sendable ([Double]) -> Augmentation
    }

    /// Width and height of a crop left at this placeholder are the config's image_size.
    static let imageSize = -1.0

    static let steps: [String: Step] = [
        "horizontal_flip": Step(parameters: [("probability", 0.5)]) { .horizontalFlip(probability: $0[0]) },
        "vertical_flip": Step(parameters: [("probability", 0.5)]) { .verticalFlip(probability: $0[0]) },
        "rotation": Step(parameters: [("max_degrees", 10), ("probability", 1)]) { .rotation(maxDegrees: $0[0], probability: $0[1]) },
        "random_resized_crop": Step(parameters: [("width", imageSize), ("height", imageSize), ("min_scale", 0.08), ("max_scale", 1),
                                                 ("min_ratio", 3.0 / 4), ("max_ratio", 4.0 / 3)]) {
            .randomResizedCrop(width: Int($0[0]), height: Int($0[1]), minScale: $0[2], maxScale: $0[3], minRatio: $0[4], maxRatio: $0[5])
        },
        "color_jitter": Step(parameters: [("brightness", 0), ("contrast", 0), ("saturation", 0), ("probability", 1)]) {
            .colorJitter(brightness: $0[0], contrast: $0[1], saturation: $0[2], probability: $0[3])
        },
        "elastic": Step(parameters: [("alpha", 4), ("sigma", 6), ("probability", 1)]) { .elastic(alpha: $0[0], sigma: $0[1], probability: $0[2]) },
        "zoom_out": Step(parameters: [("max_scale", 4), ("probability", 0.5), ("reflect", 0)], switches: ["reflect"]) {
            .zoomOut(maxScale: $0[0], probability: $0[1], reflect: $0[2] != 0)
        },
    ]

    static func parse(_ node: Node, file: String) throws(ConfigError) -> [Augmentation] {
        func at(_ n: Node, _ what: String) -> String { "\(file):\(n.mark?.line ?? 1): \(what)" }
        guard case .sequence(let items) = node else {
            throw ConfigError("\(at(node, "augmentation")): expected a list of steps, e.g. [horizontal_flip, {rotation: {max_degrees: 10}}]")
        }
        let known = steps.keys.sorted().joined(separator: ", ")
        var result: [Augmentation] = []
        for (index, item) in items.enumerated() {
            let label = "augmentation[\(index)]"
            let name: String, arguments: Node?
            switch item {
            case .scalar(let s): (name, arguments) = (s.string, nil)
            case .mapping(let m) where m.count == 1: (name, arguments) = (m.first!.key.string ?? "", m.first!.value)
            default: throw ConfigError("\(at(item, label)): expected a step name or `name: {parameter: value}`")
            }
            guard let step = steps[name] else { throw ConfigError("\(at(item, label)): unknown step '\(name)' (known: \(known))") }
            var values = step.parameters.map(\.default)
            if let arguments {
                guard case .mapping(let given) = arguments else {
                    throw ConfigError("\(at(arguments, "\(label).\(name)")): expected a mapping of parameters (\(step.parameters.map(\.name).joined(separator: ", ")))")
                }
                for (key, value) in given {
                    let parameter = key.string ?? ""
                    guard let slot = step.parameters.firstIndex(where: { $0.name == parameter }) else {
                        throw ConfigError("\(at(key, "\(label).\(name)")): unknown parameter '\(parameter)' (known: \(step.parameters.map(\.name).joined(separator: ", ")))")
                    }
                    let place = at(key, "\(label).\(name).\(parameter)")
                    if step.switches.contains(parameter) {
                        guard case .scalar(let s) = value, let on = ["true": 1.0, "false": 0.0][s.string.lowercased()] else {
                            throw ConfigError("\(place): expected true or false, got \(describe(value))")
                        }
                        values[slot] = on
                        continue
                    }
                    guard case .scalar(let s) = value, let number = Double(s.string), number.isFinite, number >= 0 else {
                        throw ConfigError("\(place): expected a non-negative number, got \(describe(value))")
                    }
                    values[slot] = number
                }
            }
            let made = step.make(values)
            // The Datasets module's range rules (probabilities, angles, scales); a crop's size is checked once known.
            if let problem = AugmentationFit.problems(resolvingImageSize([made], 1), task: .classification).first {
                throw ConfigError("\(at(item, "\(label) \(name)")): \(problem.reason)")
            }
            result.append(made)
        }
        return result
    }

    /// The crops left at the image_size placeholder, given the size.
    static func resolvingImageSize(_ steps: [Augmentation], _ size: Int) -> [Augmentation] {
        steps.map { step in
            guard case .randomResizedCrop(let w, let h, let a, let b, let c, let d) = step else { return step }
            return .randomResizedCrop(width: w < 0 ? size : w, height: h < 0 ? size : h, minScale: a, maxScale: b, minRatio: c, maxRatio: d)
        }
    }

    /// A one-line spelling for hparams.yaml and meta.json (what a resume compares).
    static func describe(_ steps: [Augmentation]) -> String {
        "[" + steps.map { step -> String in
            let (name, values): (String, [Double]) = switch step {
            case .horizontalFlip(let p): ("horizontal_flip", [p])
            case .verticalFlip(let p): ("vertical_flip", [p])
            case .rotation(let m, let p): ("rotation", [m, p])
            case .randomResizedCrop(let w, let h, let a, let b, let c, let d): ("random_resized_crop", [Double(w), Double(h), a, b, c, d])
            case .colorJitter(let b, let c, let s, let p): ("color_jitter", [b, c, s, p])
            case .elastic(let a, let s, let p): ("elastic", [a, s, p])
            case .zoomOut(let m, let p, let r): ("zoom_out", [m, p, r ? 1 : 0])
            }
            let step = AugmentationSyntax.steps[name]!
            return name + " {" + zip(step.parameters.map(\.name), values).map { parameter, value in
                "\(parameter): " + (step.switches.contains(parameter) ? "\(value != 0)" : "\(value)")
            }.joined(separator: ", ") + "}"
        }.joined(separator: ", ") + "]"
    }

    private static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): "'\(s.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }
}
