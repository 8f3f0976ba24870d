import Foundation
import Testing
import Training

/// A run stopped at step N and resumed matches an uninterrupted one bit for bit; checkpoints follow DESIGN.md.
@Suite(.serialized) struct CheckpointResumeTests {
    @Test(arguments: [TrainingConfig.OptimizerKind.adamw, .sgd])
    func resumedRunRepeatsTheUninterruptedLossesExactly(_ optimizer: TrainingConfig.OptimizerKind) throws {
        var config = TrainingFixtures.smallConfig(steps: 12)
        config.optimizer = optimizer
        config.clipGradNorm = 1
        let revision = SourceRevision(commit: "test", dirty: false)

        let whole = try Trainer(config: config, runDirectory: TrainingFixtures.temporaryFolder("whole"), resume: false, revision: revision)
        #expect(try whole.run() == .finished(steps: 12))

        let folder = TrainingFixtures.temporaryFolder("split")
        let first = try Trainer(config: config, runDirectory: folder, resume: false, revision: revision)
        #expect(try first.run(stopAfter: 6) == .paused(steps: 6))
        let second = try Trainer(config: config, runDirectory: folder, resume: true, revision: revision)
        #expect(second.step == 6)
        #expect(try second.run() == .finished(steps: 12))

        #expect(second.trainLosses.map(\.bitPattern) == whole.trainLosses.map(\.bitPattern), "\(second.trainLosses) vs \(whole.trainLosses)")
        let sameWeights = zip(second.model.stateDict, whole.model.stateDict).allSatisfy { $0.tensor.scalars.map(\.bitPattern) == $1.tensor.scalars.map(\.bitPattern) }
        #expect(sameWeights, "final weights and buffers differ")
        let csv = { (t: Trainer) in try String(contentsOf: t.runDirectory.appendingPathComponent("metrics.csv"), encoding: .utf8) }
        #expect(try csv(second) == csv(whole), "metrics.csv replays the same rows")
    }

    @Test func checkpointFolderHoldsWeightsOptimizerStateAndMeta() throws {
        var config = TrainingFixtures.smallConfig(steps: 12)
        config.optimizer = .sgd
        config.keepLast = 1
        let folder = TrainingFixtures.temporaryFolder("layout")
        let trainer = try Trainer(config: config, runDirectory: folder, resume: false, revision: SourceRevision(commit: "abc123", dirty: true))
        _ = try trainer.run()
        let store = CheckpointStore(runDirectory: folder)
        let steps = store.list().map(\.step)
        #expect(steps.contains(12) && steps.count <= 2, "last 1 plus the best by val_acc: \(steps)")
        let newest = folder.appendingPathComponent("checkpoints/step-0000012")
        let files = try FileManager.default.contentsOfDirectory(atPath: newest.path).sorted()
        #expect(files == ["meta.json", "model.safetensors", "optimizer.safetensors"])
        let hidden = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("checkpoints").path).filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty, "no temporary folder is left behind")

        let meta = try store.meta(at: newest)
        #expect(meta.step == 12 && meta.seed == 7 && meta.git == SourceRevision(commit: "abc123", dirty: true))
        #expect(meta.toolVersion == Trainer.toolVersion)
        #expect(meta.dataset.fingerprint.count == 64)
        #expect(meta.hyperparameters["optimizer"] == "sgd")
        #expect(meta.metrics["val_acc"] != nil)
        #expect(meta.rng.epoch == 12 / trainer.batches.batchesPerEpoch)

        let state = try OptimizerState.load(from: newest.appendingPathComponent("optimizer.safetensors"))
        #expect(state.tensors.map(\.name).contains("0.0.weight.momentum_buffer"))

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: newest.appendingPathComponent("meta.json"))) as! [String: Any]
        for key in ["hyperparameters", "dataset", "git", "seed", "rng", "step", "metrics", "tool_version"] { #expect(json[key] != nil, "\(key)") }
    }

    @Test func startingOverAnExistingRunIsRefused() throws {
        let folder = TrainingFixtures.temporaryFolder("refuse")
        let config = TrainingFixtures.smallConfig(steps: 4)
        _ = try Trainer(config: config, runDirectory: folder, resume: false).run()
        #expect(throws: TrainingError.self) { try Trainer(config: config, runDirectory: folder, resume: false) }
    }

    @Test func nonFiniteLossStopsNamingTheLayerAndKeepsTheLastGoodCheckpoint() throws {
        var config = TrainingFixtures.smallConfig(steps: 12)
        config.optimizer = .sgd
        config.schedule = .constant
        config.lr = 1e30
        config.evalEvery = 1
        config.keepLast = 50
        config.augment = false
        let folder = TrainingFixtures.temporaryFolder("nan")
        let trainer = try Trainer(config: config, runDirectory: folder, resume: false)
        let outcome = try trainer.run()
        guard case .nonFinite(let step, let layer) = outcome else { Issue.record("ran to \(outcome)"); return }
        #expect(!layer.isEmpty)
        #expect(CheckpointStore(runDirectory: folder).list().last?.step == step, "the newest checkpoint is the last finite step")
    }
}

