import ArgumentParser
import Foundation
import Training

/// `fovea train --config FILE.yaml [--resume [--extend-steps]] [--run-dir DIR]`: a classification, detection or segmentation
/// run (the config's model says which) with checkpoints and run records (keys in docs/training.md). Ctrl-C saves a checkpoint and exits; `--resume` continues exactly.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train a classifier, detector or segmenter from a YAML config.",
        discussion: """
        Examples:
          fovea train --config fixtures/training/shapes_classification.yaml
          fovea train --config fixtures/training/shapes_detection.yaml        (centernet_resnet18 on COCO boxes)
          fovea train --config fixtures/training/shapes_segmentation.yaml     (unet_small on class-index masks)
          fovea train --config train.yaml --run-dir runs/exp2
          fovea train --config train.yaml --run-dir runs/exp2 --resume      (after Ctrl-C or a crash)
        """)

    @Option(help: "The YAML config (keys and defaults: docs/training.md).") var config: String
    @Flag(help: "Continue from the newest checkpoint in the run directory.") var resume = false
    @Option(name: .customLong("run-dir"), help: "Run directory (overrides the config's run_dir).") var runDir: String?
    @Flag(name: .customLong("extend-steps"), help: "With --resume: accept a larger `steps` (constant and step schedules only).")
    var extendSteps = false

    func run() throws {
        var settings: TrainingConfig
        do { settings = try TrainingConfig.load(path: config) } catch { throw InputError(error.description) }
        if let runDir { settings.runDir = runDir }
        let trainer: Trainer
        do {
            trainer = try Trainer(config: settings, runDirectory: URL(fileURLWithPath: settings.runDir), resume: resume, extendSteps: extendSteps)
        } catch let error as TrainingError { throw InputError(error.description) }
        let progress = ProgressLine(every: settings.logEvery, startStep: trainer.step)
        trainer.onEvent = { progress.show($0) }
        signal(SIGINT) { _ in
            interruptRequested = 1
            signal(SIGINT, SIG_DFL)  // a second Ctrl-C stops at once
        }
        // A parent (a test runner, a job system) may hand the signal down blocked; Ctrl-C must still reach us.
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGINT)
        sigprocmask(SIG_UNBLOCK, &mask, nil)
        trainer.shouldStop = { interruptRequested != 0 }

        let outcome: TrainingOutcome
        do { outcome = try trainer.run() } catch let error as TrainingError { throw InputError(error.description) }
        progress.finish()
        let summary = trainer.bestEvaluation.map { " best \($0.metric) \(String(format: "%.4f", $0.value)) at step \($0.step)" } ?? ""
        switch outcome {
        case .finished(let steps): print("trained \(steps) steps;\(summary); run: \(settings.runDir)")
        case .paused(let steps): print("interrupted after step \(steps), checkpoint saved; continue with --resume; run: \(settings.runDir)")
        case .nonFinite(let step, let layer):
            let last = CheckpointStore(runDirectory: trainer.runDirectory).latest()?.path ?? "none"
            throw InputError("\(config): training stopped at step \(step): non-finite value in \(layer == "loss" ? "the loss" : "the gradient of layer \(layer)"); last good checkpoint: \(last)")
        }
    }
}

/// Set by the SIGINT handler; read between steps.
nonisolated(unsafe) private var interruptRequested: sig_atomic_t = 0

/// Step, loss, lr, it/s and ETA: redrawn in place on a terminal, a plain line every `every` steps otherwise.
private final class ProgressLine {
    let live = isatty(STDERR_FILENO) != 0
    let every: Int
    let start = DispatchTime.now().uptimeNanoseconds
    let startStep: Int
    var drawn = false

    init(every: Int, startStep: Int) { self.every = max(1, every); self.startStep = startStep }

    func show(_ event: TrainingEvent) {
        switch event {
        case .step(let r):
            let done = r.step + 1, elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let rate = Double(done - startStep) / max(elapsed, 1e-9), eta = Double(r.totalSteps - done) / max(rate, 1e-9)
            let text = String(format: "step %d/%d loss %.4f lr %.3g grad_norm %.3g %.2f it/s ETA %@", done, r.totalSteps, r.loss, r.rate,
                              r.gradients.total, rate, clock(eta))
            if live { write("\r\u{1B}[K" + text); drawn = true } else if done % every == 0 || done == r.totalSteps { write(text + "\n") }
        case .evaluation(let report):
            line("eval step \(report.step) \(report.summary)")
        case .checkpoint(let step, let url):
            if !live { write("checkpoint step \(step): \(url.path)\n") }
        case .advisory(let a):
            line("advice (step \(a.step), \(a.kind.rawValue)): \(a.message)")
        }
    }

    func finish() { if drawn { write("\n"); drawn = false } }

    /// A whole line, above the live line when there is one.
    private func line(_ text: String) {
        write(live ? "\r\u{1B}[K" + text + "\n" : text + "\n")
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    private func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }
}
