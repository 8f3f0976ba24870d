import Foundation
import Tensors
import Testing
import Training

/// `precision:` is the arithmetic the run's convolutions use, whatever the process-wide default is.
@Suite struct TrainingPrecisionTests {
    @Test(arguments: [ConvolutionPrecision.fp32, .bf16])
    func theConfigsPrecisionHoldsForEveryStepAndEvaluation(_ precision: ConvolutionPrecision) throws {
        var config = TrainingFixtures.smallConfig(steps: 4)
        config.precision = precision
        config.evalEvery = 2
        let trainer = try Trainer(config: config, runDirectory: TrainingFixtures.temporaryFolder("precision-\(precision.rawValue)"),
                                  resume: false, revision: SourceRevision(commit: "test", dirty: false))
        var seen: [ConvolutionPrecision] = []
        trainer.onEvent = { event in
            switch event {
            case .step, .evaluation: seen.append(ConvolutionPrecision.current)
            default: break
            }
        }
        // The opposite process-wide setting must not leak into the run.
        let other: ConvolutionPrecision = precision == .fp32 ? .bf16 : .fp32
        let outcome = try ConvolutionPrecision.$current.withValue(other) { try trainer.run() }
        #expect(outcome == .finished(steps: 4))
        #expect(seen.count == 6 && seen.allSatisfy { $0 == precision }, "\(seen)")
        let hparams = try String(contentsOf: trainer.runDirectory.appendingPathComponent("hparams.yaml"), encoding: .utf8)
        #expect(hparams.contains("precision: \(precision.rawValue)"))
    }

    /// The convolutions themselves follow the key, not just the task-local: where the CPU has bf16 dot products a
    /// bf16 run computes other losses than an fp32 one from the same start; where it has none (or convolutions run
    /// through im2col), the same.
    @Test func bf16ReachesTheConvolutions() throws {
        var losses: [[UInt32]] = []
        for precision in [ConvolutionPrecision.fp32, .bf16] {
            var config = TrainingFixtures.smallConfig(steps: 2)
            config.precision = precision
            let trainer = try Trainer(config: config, runDirectory: TrainingFixtures.temporaryFolder("precision-losses-\(precision.rawValue)"),
                                      resume: false, revision: SourceRevision(commit: "test", dirty: false))
            _ = try trainer.run()
            losses.append(trainer.trainLosses.map(\.bitPattern))
        }
        let bf16Runs = ConvolutionPrecision.bf16IsNative && ConvolutionBackend.current == .oneDNN  // im2col is fp32 only
        #expect((losses[0] != losses[1]) == bf16Runs, "\(losses)")
    }
}
