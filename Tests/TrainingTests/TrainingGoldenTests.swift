import Foundation
import Tensors
import Testing
import TestSupport
import Training

/// Schedules and optimizer steps against PyTorch (goldens from scripts/goldens/training.py).
@Suite struct TrainingGoldenTests {
    struct Goldens: Decodable {
        struct Schedule: Decodable, CustomTestStringConvertible, Sendable {
            let name: String, steps: Int, lr: [Double], momentum: [Double], params: [String: Param]
            var testDescription: String { name }
        }
        struct Run: Decodable, CustomTestStringConvertible, Sendable {
            let name: String, params: [String: Param], initial: [[Float]], grads: [[[Float]]], after: [[[Float]]]
            var testDescription: String { name }
        }
        let schedules: [Schedule]
        let optimizers: [Run]
    }
    enum Param: Decodable, Sendable {
        case number(Double), text(String), flag(Bool)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .flag(b) }
            else if let d = try? c.decode(Double.self) { self = .number(d) }
            else { self = .text(try c.decode(String.self)) }
        }
        var number: Double { if case .number(let d) = self { return d }; return .nan }
        var text: String { if case .text(let t) = self { return t }; return "" }
        var flag: Bool { if case .flag(let b) = self { return b }; return false }
    }

    static let goldens = try! JSONDecoder().decode(Goldens.self, from: Data(contentsOf: fixturesRoot.appendingPathComponent("training/goldens.json")))

    static func schedule(_ s: Goldens.Schedule) -> any LearningRateSchedule {
        let p = s.params
        switch p["kind"]!.text {
        case "onecycle":
            var o = OneCycle(maxRate: p["max_lr"]!.number, totalSteps: Int(p["total_steps"]!.number))
            if let v = p["pct_start"] { o.pctStart = v.number }
            if let v = p["anneal"] { o.anneal = OneCycle.Anneal(rawValue: v.text)! }
            if let v = p["div_factor"] { o.divFactor = v.number }
            if let v = p["final_div_factor"] { o.finalDivFactor = v.number }
            return o
        case "step":
            return StepDecay(rate: p["lr"]!.number, stepSize: Int(p["step_size"]!.number), gamma: p["gamma"]!.number)
        default:
            var w = WarmupCosine(rate: p["lr"]!.number, warmupSteps: Int(p["warmup_steps"]!.number), totalSteps: Int(p["total_steps"]!.number))
            w.startFactor = p["start_factor"]!.number
            w.minRate = p["min_lr"]!.number
            return w
        }
    }

    @Test(arguments: goldens.schedules)
    func ratesEqualPyTorch(_ golden: Goldens.Schedule) {
        let s = Self.schedule(golden)
        for step in 0..<golden.steps {
            #expect(abs(s.rate(at: step) - golden.lr[step]) <= 1e-7, "\(golden.name) step \(step)")
            if let m = s.momentum(at: step) { #expect(abs(m - golden.momentum[step]) <= 1e-7, "\(golden.name) momentum \(step)") }
        }
    }

    @Test(arguments: goldens.optimizers)
    func stepsEqualPyTorch(_ golden: Goldens.Run) {
        let p = golden.params
        let w = Tensor(shape: [3, 4], golden.initial[0]), b = Tensor(shape: [4], golden.initial[1])
        w.requiresGrad = true; b.requiresGrad = true
        let rate = Float(p["lr"]!.number)
        let groups = [ParameterGroup([w], rate: rate, weightDecay: Float(p["weight_decay"]!.number)), ParameterGroup([b], rate: rate)]
        let optimizer: any Optimizer = p["kind"]!.text == "adamw"
            ? AdamW(groups, beta1: p["beta1"]!.number, beta2: p["beta2"]!.number, eps: p["eps"]!.number)
            : SGD(groups, momentum: Float(p["momentum"]!.number), nesterov: p["nesterov"]?.flag ?? false)
        for (step, grads) in golden.grads.enumerated() {
            w.grad = Tensor(shape: [3, 4], grads[0]); b.grad = Tensor(shape: [4], grads[1])
            optimizer.step()
            for (t, expected) in zip([w, b], golden.after[step]) {
                let worst = zip(t.scalars, expected).map { abs($0 - $1) / max(abs($1), 1e-3) }.max()!
                #expect(worst <= 1e-5, "\(golden.name) step \(step): relative error \(worst)")
            }
        }
    }
}
