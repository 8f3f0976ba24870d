import Attribution
import Evaluation
import Foundation
import Yams

/// `fovea iterate --config FILE.yaml`: what one iteration runs. A flat YAML mapping (keys in docs/iterate.md);
/// an unknown key or a wrong type is an error naming file, line and key. Relative paths are taken from the
/// current directory, as in `fovea train` configs.
public struct IterateConfig: Sendable, Equatable {
    public enum Task: String, Sendable, CaseIterable { case classification, detection, segmentation }
    public enum Stage: String, Sendable, CaseIterable, Comparable {
        case train, predict, errors, failures, cam, report
        public static func < (a: Stage, b: Stage) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
    }

    public var file: String
    public var task: Task = .classification
    public var title: String = "Fovea iterations"
    /// Holds every iteration, the failure set (manifest + SQLite history) and, by default, the report.
    public var workspace: String = "runs/iterate"
    /// A `fovea train` config (any task; required for classification); each iteration keeps a copy. Detection and
    /// segmentation iterations then evaluate the trained model on `ground_truth`, a held-out set.
    public var train: String?
    /// From files: detection — COCO ground truth and results; segmentation — folders of ground-truth and predicted
    /// class-index masks (PNG, matched by name). `images`: the image folder.
    public var groundTruth: String?
    public var predictions: String?
    public var images: String?
    /// Detection: `bbox`, or `segm` for instance masks.
    public var iouType: IoUType = .bbox
    /// Segmentation: class names by index (a JSON list); by default "background", "class 1", ….
    public var classes: String?
    /// Detection and segmentation: a model of the zoo and its weights (safetensors): the predict stage runs it unless
    /// `predictions` are given, and the heat-map stage explains the cases with it.
    public var model: String?
    public var weights: String?
    public var camMethods: [CAMMethod] = [.gradcam, .gradcamPlusPlus, .scorecam]
    /// Module path the heat maps are taken at; by default the model's last convolutional stage.
    public var camLayer: String?
    /// Heat maps also for this many of the iteration's errors outside the failure set (the most confident of each type in turn).
    public var camTopErrors = 10
    public var minCases = 10
    public var maxCases = 20
    /// Report folder; by default `<workspace>/report`.
    public var report: String?
    public var skip: Set<Stage> = []
    /// Report templates; by default the repository's `templates/report`.
    public var templates: String?

    public init(file: String) { self.file = file }

    /// Whether this iteration has a model to run (its own training, or imported weights), not only its outputs.
    public var runsModel: Bool { train != nil || model != nil }

    public var reportFolder: String { report ?? URL(fileURLWithPath: workspace).appendingPathComponent("report").path }

    public static func load(path: String) throws -> IterateConfig {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw IterationError("\(path): cannot read")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> IterateConfig {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            // Yams describes the spot over several lines; the CLI contract wants one.
            throw IterationError("\(file): invalid YAML: " + "\(error)".split(whereSeparator: \.isNewline).joined(separator: " "))
        }
        guard let mapping = root?.mapping else { throw IterationError("\(file): expected a mapping of keys to values") }
        var config = IterateConfig(file: file)
        var firstLine = [String: Int]()
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let at = "\(file):\(keyNode.mark?.line ?? 1): \(key)"
            if let first = firstLine[key] { throw IterationError("\(at): given twice (first at line \(first))") }
            firstLine[key] = keyNode.mark?.line ?? 1
            guard let set = setters[key] else {
                throw IterationError("\(at): unknown key (known: \(setters.keys.sorted().joined(separator: ", ")))")
            }
            try set(&config, value, at)
        }
        try config.validate()
        return config
    }

    private func validate() throws {
        switch task {
        case .classification:
            guard train != nil else { throw IterationError("\(file): train: required for classification (a fovea train config)") }
        case .detection, .segmentation:
            guard (model == nil) == (weights == nil) else { throw IterationError("\(file): model and weights: give both, or neither") }
            if train != nil {
                guard model == nil, predictions == nil else {
                    throw IterationError("\(file): train: the model is the one trained; give no model, weights or predictions")
                }
            }
            guard groundTruth != nil, predictions != nil || runsModel else {
                throw IterationError("\(file): ground_truth and predictions (or model and weights, or train): required for \(task.rawValue) ("
                    + (task == .detection ? "COCO files)" : "folders of class-index masks)"))
            }
            guard !runsModel || images != nil else { throw IterationError("\(file): images: required to run the model") }
        }
        guard minCases >= 0, maxCases >= 1 else { throw IterationError("\(file): max_cases: must be at least 1") }
        guard camTopErrors >= 0 else { throw IterationError("\(file): cam_top_errors: must be 0 or more") }
    }

    typealias Setter = @Sendable (inout IterateConfig, Node, String) throws -> Void

    private static let setters: [String: Setter] = [
        "task": { c, n, at in c.task = try choice(n, at) },
        "title": { c, n, at in c.title = try string(n, at) },
        "workspace": { c, n, at in c.workspace = try string(n, at) },
        "train": { c, n, at in c.train = try string(n, at) },
        "ground_truth": { c, n, at in c.groundTruth = try string(n, at) },
        "predictions": { c, n, at in c.predictions = try string(n, at) },
        "images": { c, n, at in c.images = try string(n, at) },
        "iou_type": { c, n, at in c.iouType = try choice(n, at) },
        "classes": { c, n, at in c.classes = try string(n, at) },
        "model": { c, n, at in c.model = try string(n, at) },
        "weights": { c, n, at in c.weights = try string(n, at) },
        "cam_methods": { c, n, at in c.camMethods = try list(n, at).map { try choice($0, at) } },
        "cam_layer": { c, n, at in c.camLayer = try string(n, at) },
        "cam_top_errors": { c, n, at in c.camTopErrors = try integer(n, at) },
        "min_cases": { c, n, at in c.minCases = try integer(n, at) },
        "max_cases": { c, n, at in c.maxCases = try integer(n, at) },
        "report": { c, n, at in c.report = try string(n, at) },
        "templates": { c, n, at in c.templates = try string(n, at) },
        "skip": { c, n, at in c.skip = Set(try list(n, at).map { try choice($0, at) }) },
    ]

    private static func string(_ node: Node, _ at: String) throws -> String {
        guard let s = node.scalar?.string, !s.isEmpty else { throw IterationError("\(at): expected a string, got \(describe(node))") }
        return s
    }

    private static func integer(_ node: Node, _ at: String) throws -> Int {
        guard let s = node.scalar?.string, let v = Int(s) else { throw IterationError("\(at): expected an integer, got \(describe(node))") }
        return v
    }

    private static func list(_ node: Node, _ at: String) throws -> [Node] {
        if let sequence = node.sequence { return Array(sequence) }
        if node.scalar != nil { return [node] }
        throw IterationError("\(at): expected a list, got \(describe(node))")
    }

    private static func choice<E: RawRepresentable & CaseIterable>(_ node: Node, _ at: String) throws -> E where E.RawValue == String {
        let s = try string(node, at)
        guard let v = E(rawValue: s) else {
            throw IterationError("\(at): '\(s)' is not one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return v
    }

    private static func describe(_ node: Node) -> String {
        if let s = node.scalar?.string { return "'\(s)'" }
        return node.sequence != nil ? "a list" : "a mapping"
    }
}

/// A problem with an iteration's inputs or outputs, in one line naming the file and what is wrong.
public struct IterationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
