import NN
import Tensors

/// Parameters that share hyper-parameters (PyTorch's param_groups).
public final class ParameterGroup {
    public let parameters: [Tensor]
    public var rate: Float
    public var weightDecay: Float

    public init(_ parameters: [Tensor], rate: Float, weightDecay: Float = 0) {
        self.parameters = parameters; self.rate = rate; self.weightDecay = weightDecay
    }

    /// The usual split: weight decay on convolution and linear weights, none on norms and biases (1-D tensors).
    public static func standard(_ model: Module, rate: Float, weightDecay: Float) -> [ParameterGroup] {
        let params = model.parameters
        return [ParameterGroup(params.filter { $0.rank > 1 }, rate: rate, weightDecay: weightDecay),
                ParameterGroup(params.filter { $0.rank <= 1 }, rate: rate, weightDecay: 0)]
    }
}

/// One update rule over parameter groups; parameters without a gradient (frozen) are skipped.
public protocol Optimizer: AnyObject {
    var groups: [ParameterGroup] { get }
    func step()
}

extension Optimizer {
    public func zeroGrad() { for g in groups { for p in g.parameters { p.grad = nil } } }
    /// Sets every group's rate (a schedule drives this).
    public func setRate(_ rate: Double) { for g in groups { g.rate = Float(rate) } }
}

/// torch.optim.SGD: L2 weight decay added to the gradient, momentum buffer, optional Nesterov.
public final class SGD: Optimizer {
    public let groups: [ParameterGroup]
    public var momentum: Float
    public let nesterov: Bool
    var buffers: [ObjectIdentifier: Tensor] = [:]

    public init(_ groups: [ParameterGroup], momentum: Float = 0, nesterov: Bool = false) {
        self.groups = groups; self.momentum = momentum; self.nesterov = nesterov
    }

    public func step() {
        for group in groups {
            for p in group.parameters {
                guard let g = p.grad else { continue }
                let n = p.count, x = p.data, d = g.data, wd = group.weightDecay, lr = group.rate, mu = momentum
                var buffer: UnsafeMutablePointer<Float>?
                if mu != 0 {
                    if let b = buffers[ObjectIdentifier(p)] { buffer = b.data } else {
                        let b = Tensor(zeros: p.shape); buffers[ObjectIdentifier(p)] = b; buffer = b.data
                        for i in 0..<n { b.data[i] = d[i] + wd * x[i] }  // the first step starts the buffer at d_p
                        for i in 0..<n { x[i] -= lr * (nesterov ? (d[i] + wd * x[i]) + mu * b.data[i] : b.data[i]) }
                        p.storage.markMutated()
                        continue
                    }
                }
                for i in 0..<n {
                    var dp = d[i] + wd * x[i]
                    if let buf = buffer {
                        buf[i] = mu * buf[i] + dp
                        dp = nesterov ? dp + mu * buf[i] : buf[i]
                    }
                    x[i] -= lr * dp
                }
                p.storage.markMutated()
            }
        }
    }
}

/// torch.optim.AdamW: decoupled weight decay, bias-corrected first and second moments.
public final class AdamW: Optimizer {
    public let groups: [ParameterGroup]
    public var beta1: Double, beta2: Double, eps: Double
    var moments: [ObjectIdentifier: (m: Tensor, v: Tensor)] = [:]
    public internal(set) var steps = 0  // restored from a checkpoint

    public init(_ groups: [ParameterGroup], beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8) {
        self.groups = groups; self.beta1 = beta1; self.beta2 = beta2; self.eps = eps
    }

    public func step() {
        steps += 1
        let correction1 = 1 - beta1.power(steps), correction2 = Float((1 - beta2.power(steps)).squareRoot())
        let (b1, b2, eps) = (Float(beta1), Float(beta2), Float(eps))
        for group in groups {
            let stepSize = Float(Double(group.rate) / correction1), decay = 1 - group.rate * group.weightDecay
            for p in group.parameters {
                guard let g = p.grad else { continue }
                let state = moments[ObjectIdentifier(p)] ?? (Tensor(zeros: p.shape), Tensor(zeros: p.shape))
                moments[ObjectIdentifier(p)] = state
                adamWUpdate(p, gradient: g, m: state.m, v: state.v, decay: decay, beta1: b1, beta2: b2,
                            stepSize: stepSize, correction2: correction2, eps: eps)
            }
        }
    }
}

extension Double {
    func power(_ n: Int) -> Double { (0..<n).reduce(1) { acc, _ in acc * self } }
}
