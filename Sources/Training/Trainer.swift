import Datasets
import Foundation
import NN
import Tensors

/// What a training run reports as it goes (the CLI draws progress from these).
public enum TrainingEvent {
    case step(StepReport)
    case evaluation(EvaluationReport)
    case checkpoint(step: Int, url: URL)
    case advisory(Advisory)
}

public struct StepReport: Sendable {
    public let step: Int, totalSteps: Int
    public let loss: Float, rate: Double
    public let gradients: GradientNorms
    public let clipScale: Float
}

/// A validation pass as it is shown: `val_loss 0.4123 val_acc 0.8750`.
public struct EvaluationReport: Sendable {
    /// Steps completed when it ran.
    public let step: Int
    public let valLoss: Double
    /// The task's metrics besides `val_loss`, in display order.
    public let metrics: [(name: String, value: Double)]

    public var summary: String {
        ([("val_loss", valLoss)] + metrics).map { "\($0.0) " + String(format: "%.4f", $0.1) }.joined(separator: " ")
    }
}

/// How a run ended.
public enum TrainingOutcome: Equatable {
    case finished(steps: Int)
    /// Stopped on request (the resume test, an interrupt) after `steps` steps, with a checkpoint there.
    case paused(steps: Int)
    /// A NaN or infinite loss or gradient at `step`; `layer` is the first offending layer in module order
    /// ("loss" when every gradient was finite). No checkpoint is written for it: the last good one stays newest.
    case nonFinite(step: Int, layer: String)
}

/// Supervised training of the zoo's classifiers, detectors and segmenters: seeded order and split, schedule-driven
/// rate, per-layer gradient norms, clipping, a NaN/Inf guard, advisories, periodic evaluation, checkpoints and
/// Lightning-style run records. What differs per task (data, loss, metrics) is the `TrainingTask`'s.
public final class Trainer {
    public static let toolVersion = "0.1.0"

    public let config: TrainingConfig
    public let runDirectory: URL
    public let model: Module
    public let optimizer: Optimizer
    public let schedule: LearningRateSchedule
    /// The data, loss and validation metrics of the config's task.
    public let task: any TrainingTask
    /// Dropout, DropBlock (with its schedule) and stochastic depth, as the config asks.
    public let regularizers: StepRegularizers
    public let checkpoints: CheckpointStore
    public let metrics: MetricsLog
    /// RUN/tensorboard/events.out.tfevents.*: the same scalars as metrics.csv, for TensorBoard.
    public let events: TensorBoardEvents
    public private(set) var step = 0
    public private(set) var trainLosses: [Float] = []
    public private(set) var evaluations: [CheckpointMeta.Evaluation] = []
    public private(set) var advisor: Advisor
    public var onEvent: (TrainingEvent) -> Void = { _ in }
    let fingerprint: String
    let revision: SourceRevision
    /// Set (from a signal handler's flag, say) to stop after the current step with a checkpoint.
    public var shouldStop: () -> Bool = { false }

