import Foundation
import NN
import Tensors
import Testing
import Training

/// Dropout, DropBlock with its schedule, stochastic depth and label smoothing, from the config to the model.
@Suite struct RegularizationTests {
    @Test func dropBlockKeepProbabilityRampsLinearlyFromOneToTheTarget() {
        let schedule = DropBlockSchedule(target: 0.1, rampSteps: 100)
        let expected: [(Int, Double)] = [(0, 1), (1, 0.999), (25, 0.975), (50, 0.95), (99, 0.901), (100, 0.9), (101, 0.9), (10_000, 0.9)]
        for (step, keep) in expected {
            #expect(abs(schedule.keepProbability(at: step) - keep) < 1e-12, "step \(step): \(schedule.keepProbability(at: step))")
        }
        #expect(DropBlockSchedule(target: 0.2, rampSteps: 0).keepProbability(at: 0) == 0.8, "no ramp: the target at once")
    }

    @Test func configKeysParseWithDocumentedDefaults() throws {
        let defaults = try TrainingConfig.parse("data: d\n", file: "c.yaml")
        #expect(defaults.dropout == 0 && defaults.dropBlock == 0 && defaults.dropBlockSize == 7 && defaults.dropBlockRampSteps == 0)
        #expect(defaults.stochasticDepth == nil && defaults.labelSmoothing == 0)
        let config = try TrainingConfig.parse("""
            data: d
            model: resnet18
            dropout: 0.3
            drop_block: 0.1
            drop_block_size: 3
            drop_block_ramp_steps: 50
            stochastic_depth: 0.2
            label_smoothing: 0.1
            """, file: "c.yaml")
        #expect(config.dropout == 0.3 && config.dropBlock == 0.1 && config.dropBlockSize == 3 && config.dropBlockRampSteps == 50)
        #expect(config.stochasticDepth == 0.2 && config.labelSmoothing == 0.1)
        let hparams = Dictionary(uniqueKeysWithValues: config.hyperparameters.map { ($0.key, $0.value) })
        #expect(hparams["drop_block"] == "0.1" && hparams["stochastic_depth"] == "0.2" && hparams["dropout"] == "0.3")
    }

    @Test func badValuesNameKeyAndLine() {
        let cases = [("data: d\ndrop_block_size: 4\n", "c.yaml:2: drop_block_size: must be an odd positive integer"),
                     ("data: d\ndropout: 1\n", "c.yaml:2: dropout: must lie in [0, 1)"),
                     ("data: d\nstochastic_depth: 0.1\n", "c.yaml:2: stochastic_depth: shapes_cnn has no residual blocks to drop"),
                     ("data: d\nstochastic_depth: lots\n", "c.yaml:2: stochastic_depth: expected a number or null, got 'lots'"),
                     ("data: d\n\ndrop_block: -0.1\n", "c.yaml:3: drop_block: must lie in [0, 1)")]
        for (text, message) in cases {
            do { _ = try TrainingConfig.parse(text, file: "c.yaml"); Issue.record("accepted \(text)") } catch {
                #expect(error.description == message)
            }
        }
    }

    /// Built with every regulariser, a model keeps the state-dict names and initial weights of the plain one, and in
    /// eval mode computes exactly what the plain one does; in training mode the regularisers change the output.
    @Test(arguments: [Architecture.shapes_cnn, .resnet18, .convnext_nano])
    func regularisersAddNoParametersAndAreOffInEvalMode(_ arch: Architecture) {
        let options = Regularization(dropout: 0.5, dropBlock: 0.3, dropBlockSize: 3,
                                     stochasticDepth: arch.hasResidualBlocks ? 0.5 : nil, noise: RandomSource(seed: 9))
        let plain = arch.make(classes: 5, seed: 4), regularised = arch.make(classes: 5, seed: 4, regularization: options)
        #expect(plain.stateDict.map(\.name) == regularised.stateDict.map(\.name))
        #expect(zip(plain.stateDict, regularised.stateDict).allSatisfy { $0.tensor.scalars == $1.tensor.scalars }, "same initial weights")
        let layers = regularised.namedModules.map(\.1)
        #expect(layers.contains { $0 is Dropout } && layers.contains { $0 is DropBlock2d })
        if arch.hasResidualBlocks { #expect(layers.contains { ($0 as? StochasticDepth)?.p ?? 0 > 0 }) }

        var rng = SeededGenerator(seed: 1)
        let x = Tensor.randn([4, 3, 64, 64], using: &rng)
        plain.eval(); regularised.eval()
        let a = withoutGrad { plain(x) }, b = withoutGrad { regularised(x) }
        #expect(a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern), "eval mode: regularisers are the identity")
        plain.train(); regularised.train()
        let c = withoutGrad { plain(x) }, d = withoutGrad { regularised(x) }
        #expect(c.scalars != d.scalars, "training mode: masks change the output")
    }

    @Test func trainerFollowsTheScheduleAndReseedsPerStep() throws {
        var config = TrainingFixtures.smallConfig(steps: 4)
        config.dropBlock = 0.2
        config.dropBlockSize = 3
        config.dropBlockRampSteps = 4
        config.dropout = 0.2
        let regularizers = StepRegularizers(config)
        let model = Architecture.shapes_cnn.make(classes: 3, seed: 1, regularization: regularizers.options)
        let blocks = model.namedModules.compactMap { $0.1 as? DropBlock2d }
        #expect(blocks.count == 4, "one per block of the last two stages")
        regularizers.prepare(model, step: 2)
        #expect(blocks.allSatisfy { abs($0.p - 0.1) < 1e-7 }, "half-way up the ramp: \(blocks.map(\.p))")
        let first = regularizers.options.noise.generator.next()
        regularizers.prepare(model, step: 2)
        #expect(regularizers.options.noise.generator.next() == first, "the step alone decides the masks")
        regularizers.prepare(model, step: 3)
        #expect(regularizers.options.noise.generator.next() != first)
    }

    /// A run with every regulariser on the shapes fixture trains (finite, falling loss) and resumes bit for bit.
    @Test func configWithRegularisersTrainsAndResumesExactly() throws {
        var config = TrainingFixtures.smallConfig(steps: 12)
        config.model = "convnext_nano"
        config.dropout = 0.2
        config.dropBlock = 0.1
        config.dropBlockSize = 3
        config.dropBlockRampSteps = 6
        config.stochasticDepth = 0.2
        config.labelSmoothing = 0.1
        let revision = SourceRevision(commit: "test", dirty: false)
        let whole = try Trainer(config: config, runDirectory: TrainingFixtures.temporaryFolder("reg-whole"), resume: false, revision: revision)
        #expect(try whole.run() == .finished(steps: 12))
        #expect(whole.trainLosses.allSatisfy { $0.isFinite })
        let early = whole.trainLosses.prefix(4).reduce(0, +), late = whole.trainLosses.suffix(4).reduce(0, +)
        #expect(late < early, "\(whole.trainLosses)")

        let folder = TrainingFixtures.temporaryFolder("reg-split")
        _ = try Trainer(config: config, runDirectory: folder, resume: false, revision: revision).run(stopAfter: 5)
        let resumed = try Trainer(config: config, runDirectory: folder, resume: true, revision: revision)
        _ = try resumed.run()
        #expect(resumed.trainLosses.map(\.bitPattern) == whole.trainLosses.map(\.bitPattern))
    }
}
