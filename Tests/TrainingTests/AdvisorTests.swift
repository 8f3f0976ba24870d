import Foundation
import Testing
import Training

/// Advisories fire on constructed curves that show their signal, stay quiet on healthy ones, and fire once.
@Suite struct AdvisorTests {
    @Test func largeGradientNormAdvisesClippingOnlyWhenOff() {
        var advisor = Advisor()
        #expect(advisor.observeStep(0, gradientNorm: 25, clipping: true, losses: [1]).isEmpty)
        #expect(advisor.observeStep(1, gradientNorm: 9.5, clipping: false, losses: [1, 1]).isEmpty)
        let raised = advisor.observeStep(2, gradientNorm: 25, clipping: false, losses: [1, 1, 1])
        #expect(raised.map(\.kind) == [.clip])
        #expect(raised.first?.step == 2)
        #expect(advisor.observeStep(3, gradientNorm: 30, clipping: false, losses: [1, 1, 1, 1]).isEmpty, "raised once per run")
    }

    @Test func trainFallingWhileValidationRisesForKEvaluationsIsOverfitting() {
        let overfit: [(train: Double, validation: Double)] = [(1.0, 0.9), (0.8, 0.7), (0.6, 0.72), (0.4, 0.75), (0.3, 0.8)]
        #expect(Advisor.isOverfitting(overfit, patience: 3))
        #expect(!Advisor.isOverfitting(Array(overfit.prefix(4)), patience: 3), "only two evaluations of rising validation loss")
        let healthy: [(train: Double, validation: Double)] = [(1.0, 0.9), (0.8, 0.7), (0.6, 0.6), (0.5, 0.55), (0.4, 0.5)]
        #expect(!Advisor.isOverfitting(healthy, patience: 3))
        let stalled: [(train: Double, validation: Double)] = [(1.0, 0.9), (0.8, 0.5), (0.6, 0.5), (0.5, 0.5), (0.4, 0.5)]
        #expect(Advisor.isOverfitting(stalled, patience: 3), "a stalled validation loss counts")
        var advisor = Advisor(overfittingPatience: 3)
        #expect(advisor.observeEvaluation(50, history: overfit).map(\.kind) == [.overfitting])
    }

    @Test func risingOrNonFiniteLossIsDiverging() {
        let falling = (0..<30).map { Float(2.0 * pow(0.95, Double($0))) }
        #expect(!Advisor.isDiverging(falling, window: 5, ratio: 1.5))
        let noisy = (0..<30).map { Float(1.0 + ($0 % 2 == 0 ? 0.2 : -0.2)) }
        #expect(!Advisor.isDiverging(noisy, window: 5, ratio: 1.5))
        let converged = falling.prefix(20) + (0..<20).map { Float($0 < 10 ? 0.002 : 0.004) }
        #expect(!Advisor.isDiverging(Array(converged), window: 5, ratio: 1.5), "a near-zero loss wobbling is not diverging")
        let blowingUp = falling.prefix(15) + (0..<10).map { Float(1.0 * pow(1.5, Double($0))) }
        #expect(Advisor.isDiverging(Array(blowingUp), window: 5, ratio: 1.5))
        #expect(Advisor.isDiverging([1, 0.9, .nan], window: 5, ratio: 1.5))
        var advisor = Advisor()
        #expect(advisor.observeStep(24, gradientNorm: 1, clipping: false, losses: Array(blowingUp)).map(\.kind) == [.diverging])
    }
}
