import Foundation

/// A learning-rate schedule: the rate (and, for one-cycle, the momentum) at each optimizer step, equal to
/// torch.optim.lr_scheduler's sequences (computed in Double, as Python does).
public protocol LearningRateSchedule: Sendable {
    func rate(at step: Int) -> Double
    /// The momentum (SGD) or β₁ (Adam) to use at `step`, when the schedule cycles it.
    func momentum(at step: Int) -> Double?
}

extension LearningRateSchedule {
    public func momentum(at step: Int) -> Double? { nil }
}

/// OneCycleLR (two phases): warm up from maxRate/divFactor to maxRate over pctStart of the steps, then anneal
/// to maxRate/(divFactor·finalDivFactor); momentum moves the other way between maxMomentum and baseMomentum.
public struct OneCycle: LearningRateSchedule {
    public enum Anneal: String, Sendable, Codable { case cos, linear }
    public var maxRate: Double, totalSteps: Int
    public var pctStart = 0.3, anneal = Anneal.cos, divFactor = 25.0, finalDivFactor = 1e4
    public var cycleMomentum = true, baseMomentum = 0.85, maxMomentum = 0.95

    public init(maxRate: Double, totalSteps: Int) { self.maxRate = maxRate; self.totalSteps = totalSteps }

    /// (phase end step, start, end) for the rate and the momentum; the first phase ends at a fractional step.
    private var phases: [(end: Double, rate: (Double, Double), momentum: (Double, Double))] {
        let initial = maxRate / divFactor
        return [(pctStart * Double(totalSteps) - 1, (initial, maxRate), (maxMomentum, baseMomentum)),
                (Double(totalSteps - 1), (maxRate, initial / finalDivFactor), (baseMomentum, maxMomentum))]
    }

    public func rate(at step: Int) -> Double { value(step) { $0.rate } }
    public func momentum(at step: Int) -> Double? { cycleMomentum ? value(step) { $0.momentum } : nil }

    private func value(_ step: Int, _ pick: ((end: Double, rate: (Double, Double), momentum: (Double, Double))) -> (Double, Double)) -> Double {
        var start = 0.0
        let all = phases
        for (i, phase) in all.enumerated() {
            if Double(step) <= phase.end || i == all.count - 1 {
                let pct = (Double(step) - start) / (phase.end - start)
                let (a, b) = pick(phase)
                switch anneal {
                case .cos: return b + (a - b) / 2 * (cos(.pi * pct) + 1)
                case .linear: return (b - a) * pct + a
                }
            }
            start = phase.end
        }
        return 0
    }
}

/// StepLR: the rate times gamma after every `stepSize` steps.
public struct StepDecay: LearningRateSchedule {
    public var rate: Double, stepSize: Int, gamma: Double
    public init(rate: Double, stepSize: Int, gamma: Double) { self.rate = rate; self.stepSize = stepSize; self.gamma = gamma }
    public func rate(at step: Int) -> Double { rate * pow(gamma, Double(step / stepSize)) }
}

/// Linear warm-up from rate·startFactor to rate over `warmupSteps`, then cosine annealing to `minRate` at
/// `totalSteps` (torch's SequentialLR of LinearLR and CosineAnnealingLR).
public struct WarmupCosine: LearningRateSchedule {
    public var rate: Double, warmupSteps: Int, totalSteps: Int, startFactor = 0.01, minRate = 0.0
    public init(rate: Double, warmupSteps: Int, totalSteps: Int) { self.rate = rate; self.warmupSteps = warmupSteps; self.totalSteps = totalSteps }

    public func rate(at step: Int) -> Double {
        if step < warmupSteps { return rate * (startFactor + (1 - startFactor) * Double(step) / Double(warmupSteps)) }
        let t = Double(step - warmupSteps), span = Double(max(totalSteps - warmupSteps, 1))
        return minRate + (rate - minRate) * (1 + cos(.pi * t / span)) / 2
    }
}