    /// Prepares a run in `runDirectory`. With `resume`, continues from its newest checkpoint (a fresh start when
    /// there is none) and refuses a config whose hyper-parameters differ from the checkpoint's, except a larger
    /// `steps` with `extendSteps`; without, a folder that already holds checkpoints is refused rather than overwritten.
    public init(config: TrainingConfig, runDirectory: URL, resume: Bool, extendSteps: Bool = false,
                revision: SourceRevision = .current()) throws {
        self.config = config
        self.runDirectory = runDirectory
        self.revision = revision
        guard let architecture = Architecture(rawValue: config.model) else {
            throw TrainingError("model: '\(config.model)' is not an architecture of the zoo")
        }
        task = try architecture.task.make(config)
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        // Per-file digests are cached in the run: a resume re-hashes only files whose size or mtime changed.
        let digestCache = runDirectory.appendingPathComponent(".dataset-digests.json").path
        do { fingerprint = try DatasetFingerprint.compute(root: task.data.root, files: task.data.files, cachePath: digestCache) }
        catch { throw TrainingError(error.description) }
        guard !task.batchOrder.training.isEmpty else {
            throw TrainingError("\(config.data): no training images left after holding out val_fraction \(config.valFraction)")
        }
        regularizers = StepRegularizers(config)
        model = architecture.make(classes: task.data.classes.count, seed: UInt64(bitPattern: Int64(config.seed)), regularization: regularizers.options)
        model.train()
        for path in config.gradientCheckpointing {
            guard let block = model.module(at: path) else { throw TrainingError("gradient_checkpointing: '\(path)' is not a module of \(config.model)") }
            GradientCheckpointing.enable(block, noise: [regularizers.options.noise])
        }
        let groups = ParameterGroup.standard(model, rate: Float(config.lr), weightDecay: Float(config.weightDecay))
        switch config.optimizer {
        case .sgd: optimizer = SGD(groups, momentum: Float(config.momentum), nesterov: config.nesterov)
        case .adamw: optimizer = AdamW(groups)
        }
        schedule = Self.schedule(config)
        checkpoints = CheckpointStore(runDirectory: runDirectory)
        advisor = Advisor(overfittingPatience: config.overfitPatience)

        let metricsURL = runDirectory.appendingPathComponent("metrics.csv")
        if let latest = checkpoints.latest() {
            guard resume else {
                throw TrainingError("\(runDirectory.path): holds checkpoints already; pass --resume to continue it or choose another run directory")
            }
            let meta = try checkpoints.meta(at: latest)
            let changed = ResumeCompatibility.changes(recorded: meta.hyperparameters, now: config.hyperparameters, extendSteps: extendSteps)
            guard changed.isEmpty else {
                let hint = changed.contains { $0.hasPrefix("steps:") } ? "; a constant or step schedule can run longer with --extend-steps" : ""
                throw TrainingError("\(latest.appendingPathComponent("meta.json").path): hyper-parameters differ from the checkpoint's: "
                                    + changed.joined(separator: ", ") + "; resume with the recorded values or start a new run directory" + hint)
            }
            if extendSteps, meta.hyperparameters["steps"] != "\(config.steps)", let problem = ResumeCompatibility.extensionProblem(config) {
                throw TrainingError(problem)
            }
            guard meta.dataset.fingerprint == fingerprint else {
                throw TrainingError("\(config.data): the dataset changed since \(latest.path) (fingerprint \(meta.dataset.fingerprint.prefix(12))…, now \(fingerprint.prefix(12))…)")
            }
            do {
                try model.load(contentsOf: latest.appendingPathComponent("model.safetensors"))
                let optimizerURL = latest.appendingPathComponent("optimizer.safetensors")
                try optimizer.restore(OptimizerState.load(from: optimizerURL), names: model, source: optimizerURL.path)
                if let sampler = task.hardExamples {
                    let url = latest.appendingPathComponent(CheckpointStore.hardExamplesFile)
                    guard FileManager.default.fileExists(atPath: url.path) else { throw TrainingError("\(url.path): missing; the run samples hard examples") }
                    try sampler.restore(Safetensors.read(url).tensors.mapValues(\.tensor), steps: meta.step, source: url.path)
                }
            } catch let error as OptimizerStateError { throw TrainingError(error.description) }
            catch let error as Safetensors.Failure { throw TrainingError(error.description) }
            step = meta.step
            trainLosses = meta.trainLosses
            evaluations = meta.evaluations
            advisor = meta.advisor
            metrics = try MetricsLog(resuming: metricsURL, before: step)
        } else {
            metrics = MetricsLog(url: metricsURL)
        }
        try HyperparameterFile.write(config.hyperparameters, to: runDirectory.appendingPathComponent("hparams.yaml"))
        events = try TensorBoardEvents(folder: runDirectory.appendingPathComponent("tensorboard"))
        if step > 0 { try events.restart(at: step) }
    }

