import Foundation
import NN
import Tensors
import Testing
import Training

/// Checkpointed blocks give the gradients of the plain model while keeping fewer tensor bytes alive.
@Suite(.serialized) struct GradientCheckpointingTests {
    struct Pass { let gradients: [(String, [Float])]; let buffers: [[Float]]; let peakBytes: Int; let loss: Float }

    /// One forward and backward (seeded weights, batch and regularisers) with `checkpointed` blocks.
    static func pass(_ arch: Architecture, _ checkpointed: [String], size: Int = 64, batch: Int = 8, regularised: Bool = false) -> Pass {
        let noise = RandomSource(seed: 11)
        let options = regularised ? Regularization(dropout: 0.3, dropBlock: 0.2, dropBlockSize: 3, stochasticDepth: 0.3, noise: noise)
                                  : Regularization(noise: noise)
        let model = arch.make(classes: 5, seed: 3, regularization: options)
        model.train()
        for path in checkpointed { GradientCheckpointing.enable(model.module(at: path)!, noise: [noise]) }
        var rng = Tensors.SeededGenerator(seed: 5)
        let x = Tensor.randn([batch, 3, size, size], using: &rng)
        let (loss, meter) = StorageMeter.measure {
            let loss = crossEntropy(model(x), targets: (0..<batch).map { $0 % 5 })
            loss.backward()
            return loss
        }
        let peak = meter.peakBytes
        return Pass(gradients: model.namedParameters.map { ($0.0, $0.1.grad?.scalars ?? []) },
                    buffers: model.namedBuffers.map { $0.1.tensor.scalars }, peakBytes: peak, loss: loss.item)
    }

    static func maxDifference(_ a: Pass, _ b: Pass) -> Float {
        zip(a.gradients, b.gradients).map { x, y in zip(x.1, y.1).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
    }

    /// ResNet blocks (residual sums, downsampling, BatchNorm): gradients and running statistics as without.
    @Test func sameGradientsAndStatistics() {
        let plain = Self.pass(.resnet18, [], size: 32)
        let checkpointed = Self.pass(.resnet18, ["layer2", "layer3"], size: 32)
        #expect(plain.gradients.map(\.0) == checkpointed.gradients.map(\.0))
        #expect(plain.gradients.allSatisfy { !$0.1.isEmpty } && checkpointed.gradients.allSatisfy { !$0.1.isEmpty }, "every parameter has a gradient")
        let difference = Self.maxDifference(plain, checkpointed)
        #expect(difference <= 1e-6, "largest gradient difference \(difference)")
        #expect(plain.loss.bitPattern == checkpointed.loss.bitPattern)
        #expect(plain.buffers == checkpointed.buffers, "BatchNorm statistics advance once, as without checkpointing")
    }

    /// Where activations dominate (shapes_cnn at 64×64), checkpointing the four full-resolution blocks lowers the
    /// peak of live tensor bytes over a forward and backward.
    @Test func lowerPeakOfLiveTensorBytes() {
        let plain = Self.pass(.shapes_cnn, [], batch: 32)
        let checkpointed = Self.pass(.shapes_cnn, ["0", "1", "3", "4"], batch: 32)
        let difference = Self.maxDifference(plain, checkpointed)
        #expect(difference <= 1e-6, "largest gradient difference \(difference)")
        print("gradient checkpointing, shapes_cnn batch 32 at 64×64, one forward+backward: peak live tensor bytes \(plain.peakBytes) plain, \(checkpointed.peakBytes) with blocks 0, 1, 3, 4 checkpointed; max |Δgrad| \(difference)")
        #expect(Double(checkpointed.peakBytes) < 0.9 * Double(plain.peakBytes), "\(checkpointed.peakBytes) vs \(plain.peakBytes)")
    }

    @Test func stochasticLayersReplayTheirMasks() {
        let plain = Self.pass(.resnet18, [], size: 32, regularised: true)
        let checkpointed = Self.pass(.resnet18, ["layer3", "layer4"], size: 32, regularised: true)
        let difference = Self.maxDifference(plain, checkpointed)
        #expect(plain.loss.bitPattern == checkpointed.loss.bitPattern)
        #expect(difference <= 1e-6, "dropout, DropBlock and stochastic depth draw the same masks in the replay: \(difference)")
    }

    @Test func configNamesUnknownModules() throws {
        let config = try TrainingConfig.parse("data: d\nmodel: resnet18\ngradient_checkpointing: [layer2, layer3]\n", file: "c.yaml")
        #expect(config.gradientCheckpointing == ["layer2", "layer3"])
        do { _ = try TrainingConfig.parse("data: d\nmodel: resnet18\n\ngradient_checkpointing: [layer9]\n", file: "c.yaml"); Issue.record("accepted") } catch {
            #expect(error.description.hasPrefix("c.yaml:4: gradient_checkpointing: 'layer9' is not a module of resnet18 (its top-level modules: conv1, bn1"))
        }
        do { _ = try TrainingConfig.parse("data: d\ngradient_checkpointing: layer2\n", file: "c.yaml"); Issue.record("accepted") } catch {
            #expect(error.description == "c.yaml:2: gradient_checkpointing: expected a list of module paths, got 'layer2'")
        }
    }

    @Test func aCheckpointedRunTrainsLikeThePlainOne() throws {
        let revision = SourceRevision(commit: "test", dirty: false)
        var config = TrainingFixtures.smallConfig(steps: 4)
        let plain = try Trainer(config: config, runDirectory: TrainingFixtures.temporaryFolder("ckpt-plain"), resume: false, revision: revision)
        _ = try plain.run()
        config.gradientCheckpointing = ["3", "4"]
        let checkpointed = try Trainer(config: config, runDirectory: TrainingFixtures.temporaryFolder("ckpt"), resume: false, revision: revision)
        _ = try checkpointed.run()
        let gaps = zip(plain.trainLosses, checkpointed.trainLosses).map { abs($0 - $1) }
        #expect(gaps.allSatisfy { $0 <= 1e-5 }, "\(plain.trainLosses) vs \(checkpointed.trainLosses)")
    }
}
