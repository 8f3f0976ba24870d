import NN
import Tensors

/// DropBlock's scheduled keep probability (Ghiasi et al., 2018, "DropBlock", §3): it falls linearly from 1 at the
/// first step to 1 − target after `rampSteps` steps and stays there; dropping at full strength from the start
/// hurts accuracy.
public struct DropBlockSchedule: Sendable, Equatable {
    public let target: Double
    public let rampSteps: Int

    public init(target: Double, rampSteps: Int) { self.target = target; self.rampSteps = rampSteps }

    public func keepProbability(at step: Int) -> Double { 1 - dropProbability(at: step) }

    public func dropProbability(at step: Int) -> Double {
        guard rampSteps > 0 else { return target }
        return target * min(1, Double(max(step, 0)) / Double(rampSteps))
    }
}

/// The regularisers of a run: the options a model is built with, and what changes per step — the DropBlock
/// rate from its schedule, and the noise stream, re-seeded from (seed, step) so that a resumed run draws the
/// same dropout, DropBlock and stochastic-depth masks as an uninterrupted one.
public struct StepRegularizers {
    public let options: Regularization
    public let dropBlock: DropBlockSchedule
    let seed: UInt64

    public init(_ config: TrainingConfig) {
        seed = UInt64(bitPattern: Int64(config.seed))
        options = Regularization(dropout: Float(config.dropout), dropBlock: Float(config.dropBlock), dropBlockSize: config.dropBlockSize,
                                 stochasticDepth: config.stochasticDepth.map(Float.init), noise: RandomSource(seed: seed))
        dropBlock = DropBlockSchedule(target: config.dropBlock, rampSteps: config.dropBlockRampSteps)
    }

    /// Sets every DropBlock layer of `model` to the scheduled rate and re-seeds the noise for `step`.
    public func prepare(_ model: Module, step: Int) {
        let rate = Float(dropBlock.dropProbability(at: step))
        for case let (_, layer as DropBlock2d) in model.namedModules { layer.p = rate }
        options.noise.generator = SeededGenerator(seed: seed ^ 0x5DEE_CE66_D1CE_5EED ^ (UInt64(step) &* 0x9E37_79B9_7F4A_7C15))
    }
}
