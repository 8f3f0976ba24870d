import Datasets
import Foundation
import NN
import Tensors
import Yams

/// What `fovea train` reads from its YAML file. Keys and defaults are documented in docs/training.md;
/// every key is optional except `data`, and, for the dense tasks, `annotations` (detection) or `masks` and
/// `classes` (segmentation). The model names the task.
public struct TrainingConfig: Sendable, Equatable {
    public enum OptimizerKind: String, Sendable, CaseIterable { case sgd, adamw }
    public enum ScheduleKind: String, Sendable, CaseIterable { case constant, onecycle, step, warmup_cosine }
    public enum MetricMode: String, Sendable, CaseIterable {
        case max, min

        /// Whether `value` takes the place of `best`: better, or equal and newer (values are visited oldest first).
        public func prefers(_ value: Double, over best: Double) -> Bool { self == .max ? value >= best : value <= best }
    }

    /// The ImageFolder root (classification) or the folder of images (detection, segmentation).
    public var data = ""
    public var model = "shapes_cnn"
    /// Detection: the COCO instances file whose `file_name`s are taken under `data`.
    public var annotations = ""
    /// Segmentation: the folder of class-index PNG masks, one per image with the image's name and `.png`.
    public var masks = ""
    /// Segmentation: a JSON list of class names; a mask value is an index into it (255 = ignore).
    public var classes = ""
    public var runDir = "runs/train"
    public var seed = 0
    public var steps = 100
    public var batchSize = 32
    public var imageSize = 64
    public var valFraction = 0.2
    public var augment = true
    /// The augmentation steps; nil: the classification defaults (`AugmentationPipeline.defaults(for:)`).
    public var augmentation: [Augmentation]?
    public var mean: [Double] = [0.485, 0.456, 0.406]
    public var std: [Double] = [0.229, 0.224, 0.225]
    public var optimizer = OptimizerKind.adamw
    public var lr = 1e-3
    public var weightDecay = 0.05
    public var momentum = 0.9
    public var nesterov = false
    public var schedule = ScheduleKind.onecycle
    public var warmupSteps = 0
    public var stepSize = 30
    public var gamma = 0.1
    public var clipGradNorm = 0.0
    public var labelSmoothing = 0.0
    /// Share of each classification batch drawn in proportion to the images' latest training losses (`HardExampleSampler`).
    public var hardExampleShare = 0.0
    public var dropout = 0.0
    public var dropBlock = 0.0
    public var dropBlockSize = 7
    public var dropBlockRampSteps = 0
    /// nil: the architecture's own rate (ConvNeXt's), none for ResNet.
    public var stochasticDepth: Double?
    public var evalEvery = 20
    public var checkpointEvery = 0
    public var keepLast = 3
    /// nil: the task's first metric (`Architecture.Task.metricNames`), e.g. `val_acc`.
    public var bestMetric: String?
    public var bestMode = MetricMode.max
    public var overfitPatience = 3
    public var logEvery = 10
    public var loaderWorkers = 1
    public var imageSamples = 16
    /// Module paths (`layer2`, `features.5`) whose forward is recomputed in backward instead of kept.
    public var gradientCheckpointing: [String] = []
    /// The arithmetic of convolutions in training and validation: fp32, or bf16 operands with fp32 accumulation and
    /// fp32 master weights (`ConvolutionPrecision`; where the CPU has no native bf16, convolutions stay fp32).
    public var precision = ConvolutionPrecision.fp32

    public init() {}

    /// The task of the model (classification for a name the zoo does not know, which validation refuses).
    public var task: Architecture.Task { Architecture(rawValue: model)?.task ?? .classification }

    /// The metric that picks the best checkpoint.
    public var selectionMetric: String { bestMetric ?? task.metricNames[0] }

    /// How the run's images are fed to its model (stretched to `image_size`, normalised by `mean` and `std`): the
    /// training batches and whatever later runs the trained model (`fovea iterate`) use this one.
    public var preprocessing: Preprocessing {
        Preprocessing(size: imageSize, resize: .stretch, mean: mean.map(Float.init), std: std.map(Float.init))
    }

    /// Images of each batch drawn by loss: `hard_example_share` of `batch_size`, rounded down.
    public var hardExamplesPerBatch: Int { Int((hardExampleShare * Double(batchSize)).rounded(.down)) }

    /// Steps between checkpoints: `checkpoint_every`, or `eval_every` when that is 0.
    public var checkpointInterval: Int { checkpointEvery > 0 ? checkpointEvery : evalEvery }