/// `--resume` continues the recorded run, so changed hyper-parameters are refused by name.
@Suite(.serialized) struct ResumeCompatibilityTests {
    let revision = SourceRevision(commit: "test", dirty: false)

    @Test func changedKeysAreListedOldToNew() {
        var config = TrainingFixtures.smallConfig()
        let recorded = Dictionary(uniqueKeysWithValues: config.hyperparameters.map { ($0.key, $0.value) })
        config.lr = 0.01
        config.weightDecay = 0
        config.logEvery = 1  // bookkeeping: free
        config.runDir = "elsewhere"
        #expect(ResumeCompatibility.changes(recorded: recorded, now: config.hyperparameters, extendSteps: false)
                == ["lr: 0.003 → 0.01", "weight_decay: 0.05 → 0.0"])
        var longer = TrainingFixtures.smallConfig(steps: 20)
        #expect(ResumeCompatibility.changes(recorded: recorded, now: longer.hyperparameters, extendSteps: false) == ["steps: 12 → 20"])
        #expect(ResumeCompatibility.changes(recorded: recorded, now: longer.hyperparameters, extendSteps: true).isEmpty)
        longer.steps = 6
        #expect(ResumeCompatibility.changes(recorded: recorded, now: longer.hyperparameters, extendSteps: true) == ["steps: 12 → 6"], "only longer")
        var older = recorded
        older["dropout"] = nil  // a checkpoint written before the key existed holds its default
        #expect(ResumeCompatibility.changes(recorded: older, now: TrainingFixtures.smallConfig().hyperparameters, extendSteps: false).isEmpty)
    }

    @Test func trainerRefusesAChangedLearningRate() throws {
        let folder = TrainingFixtures.temporaryFolder("changed")
        _ = try Trainer(config: TrainingFixtures.smallConfig(steps: 4), runDirectory: folder, resume: false, revision: revision).run()
        var changed = TrainingFixtures.smallConfig(steps: 4)
        changed.lr = 0.01
        #expect {
            _ = try Trainer(config: changed, runDirectory: folder, resume: true, revision: revision)
        } throws: { error in
            (error as? TrainingError)?.description.contains("hyper-parameters differ from the checkpoint's: lr: 0.003 → 0.01") == true
        }
    }

    /// A constant-rate run extended with --extend-steps gives the losses of a run that was that long from the start.
    @Test func extendedConstantRunMatchesALongerOne() throws {
        var short = TrainingFixtures.smallConfig(steps: 5)
        short.schedule = .constant
        var long = short
        long.steps = 9
        let whole = try Trainer(config: long, runDirectory: TrainingFixtures.temporaryFolder("long"), resume: false, revision: revision)
        _ = try whole.run()
        let folder = TrainingFixtures.temporaryFolder("extend")
        _ = try Trainer(config: short, runDirectory: folder, resume: false, revision: revision).run()
        let extended = try Trainer(config: long, runDirectory: folder, resume: true, extendSteps: true, revision: revision)
        #expect(try extended.run() == .finished(steps: 9))
        #expect(extended.trainLosses.map(\.bitPattern) == whole.trainLosses.map(\.bitPattern))

        var cycled = short
        cycled.schedule = .onecycle
        let cycleFolder = TrainingFixtures.temporaryFolder("cycle")
        _ = try Trainer(config: cycled, runDirectory: cycleFolder, resume: false, revision: revision).run()
        cycled.steps = 9
        #expect(throws: TrainingError.self) { _ = try Trainer(config: cycled, runDirectory: cycleFolder, resume: true, extendSteps: true, revision: self.revision) }
    }
}