    /// The best evaluation so far by `best_metric` and `best_mode` (the newest among equals, as `CheckpointStore.best`
    /// picks the checkpoint), with the metric's value.
    public var bestEvaluation: (step: Int, metric: String, value: Double)? {
        let metric = config.selectionMetric
        var best: (step: Int, metric: String, value: Double)?
        for e in evaluations {
            guard let value = e.values[metric], value.isFinite else { continue }
            if best == nil || config.bestMode.prefers(value, over: best!.value) { best = (e.step, metric, value) }
        }
        return best
    }

    /// The order of training batches (epochs, positions), whatever the task.
    public var batches: BatchOrder { task.batchOrder }

    static func schedule(_ c: TrainingConfig) -> LearningRateSchedule {
        switch c.schedule {
        case .constant: return StepDecay(rate: c.lr, stepSize: Int.max, gamma: 1)
        case .onecycle: return OneCycle(maxRate: c.lr, totalSteps: c.steps)
        case .step: return StepDecay(rate: c.lr, stepSize: max(1, c.stepSize), gamma: c.gamma)
        case .warmup_cosine: return WarmupCosine(rate: c.lr, warmupSteps: c.warmupSteps, totalSteps: c.steps)
        }
    }

    /// Trains until `config.steps` (or `stopAfter` steps, for tests that interrupt a run). Returns how it ended.
    /// Convolutions run in the config's `precision` (it overrides `FOVEA_CONV_PRECISION`, so the recorded
    /// hyper-parameters say how the run was computed).
    public func run(stopAfter: Int? = nil) throws -> TrainingOutcome {
        try ConvolutionPrecision.$current.withValue(config.precision) { try runSteps(stopAfter: stopAfter) }
    }

    private func runSteps(stopAfter: Int?) throws -> TrainingOutcome {
        let end = min(config.steps, stopAfter ?? .max)
        let upcoming = TrainingBatchStream(task, steps: step..<end, workers: config.loaderWorkers)
        while step < end {
            if let layer = try trainStep(upcoming.next()) {
                try metrics.flush()
                return .nonFinite(step: step, layer: layer)
            }
            let done = step == config.steps
            if step % config.evalEvery == 0 || done { try evaluate() }
            let interrupted = step == end || shouldStop()
            if step % config.checkpointInterval == 0 || done || interrupted { try saveCheckpoint() }
            if step % max(1, config.logEvery) == 0 || done || interrupted { try metrics.flush(); try events.flush() }
            if interrupted && !done { return .paused(steps: step) }
        }
        try metrics.flush()
        return .finished(steps: step)
    }

    /// One optimizer step on `batch`, the training batch of this step; returns the offending layer when the loss or
    /// a gradient is not finite.
    func trainStep(_ batch: TrainingBatch) throws -> String? {
        let rate = schedule.rate(at: step)
        optimizer.setRate(rate)
        if let momentum = schedule.momentum(at: step) {
            if let sgd = optimizer as? SGD { sgd.momentum = Float(momentum) }
            if let adam = optimizer as? AdamW { adam.beta1 = momentum }
        }
        optimizer.zeroGrad()
        regularizers.prepare(model, step: step)
        let output = model(batch.inputs)
        let loss = batch.loss(output)
        let value = loss.item
        loss.backward()
        if let layer = GradientNorms.firstNonFiniteLayer(model) ?? (value.isFinite ? nil : "loss") {
            metrics.log(step: step, ["train_loss": Double(value), "lr": rate])
            trainLosses.append(value)
            for a in advisor.observeStep(step, gradientNorm: .infinity, clipping: true, losses: trainLosses) { record(a) }
            return layer
        }
        batch.observe?(output)  // a step that stops the run is not recorded: running on would take it again
        let norms = GradientNorms.measure(model)
        let scale = config.clipGradNorm > 0 ? clipGradients(of: model, maxNorm: config.clipGradNorm, totalNorm: norms.total) : 1
        optimizer.step()
        trainLosses.append(value)

        var row: [String: Double] = ["train_loss": Double(value), "lr": rate, "grad_norm_total": norms.total,
                                     "epoch": Double(batches.position(ofStep: step).epoch)]
        for (layer, norm) in norms.layers { row["grad_norm/\(layer)"] = norm }
        metrics.log(step: step, row)
        try events.scalars(step: step, row)
        onEvent(.step(StepReport(step: step, totalSteps: config.steps, loss: value, rate: rate, gradients: norms, clipScale: scale)))
        for a in advisor.observeStep(step, gradientNorm: norms.total, clipping: config.clipGradNorm > 0, losses: trainLosses) { record(a) }
        step += 1
        return nil
    }