    /// The keys as the YAML file spells them, with their values, for hparams.yaml and meta.json.
    public var hyperparameters: [(key: String, value: String)] {
        func list(_ xs: [Double]) -> String { "[" + xs.map { "\($0)" }.joined(separator: ", ") + "]" }
        return ([("augment", "\(augment)"), ("augmentation", augmentation.map(AugmentationSyntax.describe) ?? "default"), ("batch_size", "\(batchSize)"), ("best_metric", selectionMetric), ("best_mode", bestMode.rawValue),
                ("checkpoint_every", "\(checkpointEvery)"), ("clip_grad_norm", "\(clipGradNorm)"), ("data", data),
                ("drop_block", "\(dropBlock)"), ("drop_block_ramp_steps", "\(dropBlockRampSteps)"), ("drop_block_size", "\(dropBlockSize)"),
                ("dropout", "\(dropout)"), ("eval_every", "\(evalEvery)"), ("gamma", "\(gamma)"), ("gradient_checkpointing", "[" + gradientCheckpointing.joined(separator: ", ") + "]"), ("hard_example_share", "\(hardExampleShare)"), ("image_samples", "\(imageSamples)"), ("image_size", "\(imageSize)"), ("keep_last", "\(keepLast)"),
                ("label_smoothing", "\(labelSmoothing)"), ("loader_workers", "\(loaderWorkers)"), ("log_every", "\(logEvery)"), ("lr", "\(lr)"), ("mean", list(mean)),
                ("model", model), ("momentum", "\(momentum)"), ("nesterov", "\(nesterov)"), ("optimizer", optimizer.rawValue),
                ("overfit_patience", "\(overfitPatience)"), ("precision", precision.rawValue), ("run_dir", runDir), ("schedule", schedule.rawValue), ("seed", "\(seed)"),
                ("std", list(std)), ("step_size", "\(stepSize)"), ("steps", "\(steps)"),
                ("stochastic_depth", stochasticDepth.map { "\($0)" } ?? "null"), ("val_fraction", "\(valFraction)"),
                ("warmup_steps", "\(warmupSteps)"), ("weight_decay", "\(weightDecay)")] + taskDataKeys)
    }

    /// The data keys of a dense task, recorded only for it: a classification run's records stay as they were.
    private var taskDataKeys: [(key: String, value: String)] {
        switch task {
        case .classification: []
        case .detection: [("annotations", annotations)]
        case .segmentation: [("classes", classes), ("masks", masks)]
        }
    }
}

