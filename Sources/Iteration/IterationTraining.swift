import Foundation
import Training

/// The train stage of an iteration, for every task: a copy of the `fovea train` config in the iteration folder, its run
/// folder beside it, training (or resuming a run this iteration left unfinished) and the best checkpoint it produced.
struct IterationTraining {
    let folder: URL
    let log: (String) -> Void

    var configCopy: URL { folder.appendingPathComponent("train.yaml") }
    var runFolder: URL { folder.appendingPathComponent("run") }

    /// The copied config, writing into this iteration's run folder.
    func settings() throws -> TrainingConfig {
        do {
            var settings = try TrainingConfig.load(path: configCopy.path)
            settings.runDir = runFolder.path
            return settings
        } catch { throw IterationError(error.description) }
    }

    /// Copies `source` in (the stage's input) and trains, or resumes a run this iteration started and did not finish.
    /// Trains (or resumes) from the `fovea train` config `source`, whose model must be one of the iteration's `task`:
    /// checked before the first step, not found out after the whole run.
    func train(from source: String, task: IterateConfig.Task) throws {
        try copyFile(source, to: configCopy)
        let settings = try settings()
        guard settings.task.rawValue == task.rawValue else {
            throw IterationError("\(source): model: \(settings.model) is a \(settings.task.rawValue) model, but the iteration's task is \(task.rawValue)")
        }
        let resume = CheckpointStore(runDirectory: runFolder).latest() != nil
        let trainer: Trainer
        do { trainer = try Trainer(config: settings, runDirectory: runFolder, resume: resume) } catch let e as TrainingError {
            throw IterationError(e.description)
        }
        let every = max(1, settings.steps / 10)
        trainer.onEvent = { event in
            switch event {
            case .step(let r) where (r.step + 1) % every == 0:
                log(String(format: "train: step %d/%d loss %.4f lr %.3g", r.step + 1, r.totalSteps, r.loss, r.rate))
            case .evaluation(let report):
                log("train: eval at step \(report.step): \(report.summary)")
            case .advisory(let a): log("train: advice (\(a.kind.rawValue)): \(a.message)")
            default: break
            }
        }
        let outcome: TrainingOutcome
        do { outcome = try trainer.run() } catch let e as TrainingError { throw IterationError(e.description) }
        switch outcome {
        case .finished: return
        case .paused(let steps): throw IterationError("\(configCopy.path): training interrupted after step \(steps); run fovea iterate again to resume")
        case .nonFinite(let step, let layer):
            throw IterationError("\(configCopy.path): training stopped at step \(step): non-finite value in \(layer)")
        }
    }

    /// The best checkpoint by the run's own metric (the newest among equals), else the newest.
    func bestCheckpoint() throws -> URL {
        guard let chosen = CheckpointStore(runDirectory: runFolder).best() else { throw IterationError("\(runFolder.path): no checkpoint to evaluate") }
        return chosen
    }
}
