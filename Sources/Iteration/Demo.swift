import Datasets
import Foundation
import Report

/// `fovea demo`: a generated shapes dataset, a first iteration trained plainly, a second that changes what the
/// first one's advisories suggest, and one report showing what that fixed and what it broke.
public struct Demo {
    public var workspace: String
    public var report: String
    public var images: Int
    public var steps: Int
    /// A classifier of the zoo and its peak learning rate.
    public var model: String
    public var learningRate: Double
    public var version: String
    public var log: (String) -> Void

    public init(workspace: String, report: String, images: Int, steps: Int, model: String, learningRate: Double, version: String,
                log: @escaping (String) -> Void) {
        self.workspace = workspace; self.report = report; self.images = images; self.steps = steps; self.model = model
        self.learningRate = learningRate; self.version = version; self.log = log
    }

    /// One change to the training config and why.
    public struct Change: Equatable, Sendable {
        public var key: String, value: String, reason: String
    }

    /// Whether validation accuracy was still climbing at the end: the last evaluation is the best and at least two
    /// points above the one before — the run stopped while it was still learning (under-fitting).
    public static func stillLearning(validationAccuracy: [Double]) -> Bool {
        guard validationAccuracy.count >= 2, let last = validationAccuracy.last else { return false }
        return last >= validationAccuracy.max()! && last - validationAccuracy[validationAccuracy.count - 2] >= 0.02
    }

    /// What the second iteration changes, from the first one's advisories (`kind: message` lines as advisories.txt
    /// holds them), its curves and its settings.
    public static func respond(to advisories: [String], stillLearning: Bool = false, settings: [String: String]) -> [Change] {
        let kinds = Set(advisories.compactMap { line in ["overfitting", "clip", "diverging"].first { line.contains($0) } })
        var changes = [Change]()
        if stillLearning && !kinds.contains("diverging") && !kinds.contains("overfitting") {
            let steps = Int(settings["steps"] ?? "") ?? 100
            changes.append(Change(key: "steps", value: String(2 * steps),
                                  reason: "validation accuracy was still rising at the last step (under-fitting): twice the steps"))
            return changes
        }
        if kinds.contains("diverging") {
            let lr = Double(settings["lr"] ?? "") ?? 0.001
            changes.append(Change(key: "lr", value: String(lr / 3), reason: "the loss diverged: a third of the learning rate"))
            changes.append(Change(key: "schedule", value: "warmup_cosine", reason: "the loss diverged: warm up, then cosine decay"))
        }
        if kinds.contains("clip") {
            changes.append(Change(key: "clip_grad_norm", value: "1.0", reason: "gradient norms above 10: clip them at 1"))
        }
        if kinds.contains("overfitting") || kinds.isEmpty {
            let why = kinds.isEmpty ? "no advisory fired; augmentation is the usual next step on a small dataset"
                                    : "validation loss stalled while training loss fell (over-fitting)"
            if settings["augment"] != "true" {
                changes.append(Change(key: "augment", value: "true", reason: why + ": flips, small rotations, colour jitter"))
            } else if kinds.contains("overfitting") {
                let steps = Int(settings["steps"] ?? "") ?? 100
                changes.append(Change(key: "drop_block", value: "0.1", reason: why + ": DropBlock in the last two stages"))
                changes.append(Change(key: "drop_block_size", value: "3", reason: "blocks that fit 16×16 feature maps"))
                changes.append(Change(key: "drop_block_ramp_steps", value: String(steps / 2), reason: "keep-probability ramped over half the run"))
            } else {
                changes.append(Change(key: "label_smoothing", value: "0.1", reason: why + ": label smoothing"))
            }
        }
        return changes
    }

