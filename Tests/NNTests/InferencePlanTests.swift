import Foundation
import NN
import Tensors
import Testing
import TestSupport

/// The fused inference plan (BN folded, ReLU and residual adds as post-ops, blocked activations) gives the
/// ordinary eval forward's outputs, on every architecture it lowers, and runs the ordinary forward where it cannot.
@Suite struct InferencePlanTests {
    /// Formula weights with non-trivial BN statistics (a fresh model's 0/1 would hide a wrong fold).
    static func model(_ arch: Architecture) throws -> Module {
        let m = arch.make(classes: arch == .shapes_cnn ? 6 : 10)
        try m.load(formulaState(m), source: "formula")
        m.eval()
        return m
    }

    static func input(_ shape: [Int], seed: UInt64 = 1) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor.randn(shape, using: &rng)
    }

    /// Largest difference relative to the largest magnitude of the reference.
    static func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
        let scale = (0..<b.count).map { abs(b[flat: $0]) }.max() ?? 0
        return ((0..<b.count).map { abs(a[flat: $0] - b[flat: $0]) }.max() ?? .infinity) / scale
    }

    @Test(arguments: [(Architecture.resnet18, 64), (.resnet18, 37), (.resnet18_half, 64), (.shapes_cnn, 32), (.resnet50, 64), (.resnet34, 32)])
    func fusedEqualsTheEvalForward(_ arch: Architecture, _ size: Int) throws {
        let model = try Self.model(arch)
        let plan = InferencePlan(model)
        #expect(plan.isFused)
        let x = Self.input([3, 3, size, size])
        let expected = withoutGrad { model(x) }
        for algorithm in ConvolutionAlgorithm.allCases {
            let (fused, reference) = ConvolutionAlgorithm.$current.withValue(algorithm) { (plan(x), withoutGrad { model(x) }) }
            #expect(plan.lastRunFused, "\(arch) \(size)² \(algorithm) fell back to the ordinary forward")
            #expect(fused.shape == expected.shape)
            // Folding and fusing change only the rounding: measured up to 1.2e-5 (resnet34, Winograd).
            #expect(Self.relativeError(fused, reference) <= 1e-4, "\(arch) \(size)² \(algorithm)")
            #expect(Self.relativeError(fused, expected) <= 1e-4, "\(arch) \(size)² \(algorithm) against direct")
        }
    }

    @Test func batchesOfOtherSizesAndRepeatedRuns() throws {
        let model = try Self.model(.resnet18), plan = InferencePlan(model)
        for n in [1, 5, 1] {
            let x = Self.input([n, 3, 40, 40], seed: UInt64(n))
            #expect(Self.relativeError(plan(x), withoutGrad { model(x) }) <= 1e-5, "batch \(n)")
            #expect(plan.lastRunFused)
        }
    }

    @Test func unknownArchitecturesRunTheOrdinaryForward() throws {
        let model = try Self.model(.convnext_nano), plan = InferencePlan(model)
        #expect(!plan.isFused)
        let x = Self.input([2, 3, 32, 32])
        #expect(plan(x).scalars == withoutGrad { model(x) }.scalars)
    }

    @Test func changedWeightsRecompileAndHooksOrTrainingModeBypass() throws {
        let model = try Self.model(.shapes_cnn), plan = InferencePlan(model)
        let x = Self.input([2, 3, 16, 16])
        _ = plan(x)
        let bn = model.namedModules.first { $0.1 is BatchNorm2d }!.1 as! BatchNorm2d
        bn.running_mean.tensor.data[0] += 0.5
        bn.running_mean.tensor.storage.markMutated()
        #expect(Self.relativeError(plan(x), withoutGrad { model(x) }) <= 1e-5)
        #expect(plan.lastRunFused)

        model.module(at: "3")!.forwardHook = { $0 * 0 }
        #expect(plan(x).scalars == withoutGrad { model(x) }.scalars)
        model.module(at: "3")!.forwardHook = nil

        model.train()
        // Batch statistics in training mode: the ordinary forward (equal outputs though running statistics move).
        #expect(plan(x).scalars == withoutGrad { model(x) }.scalars)
        #expect(!plan.lastRunFused)
        // The training forwards moved the running statistics in place: back in eval mode the plan folds the new ones.
        _ = withoutGrad { model(x) }
        model.eval()
        #expect(Self.relativeError(plan(x), withoutGrad { model(x) }) <= 1e-5)
        #expect(plan.lastRunFused)
    }

    @Test func manyBatchSizesKeepTheMostRecentlyUsedGraphs() throws {
        let model = try Self.model(.shapes_cnn), plan = InferencePlan(model)
        // More shapes than the graph keeps, with the first one used between each: it must stay right throughout.
        for n in [4, 1, 4, 2, 4, 3, 4, 5, 4, 6, 4] {
            let x = Self.input([n, 3, 16, 16], seed: UInt64(n))
            #expect(Self.relativeError(plan(x), withoutGrad { model(x) }) <= 1e-5, "batch \(n)")
            #expect(plan.lastRunFused)
        }
        // Least recently used goes: batch 4, used between all others, is built once (six shapes, six builds);
        // first in, first out would have evicted it for batch 5 and built it again.
        #expect(plan.instancesBuilt == 6)
    }
}
