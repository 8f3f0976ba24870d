import Evaluation
import Failures
import Foundation
import NN
import Report

/// One whole iteration: train (or resume) → predict → errors → failure set → heat maps → report. Each stage is
/// skipped when its cache key (a hash of its inputs and of the stages before it) is unchanged, so re-running after a
/// template change redraws only the report.
public struct Pipeline {
    public let config: IterateConfig
    public let workspace: Workspace
    public var log: (String) -> Void
    public var version: String

    public init(config: IterateConfig, version: String, log: @escaping (String) -> Void) throws {
        self.config = config
        self.workspace = try Workspace(root: config.workspace)
        self.version = version
        self.log = log
    }

    public struct Outcome: Sendable {
        public var iteration: String
        public var ranStages: [IterateConfig.Stage]
        public var cachedStages: [IterateConfig.Stage]
        public var report: URL?
        public var advisories: [String]
    }

    /// Runs iteration `name`, by default a new one — or the newest again when its inputs are unchanged.
    public func run(iteration requested: String? = nil) throws -> Outcome {
        let inputKey = try firstStageKey()
        let existing = try workspace.iterations()
        let name: String
        if let requested {
            guard !requested.isEmpty, SafeFileName.make(requested) == requested else {
                throw IterationError("--iteration \(requested): use letters, digits, '-' and '_' only")
            }
            name = requested
        } else if let last = existing.last, StageCache(folder: workspace.folder(last)).isFresh(firstStage, key: Self.chain(firstStage, inputKey, [])) {
            name = last
        } else {
            name = try workspace.nextName()
        }
        let folder = workspace.folder(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try workspace.register(name)
        let names = try workspace.iterations()
        let previous = names.firstIndex(of: name).flatMap { $0 > 0 ? names[$0 - 1] : nil }
        log("iterate: \(name) (\(config.task.rawValue)) in \(workspace.root.path)")

        var cache = StageCache(folder: folder)
        var outcome = Outcome(iteration: name, ranStages: [], cachedStages: [], report: nil, advisories: [])
        var key = inputKey
        func stage(_ s: IterateConfig.Stage, extra: [String] = [], _ body: () throws -> Void) throws {
            key = Self.chain(s, key, extra)
            if config.skip.contains(s) { log("\(s.rawValue): skipped (config)"); return }
            if cache.isFresh(s, key: key) { log("\(s.rawValue): up to date"); outcome.cachedStages.append(s); return }
            cache.invalidate(from: s)
            try body()
            try cache.record(s, key: key)
            outcome.ranStages.append(s)
        }

        let training = IterationTraining(folder: folder, log: log)
        if let train = config.train { try stage(.train) { try training.train(from: train, task: config.task) } }
        switch config.task {
        case .classification:
            let c = ClassificationIteration(config: config, name: name, folder: folder, workspace: workspace, log: log)
            try stage(.predict, extra: [try training.bestCheckpoint().path]) { try c.predict() }
            try stage(.errors) {}  // the analysis is recomputed from predictions.json wherever it is needed: cheap and exact
            try stage(.failures, extra: ["\(config.minCases)/\(config.maxCases)", previous ?? "-"]) { try c.updateFailures(previous: previous) }
            try stage(.cam, extra: camOptions) { try c.drawCAMs() }
            try c.record().write(to: folder.appendingPathComponent("iteration.json"))
        case .detection, .segmentation:
            let dense: any DenseIteration = config.task == .detection
                ? DetectionFiles(config: config, name: name, folder: folder, workspace: workspace, log: log)
                : SegmentationFiles(config: config, name: name, folder: folder, workspace: workspace, log: log)
            var loaded: DenseModel?  // read once for the predict and CAM stages, when both run
            let model = { () throws -> DenseModel in
                if let loaded { return loaded }
                let made = try self.denseModel(training)
                loaded = made
                return made
            }
            try stage(.predict, extra: try trainedWeights(training)) {
                if config.predictions == nil { try dense.predict(with: try model()) }
            }
            try stage(.errors) { try dense.analyse() }
            try stage(.failures, extra: ["\(config.minCases)/\(config.maxCases)", previous ?? "-"]) { try dense.updateFailures(previous: previous) }
            if config.runsModel { try stage(.cam, extra: camOptions) { try dense.drawCAMs(try model()) } }
            try dense.record(runDirectory: config.train == nil ? nil : training.runFolder.path).write(to: folder.appendingPathComponent("iteration.json"))
        }
        let record = try IterationRecord.load(from: folder.appendingPathComponent("iteration.json"))
        outcome.advisories = record.advisories
        if let run = record.runDirectory, let text = try? String(contentsOfFile: URL(fileURLWithPath: run).appendingPathComponent("advisories.txt").path, encoding: .utf8) {
            outcome.advisories += text.split(whereSeparator: \.isNewline).map(String.init)
        }
        if !config.skip.contains(.report) {
            outcome.report = try writeReport()
            outcome.ranStages.append(.report)
        }
        return outcome
    }

    /// The report over every iteration of the workspace; templates are read afresh each time.
    public func writeReport() throws -> URL {
        let records = try workspace.iterations().compactMap { name -> IterationRecord? in
            let file = workspace.folder(name).appendingPathComponent("iteration.json")
            return FileManager.default.fileExists(atPath: file.path) ? try IterationRecord.load(from: file) : nil
        }
        let templates: ReportTemplates
        do {
            templates = try config.templates.map { try ReportTemplates(directory: URL(fileURLWithPath: $0)) } ?? ReportTemplates.locate()
        } catch let e as ReportError { throw IterationError(e.description) }
        let site = ReportSite(title: config.title, iterations: records, version: version)
        do {
            let index = try site.write(to: URL(fileURLWithPath: config.reportFolder), templates: templates, progress: log)
            log("report: \(index.path)")
            return index
        } catch let e as ReportError { throw IterationError(e.description) }
    }

    /// A stage's key: its name, the key of the stage before it and its own options.
    static func chain(_ stage: IterateConfig.Stage, _ previous: String, _ extra: [String]) -> String {
        var k = StageKey(stage)
        k.add(previous)
        for e in extra { k.add(e) }
        return k.value
    }

    private var camOptions: [String] { config.camMethods.map(\.rawValue) + [config.camLayer ?? "-", "\(config.camTopErrors)"] }

    /// The detector or segmenter: trained by this iteration (its best checkpoint, fed as the run fed it), or the one
    /// named by `model` with its `weights`.
    private func denseModel(_ training: IterationTraining) throws -> DenseModel {
        let task: Architecture.Task = config.task == .detection ? .detection : .segmentation
        guard config.train != nil else { return try DenseModel(model: config.model!, weights: config.weights!, task: task, config: config.file) }
        let settings = try training.settings()
        return try DenseModel(model: settings.model, weights: try training.bestCheckpoint().appendingPathComponent("model.safetensors").path,
                              task: task, config: training.configCopy.path, preprocessing: settings.preprocessing)
    }

    /// What the predict stage's key adds for a model trained here: the checkpoint it predicts with, and the data.
    private func trainedWeights(_ training: IterationTraining) throws -> [String] {
        config.train == nil ? [] : [try training.bestCheckpoint().path, try dataKey()]
    }

    private var firstStage: IterateConfig.Stage { config.train != nil ? .train : .predict }

    /// What the first stage reads: the training config's bytes, or (with nothing to train) the data's.
    private func firstStageKey() throws -> String {
        var key = StageKey(firstStage)
        key.add(version)
        key.add(config.task.rawValue)
        if let train = config.train { try key.add(file: train) } else { key.add(try dataKey()) }
        return key.value
    }

    /// The evaluation data of a dense task (ground truth, results or weights, images): the predict stage's input.
    private func dataKey() throws -> String {
        var key = StageKey(.predict)
        switch config.task {
        case .classification: break  // the validation split of the training data, named by the training config
        case .detection:
            try key.add(file: config.groundTruth!)
            if let predictions = config.predictions { try key.add(file: predictions) }
            key.add(config.iouType.rawValue)
        case .segmentation:
            for folder in [config.groundTruth!] + (config.predictions.map { [$0] } ?? []) {
                let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".png") }.sorted()
                for file in files { try key.add(file: URL(fileURLWithPath: folder).appendingPathComponent(file).path) }
            }
            if let classes = config.classes { try key.add(file: classes) }
        }
        if let weights = config.weights { try key.add(file: weights); key.add(config.model ?? "-") }
        key.add(config.images ?? "-")
        return key.value
    }
}

/// Copies a file over `destination` (atomically), naming the source when it cannot be read.
func copyFile(_ source: String, to destination: URL) throws {
    guard let data = FileManager.default.contents(atPath: source) else { throw IterationError("\(source): cannot read") }
    try data.write(to: destination, options: .atomic)
}

extension Architecture {
    /// Where heat maps are taken by default: the last convolutional stage, as pytorch-grad-cam's examples do, unless
    /// the input is so small that its maps would be under 4×4 — then the stage before it.
    func defaultCAMLayer(inputSize: Int) -> String {
        let deep = inputSize / 32 >= 4
        switch self {
        case .shapes_cnn: return "7"
        case .resnet18, .resnet18_half, .resnet34, .resnet50: return deep ? "layer4" : "layer3"
        case .convnext_tiny, .convnext_nano: return deep ? "features.7" : "features.5"
        case .deeplabv3plus_resnet18, .deeplabv3plus_resnet50: return "backbone.layer4"
        // The stride-4 features every head reads: fine enough to tell neighbouring objects apart (layer4 is 4×4 at 128²).
        case .centernet_resnet18: return "smooth"
        case .unet_small: return "up.2"
        }
    }
}