    /// A validation pass of the task, in eval mode without a tape; logged at the last step index.
    func evaluate() throws {
        let sinceLast = trainLosses.suffix(step - (evaluations.last?.step ?? 0)).map(Double.init)
        let trainMean = sinceLast.isEmpty ? .nan : sinceLast.reduce(0, +) / Double(sinceLast.count)
        model.eval()
        defer { model.train() }
        guard let result = try task.evaluate(model, samples: config.imageSamples) else { return }
        evaluations.append(.init(step: step, trainLoss: trainMean, valLoss: result.valLoss, metrics: result.metrics))
        var row = ["val_loss": result.valLoss]
        for (name, value) in result.metrics { row[name] = value }
        metrics.log(step: step - 1, row)
        try events.scalars(step: step - 1, row)
        if let picture = result.picture {
            let png: Data
            do { png = try ImageCodecs.encodePNG(picture) } catch { throw TrainingError(error.description) }
            try events.image(step: step - 1, tag: "val_samples", png: png, width: picture.width, height: picture.height, channels: 3)
        }
        onEvent(.evaluation(EvaluationReport(step: step, valLoss: result.valLoss, metrics: result.metrics)))
        let history = evaluations.map { (train: $0.trainLoss, validation: $0.valLoss) }
        for a in advisor.observeEvaluation(step, history: history) { record(a) }
    }

    private func record(_ advisory: Advisory) {
        onEvent(.advisory(advisory))
        let line = "step \(advisory.step) \(advisory.kind.rawValue): \(advisory.message)\n"
        let url = runDirectory.appendingPathComponent("advisories.txt")
        if let handle = try? FileHandle(forWritingTo: url) {
            handle.seekToEndOfFile(); handle.write(Data(line.utf8)); try? handle.close()
        } else {
            _ = FileManager.default.createFile(atPath: url.path, contents: Data(line.utf8))
        }
    }

    func saveCheckpoint() throws {
        let (epoch, batch) = batches.position(ofStep: step)
        var latest: [String: Double] = ["train_loss": Double(trainLosses.last ?? .nan)]
        if let e = evaluations.last, e.step == step { latest.merge(e.values.filter { $0.key != "train_loss" }) { _, new in new } }
        let meta = CheckpointMeta(
            step: step, toolVersion: Self.toolVersion, seed: config.seed,
            rng: .init(algorithm: "splitmix64 per epoch (seed, epoch) + per-sample augmentation seeds", seed: config.seed, epoch: epoch, batch: batch),
            hyperparameters: Dictionary(uniqueKeysWithValues: config.hyperparameters.map { ($0.key, $0.value) }),
            dataset: .init(root: task.data.root, fingerprint: fingerprint, classes: task.data.classes),
            git: revision, metrics: latest, evaluations: evaluations, trainLosses: trainLosses, advisor: advisor)
        let url = try checkpoints.write(model: model, optimizer: optimizer.state(names: model), meta: meta,
                                        hardExamples: task.hardExamples?.checkpointTensors())
        checkpoints.prune(keepLast: config.keepLast, metric: config.selectionMetric, mode: config.bestMode)
        onEvent(.checkpoint(step: step, url: url))
    }
}
