import Foundation
import NN
import Tensors

/// meta.json of a checkpoint: everything needed to continue the run exactly and to tell where it came from.
public struct CheckpointMeta: Codable, Sendable {
    public struct Dataset: Codable, Sendable { public var root: String; public var fingerprint: String; public var classes: [String] }
    /// The data order and augmentations are pure functions of (seed, epoch, batch), so this position *is* the
    /// random state: resuming at it draws exactly what the uninterrupted run would have.
    public struct RandomState: Codable, Sendable { public var algorithm: String; public var seed: Int; public var epoch: Int; public var batch: Int }
    public struct Evaluation: Codable, Sendable {
        public var step: Int
        public var trainLoss: Double
        public var valLoss: Double
        /// Classification's accuracy, in the field it always had; nil for the other tasks.
        public var valAcc: Double?
        /// The other tasks' metrics by name (`val_map`, `val_ap50`, `val_miou`); nil for classification.
        public var metrics: [String: Double]?

        public init(step: Int, trainLoss: Double, valLoss: Double, metrics: [(name: String, value: Double)]) {
            self.step = step
            self.trainLoss = trainLoss
            self.valLoss = valLoss
            var named = Dictionary(metrics, uniquingKeysWith: { _, last in last })
            valAcc = named.removeValue(forKey: "val_acc")
            self.metrics = named.isEmpty ? nil : named
        }

        /// Every number of this evaluation by name: `train_loss`, `val_loss` and the task's metrics.
        public var values: [String: Double] {
            var all = metrics ?? [:]
            all["train_loss"] = trainLoss
            all["val_loss"] = valLoss
            if let valAcc { all["val_acc"] = valAcc }
            return all
        }
    }

    public var step: Int
    public var toolVersion: String
    public var seed: Int
    public var rng: RandomState
    public var hyperparameters: [String: String]
    public var dataset: Dataset
    public var git: SourceRevision
    public var metrics: [String: Double]
    public var evaluations: [Evaluation]
    public var trainLosses: [Float]
    public var advisor: Advisor

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.keyEncodingStrategy = .convertToSnakeCase
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }()
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }()
}

/// RUN/checkpoints/step-NNNNNNN/{model,optimizer}.safetensors + meta.json (+ hard_examples.safetensors), each written whole into a hidden
/// temporary folder and renamed into place, so the newest visible checkpoint is always complete.
public struct CheckpointStore: Sendable {
    public let folder: URL

    public init(runDirectory: URL) { folder = runDirectory.appendingPathComponent("checkpoints") }

    /// The hard-example sampler's losses and records, in checkpoints of runs that sample by loss.
    public static let hardExamplesFile = "hard_examples.safetensors"

    public static func name(step: Int) -> String { "step-" + String(repeating: "0", count: max(0, 7 - String(step).count)) + String(step) }

    /// Complete checkpoints, oldest first.
    public func list() -> [(step: Int, url: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.compactMap { name -> (Int, URL)? in
            guard name.hasPrefix("step-"), let step = Int(name.dropFirst(5)) else { return nil }
            let url = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("meta.json").path) else { return nil }
            return (step, url)
        }.sorted { $0.0 < $1.0 }
    }

    public func latest() -> URL? { list().last?.url }

    public func meta(at url: URL) throws -> CheckpointMeta {
        let file = url.appendingPathComponent("meta.json")
        do { return try CheckpointMeta.decoder.decode(CheckpointMeta.self, from: Data(contentsOf: file)) }
        catch { throw TrainingError("\(file.path): unreadable checkpoint metadata (\(error))") }
    }

    @discardableResult
    public func write(model: Module, optimizer: OptimizerState, meta: CheckpointMeta,
                      hardExamples: [(name: String, tensor: Tensor)]? = nil) throws -> URL {
        let manager = FileManager.default
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        let name = Self.name(step: meta.step)
        let temporary = folder.appendingPathComponent(".\(name).partial-\(getpid())")
        let final = folder.appendingPathComponent(name)
        try? manager.removeItem(at: temporary)
        removeAbandonedWrites()
        try manager.createDirectory(at: temporary, withIntermediateDirectories: false)
        do {
            try model.save(to: temporary.appendingPathComponent("model.safetensors"))
            try optimizer.save(to: temporary.appendingPathComponent("optimizer.safetensors"))
            if let hardExamples {
                try Safetensors.write(hardExamples.map { ($0.name, $0.tensor, .F32) }, metadata: [:],
                                      to: temporary.appendingPathComponent(Self.hardExamplesFile))
            }
            try AtomicFile.write(CheckpointMeta.encoder.encode(meta), to: temporary.appendingPathComponent("meta.json"))
            if manager.fileExists(atPath: final.path) { try manager.removeItem(at: final) }  // a replayed step after resume
            guard rename(temporary.path, final.path) == 0 else { throw TrainingError("\(final.path): \(String(cString: strerror(errno)))") }
            syncFolder(folder)
        } catch {
            try? manager.removeItem(at: temporary)
            throw error
        }
        return final
    }

    /// Keeps the newest `keepLast` checkpoints and the best one by `metric` (`mode` max or min); removes the rest.
    /// Returns the best checkpoint's step.
    @discardableResult
    public func prune(keepLast: Int, metric: String, mode: TrainingConfig.MetricMode) -> Int? {
        let all = list()
        let best = self.best(metric: metric, mode: mode)
        let keep = Set(all.suffix(keepLast).map(\.step) + (best.map { [$0.step] } ?? []))
        for (step, url) in all where !keep.contains(step) { try? FileManager.default.removeItem(at: url) }
        return best?.step
    }

    /// The checkpoint with the best finite `metric` in its meta.json (the newest among equals), if any recorded it.
    public func best(metric: String, mode: TrainingConfig.MetricMode) -> (step: Int, url: URL)? {
        var best: (step: Int, url: URL, value: Double)?
        for (step, url) in list() {
            guard let value = (try? meta(at: url))?.metrics[metric], value.isFinite else { continue }
            if best == nil || mode.prefers(value, over: best!.value) { best = (step, url, value) }
        }
        return best.map { ($0.step, $0.url) }
    }

    /// The best checkpoint by the metric its run chose (`best_metric` and `best_mode` as the newest meta.json
    /// records them; `val_acc`, max for runs that predate the keys), else the newest; nil when there is none.
    public func best() -> URL? {
        guard let newest = latest() else { return nil }
        let recorded = (try? meta(at: newest))?.hyperparameters ?? [:]
        let mode = recorded["best_mode"].flatMap(TrainingConfig.MetricMode.init) ?? .max
        return best(metric: recorded["best_metric"] ?? "val_acc", mode: mode)?.url ?? newest
    }

    /// Partial checkpoints of processes that are gone (killed mid-write): never loadable, only clutter.
    private func removeAbandonedWrites() {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where entry.hasPrefix(".step-") {
            guard let dash = entry.range(of: ".partial-", options: .backwards), let pid = Int32(entry[dash.upperBound...]),
                  pid != getpid(), kill(pid, 0) == -1, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(entry))
        }
    }

    private func syncFolder(_ url: URL) {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}

/// A run that cannot start or continue, reported on one line.
public struct TrainingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