    public func run() throws -> String {
        let root = URL(fileURLWithPath: workspace).standardizedFileURL
        let data = root.appendingPathComponent("shapes")
        let manager = FileManager.default
        if !manager.fileExists(atPath: data.appendingPathComponent("manifest.json").path) {
            log("demo: generating \(images) shapes images in \(data.path)")
            try? manager.removeItem(at: data)
            do { _ = try ShapesFixture.write(task: .classification, images: images, seed: 7, to: data.path) } catch {
                throw IterationError("\(data.path): \(error)")
            }
        }
        let iterations = root.appendingPathComponent("iterate")
        try? manager.removeItem(at: iterations)  // each demo starts from the same first iteration
        try manager.createDirectory(at: iterations, withIntermediateDirectories: true)

        var settings: [(String, String)] = [
            ("data", data.path), ("model", model), ("seed", "0"), ("steps", String(steps)), ("batch_size", "32"),
            ("image_size", "64"), ("augment", "false"), ("optimizer", "adamw"), ("lr", String(learningRate)), ("weight_decay", "0.05"),
            ("schedule", "onecycle"), ("eval_every", String(max(1, steps / 6))), ("log_every", String(max(1, steps / 6))),
        ]
        let first = try iterate(name: "it1", settings: settings, root: iterations)
        let run = try Workspace(root: iterations.path).folder("it1").appendingPathComponent("run")
        let accuracy = (try? RunRecords(directory: run.path))?.columns["val_acc"]?.map(\.value) ?? []
        let changes = Self.respond(to: first.advisories, stillLearning: Self.stillLearning(validationAccuracy: accuracy),
                                   settings: Dictionary(settings, uniquingKeysWith: { a, _ in a }))
        for change in changes {
            log("demo: it2 sets \(change.key): \(change.value) — \(change.reason)")
            if let i = settings.firstIndex(where: { $0.0 == change.key }) { settings[i].1 = change.value } else { settings.append((change.key, change.value)) }
        }
        let second = try iterate(name: "it2", settings: settings, root: iterations)
        let record = try IterationRecord.load(from: Workspace(root: iterations.path).folder("it2").appendingPathComponent("iteration.json"))
        let count = { (status: String) in record.cases.filter { $0.status == status }.count }
        var lines = ["demo: it2 changed " + changes.map { "\($0.key) → \($0.value)" }.joined(separator: ", ")]
        lines.append("failure set at it2: \(count("fixed")) fixed, \(count("still failing")) still failing, \(count("newly broken")) newly broken, \(count("passing")) passing")
        lines.append("report: \(second.report?.path ?? "not written")")
        return lines.joined(separator: "\n")
    }

    private func iterate(name: String, settings: [(String, String)], root: URL) throws -> Pipeline.Outcome {
        let yaml = root.appendingPathComponent("\(name).yaml")
        let text = "# fovea demo, iteration \(name)\n" + settings.map { "\($0.0): \($0.1)" }.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: yaml, options: .atomic)
        var config = IterateConfig(file: yaml.path)
        config.title = "fovea demo: shapes classifier"
        config.workspace = root.path
        config.train = yaml.path
        config.camMethods = [.gradcam, .gradcamPlusPlus, .scorecam, .eigencam]
        config.report = report
        return try Pipeline(config: config, version: version, log: log).run(iteration: name)
    }
}

extension Pipeline.Outcome {
    /// What `fovea iterate` prints: the stages run and cached, advisories, the report.
    public func summary(json: Bool) -> String {
        if json {
            let object: [String: Any] = ["iteration": iteration, "ran": ranStages.map(\.rawValue), "cached": cachedStages.map(\.rawValue),
                                         "report": report?.path ?? NSNull(), "advisories": advisories]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
        var lines = ["iteration \(iteration): ran \(ranStages.map(\.rawValue).joined(separator: ", "))"
                     + (cachedStages.isEmpty ? "" : "; up to date: \(cachedStages.map(\.rawValue).joined(separator: ", "))")]
        lines += advisories.map { "advice: \($0)" }
        if let report { lines.append("report: \(report.path)") }
        return lines.joined(separator: "\n")
    }
}