/// A config file that cannot be used: `file:line: key: problem`.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension TrainingConfig {
    public static func load(path: String) throws(ConfigError) -> TrainingConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigError("\(path): cannot read the file") }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// Parses YAML text; `file` names the source in errors. Relative `data` and `run_dir` stay as written.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> TrainingConfig {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            // Yams' messages quote the offending line under a caret; the CLI contract is one line.
            throw ConfigError("\(file): invalid YAML: " + "\(error)".split(whereSeparator: \.isNewline).joined(separator: " "))
        }
        guard let root else { throw ConfigError("\(file): empty config (expected at least `data: FOLDER`)") }
        guard case .mapping(let mapping) = root else { throw ConfigError("\(file):\(line(root)): expected a mapping of keys to values") }
        var config = TrainingConfig(), sawData = false
        var firstLine = [String: Int]()
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? "", at = "\(file):\(line(keyNode)): \(key)"
            // YAML would silently keep the last of two equal keys; a config that says two things is a mistake.
            if let first = firstLine[key] { throw ConfigError("\(at): given twice (first at line \(first))") }
            firstLine[key] = line(keyNode)
            if key == "augmentation" {
                config.augmentation = try AugmentationSyntax.parse(value, file: file)
                continue
            }
            guard let setter = setters[key] else {
                throw ConfigError("\(at): unknown key (known: \((Array(setters.keys) + ["augmentation"]).sorted().joined(separator: ", ")))")
            }
            try setter(&config, value, at)
            if key == "data" { sawData = true }
        }
        config.augmentation = config.augmentation.map { AugmentationSyntax.resolvingImageSize($0, config.imageSize) }
        guard sawData, !config.data.isEmpty else {
            throw ConfigError("\(file): data: required (" + (config.task == .classification ? "the ImageFolder to train on)" : "the folder of images)"))
        }
        try config.validate(file: file, mapping: mapping)
        return config
    }

    private static func line(_ node: Node) -> Int { node.mark?.line ?? 1 }

    private func validate(file: String, mapping: Node.Mapping) throws(ConfigError) {
        func at(_ key: String) -> String {
            let node = mapping.first { $0.key.string == key }?.key
            return "\(file):\(node.map(Self.line) ?? 1): \(key)"
        }
        guard Architecture(rawValue: model) != nil else {
            let known = Architecture.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigError("\(at("model")): '\(model)' is not an architecture of the zoo (known: \(known))")
        }
        try TaskKeys.validate(self, at: at)
        if steps < 1 { throw ConfigError("\(at("steps")): must be at least 1") }
        if batchSize < 1 { throw ConfigError("\(at("batch_size")): must be at least 1") }
        if imageSize < 8 { throw ConfigError("\(at("image_size")): must be at least 8") }
        // The steps were checked for range as they were read; what depends on the task only now that it is known.
        if let steps = augmentation, let problem = AugmentationFit.problems(steps, task: task.fixtureTask).first {
            throw ConfigError("\(at("augmentation")): \(problem)")
        }
        if !(0..<1).contains(valFraction) { throw ConfigError("\(at("val_fraction")): must lie in [0, 1)") }
        if !gradientCheckpointing.isEmpty, let architecture = Architecture(rawValue: model) {
            let built = architecture.make(classes: 2)
            for path in gradientCheckpointing where path.isEmpty || built.module(at: path) == nil {
                let blocks = built.namedChildren.map(\.0).joined(separator: ", ")
                throw ConfigError("\(at("gradient_checkpointing")): '\(path)' is not a module of \(model) (its top-level modules: \(blocks))")
            }
        }
        if imageSamples < 0 { throw ConfigError("\(at("image_samples")): must not be negative (0: no image summaries)") }
        if loaderWorkers < 0 { throw ConfigError("\(at("loader_workers")): must not be negative (0 builds batches on the training thread)") }
        if evalEvery < 1 { throw ConfigError("\(at("eval_every")): must be at least 1") }
        if keepLast < 1 { throw ConfigError("\(at("keep_last")): must be at least 1") }
        if !(lr > 0) { throw ConfigError("\(at("lr")): must be positive") }
        if clipGradNorm < 0 { throw ConfigError("\(at("clip_grad_norm")): must not be negative (0 turns clipping off)") }
        if mean.count != 3 { throw ConfigError("\(at("mean")): expected 3 values (R, G, B)") }
        if std.count != 3 || std.contains(where: { !($0 > 0) }) { throw ConfigError("\(at("std")): expected 3 positive values") }
        if !(0..<1).contains(dropout) { throw ConfigError("\(at("dropout")): must lie in [0, 1)") }
        if !(0..<1).contains(dropBlock) { throw ConfigError("\(at("drop_block")): must lie in [0, 1)") }
        if dropBlockSize < 1 || dropBlockSize % 2 == 0 { throw ConfigError("\(at("drop_block_size")): must be an odd positive integer") }
        if dropBlockRampSteps < 0 { throw ConfigError("\(at("drop_block_ramp_steps")): must not be negative (0: the target from the first step)") }
        if let stochasticDepth {
            if !(0..<1).contains(stochasticDepth) { throw ConfigError("\(at("stochastic_depth")): must lie in [0, 1)") }
            if stochasticDepth > 0, Architecture(rawValue: model)?.hasResidualBlocks == false {
                throw ConfigError("\(at("stochastic_depth")): \(model) has no residual blocks to drop")
            }
        }
        if !(0..<1).contains(labelSmoothing) { throw ConfigError("\(at("label_smoothing")): must lie in [0, 1)") }
        if !(0..<1).contains(hardExampleShare) { throw ConfigError("\(at("hard_example_share")): must lie in [0, 1)") }
        if hardExampleShare > 0 && hardExamplesPerBatch == 0 {
            throw ConfigError("\(at("hard_example_share")): \(hardExampleShare) of a batch of \(batchSize) is no image; at least 1 / batch_size")
        }
        let metrics = task.metricNames + ["val_loss", "train_loss"]
        if !metrics.contains(selectionMetric) {
            throw ConfigError("\(at("best_metric")): expected " + metrics.dropLast().joined(separator: ", ") + " or train_loss for a \(task.rawValue) model")
        }
    }

    typealias Setter = (inout TrainingConfig, Node, String) throws(ConfigError) -> Void

    private static func string(_ path: WritableKeyPath<TrainingConfig, String>) -> Setter {
        { (config, node, at) throws(ConfigError) in config[keyPath: path] = try scalar(node, at, "a string") { $0 } }
    }
    private static func optionalString(_ path: WritableKeyPath<TrainingConfig, String?>) -> Setter {
        { (config, node, at) throws(ConfigError) in config[keyPath: path] = try scalar(node, at, "a string") { $0 } }
    }
    private static func int(_ path: WritableKeyPath<TrainingConfig, Int>) -> Setter {
        { (config, node, at) throws(ConfigError) in config[keyPath: path] = try scalar(node, at, "an integer") { Int($0.replacingOccurrences(of: "_", with: "")) } }
    }
    private static func double(_ path: WritableKeyPath<TrainingConfig, Double>) -> Setter {
        { (config, node, at) throws(ConfigError) in config[keyPath: path] = try scalar(node, at, "a number", number) }
    }
    private static func optionalDouble(_ path: WritableKeyPath<TrainingConfig, Double?>) -> Setter {
        { (config, node, at) throws(ConfigError) in
            if case .scalar(let s) = node, ["null", "~", ""].contains(s.string) { config[keyPath: path] = nil; return }
            config[keyPath: path] = try scalar(node, at, "a number or null", number)
        }
    }
    private static func bool(_ path: WritableKeyPath<TrainingConfig, Bool>) -> Setter {
        { (config, node, at) throws(ConfigError) in
            config[keyPath: path] = try scalar(node, at, "true or false") { ["true": true, "false": false, "yes": true, "no": false][$0.lowercased()] }
        }
    }
    private static func choice<E: RawRepresentable & CaseIterable>(_ path: WritableKeyPath<TrainingConfig, E>) -> Setter where E.RawValue == String {
        { (config, node, at) throws(ConfigError) in
            config[keyPath: path] = try scalar(node, at, "one of " + E.allCases.map(\.rawValue).joined(separator: ", ")) { E(rawValue: $0) }
        }
    }
    private static func doubles(_ path: WritableKeyPath<TrainingConfig, [Double]>) -> Setter {
        { (config, node, at) throws(ConfigError) in
            guard case .sequence(let items) = node else { throw ConfigError("\(at): expected a list of numbers, got \(describe(node))") }
            var values: [Double] = []
            for item in items { values.append(try scalar(item, at, "a list of numbers", number)) }
            config[keyPath: path] = values
        }
    }

    private static func strings(_ path: WritableKeyPath<TrainingConfig, [String]>) -> Setter {
        { (config, node, at) throws(ConfigError) in
            guard case .sequence(let items) = node else { throw ConfigError("\(at): expected a list of module paths, got \(describe(node))") }
            var values: [String] = []
            for item in items { values.append(try scalar(item, at, "a list of module paths") { $0 }) }
            config[keyPath: path] = values
        }
    }

    private static func number(_ s: String) -> Double? {
        let cleaned = s.replacingOccurrences(of: "_", with: "")
        guard let x = Double(cleaned), x.isFinite else { return nil }
        return x
    }

    private static func scalar<T>(_ node: Node, _ at: String, _ expected: String, _ convert: (String) -> T?) throws(ConfigError) -> T {
        guard case .scalar(let s) = node, let value = convert(s.string) else {
            throw ConfigError("\(at): expected \(expected), got \(describe(node))")
        }
        return value
    }

    private static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): "'\(s.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    nonisolated(unsafe) private static let setters: [String: Setter] = [
        "data": string(\.data), "model": string(\.model), "run_dir": string(\.runDir), "seed": int(\.seed),
        "steps": int(\.steps), "batch_size": int(\.batchSize), "image_size": int(\.imageSize), "val_fraction": double(\.valFraction),
        "augment": bool(\.augment), "mean": doubles(\.mean), "std": doubles(\.std), "optimizer": choice(\.optimizer),
        "lr": double(\.lr), "weight_decay": double(\.weightDecay), "momentum": double(\.momentum), "nesterov": bool(\.nesterov),
        "schedule": choice(\.schedule), "warmup_steps": int(\.warmupSteps), "step_size": int(\.stepSize), "gamma": double(\.gamma),
        "clip_grad_norm": double(\.clipGradNorm), "label_smoothing": double(\.labelSmoothing), "hard_example_share": double(\.hardExampleShare),
        "dropout": double(\.dropout), "drop_block": double(\.dropBlock), "drop_block_size": int(\.dropBlockSize),
        "drop_block_ramp_steps": int(\.dropBlockRampSteps), "stochastic_depth": optionalDouble(\.stochasticDepth), "eval_every": int(\.evalEvery),
        "checkpoint_every": int(\.checkpointEvery), "keep_last": int(\.keepLast), "best_metric": optionalString(\.bestMetric),
        "best_mode": choice(\.bestMode), "annotations": string(\.annotations), "masks": string(\.masks), "classes": string(\.classes), "overfit_patience": int(\.overfitPatience), "log_every": int(\.logEvery), "loader_workers": int(\.loaderWorkers), "image_samples": int(\.imageSamples),
        "gradient_checkpointing": strings(\.gradientCheckpointing), "precision": choice(\.precision),
    ]
}
