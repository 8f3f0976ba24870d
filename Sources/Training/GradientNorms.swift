import NN
import Tensors

/// Gradient L2 norms per layer (a module path that owns parameters, e.g. `0.0` or `layer1.0.conv1`) and over
/// the whole model, read after backward and before clipping.
public struct GradientNorms: Sendable, Equatable {
    public var layers: [(name: String, norm: Double)]
    public var total: Double

    public static func == (a: GradientNorms, b: GradientNorms) -> Bool {
        a.total == b.total && a.layers.map(\.name) == b.layers.map(\.name) && a.layers.map(\.norm) == b.layers.map(\.norm)
    }

    /// Layers appear in module order; a layer whose parameters have no gradient (frozen) is left out.
    public static func measure(_ model: Module) -> GradientNorms {
        var layers: [(String, Double)] = [], totalSquares = 0.0
        for (path, module) in model.namedModules {
            var squares = 0.0, any = false
            for (_, p) in module.ownParameters {
                guard let g = p.grad else { continue }
                any = true
                squares += g.sumOfSquares()
            }
            guard any else { continue }
            layers.append((path.isEmpty ? "(root)" : path, squares.squareRoot()))
            totalSquares += squares
        }
        return GradientNorms(layers: layers, total: totalSquares.squareRoot())
    }

    /// The first layer holding a NaN or infinite gradient, in module order.
    public static func firstNonFiniteLayer(_ model: Module) -> String? {
        for (path, module) in model.namedModules {
            for (_, p) in module.ownParameters {
                guard let g = p.grad else { continue }
                if !g.isFinite { return path.isEmpty ? "(root)" : path }
            }
        }
        return nil
    }
}

/// torch.nn.utils.clip_grad_norm_: when the total norm exceeds `maxNorm`, every gradient is scaled by
/// maxNorm / (total + 1e-6). Returns the scale applied (1 when nothing was clipped).
@discardableResult
public func clipGradients(of model: Module, maxNorm: Double, totalNorm: Double) -> Float {
    let coefficient = Float(maxNorm / (totalNorm + 1e-6))
    guard coefficient < 1 else { return 1 }
    for p in model.parameters {
        guard let g = p.grad else { continue }
        g.scale(by: coefficient)
    }
    return coefficient
}
