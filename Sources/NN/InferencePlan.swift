import Tensors

/// A model's eval-mode forward without gradients, compiled into one fused oneDNN graph (`InferenceGraph`): batch
/// norm folded into the convolutions, ReLU and residual adds as their post-ops, activations in oneDNN's blocked
/// layout from the stem to the last pooling. The layers after the graph (flatten, dropout, the classifier) run
/// as modules. Gives `withoutGrad { model(x) }`'s outputs within float round-off.
///
/// It runs the ordinary forward instead whenever the fused graph would not be the same computation or cannot be
/// built: architectures or layers it does not know (ConvNeXt, the dense heads), a module in training mode or
/// with a hook or runner, the im2col backend or bf16 convolutions, shapes oneDNN has no kernel for. Weights are
/// folded as they are at compile time; when a parameter's or buffer's storage changes version, the next call
/// compiles again.
public final class InferencePlan {
    public let model: Module
    private let modules: [Module]
    private var compiled: Compiled?
    /// Set once lowering failed: the model's structure does not change, so neither would the answer.
    private var unsupported = false

    private struct Compiled {
        let graph: CompiledInferenceGraph
        let tail: [Module]
        let sources: [(storage: Storage, version: Int)]
        var isCurrent: Bool { sources.allSatisfy { $0.storage.version == $0.version } }
    }

    public init(_ model: Module) {
        self.model = model
        modules = model.namedModules.map(\.1)
    }

    /// Whether the model's structure lowers to a fused graph (compiling it now if needed).
    public var isFused: Bool { graph() != nil }

    /// oneDNN instances the current graph has built, one per input shape unless evicted (kept: the 4 most
    /// recently used).
    public var instancesBuilt: Int { compiled?.graph.instancesBuilt ?? 0 }

    /// Whether the last call ran the fused graph (a shape oneDNN refuses falls back to the ordinary forward).
    public private(set) var lastRunFused = false

    public func callAsFunction(_ x: Tensor) -> Tensor {
        withoutGrad {
            if canFuse, let compiled = graph(), let y = compiled.graph.run(x) {
                lastRunFused = true
                return compiled.tail.reduce(y) { $1($0) }
            }
            lastRunFused = false
            return model(x)
        }
    }

    /// Eval mode everywhere, nothing intercepting a forward, and the arithmetic the graph implements.
    private var canFuse: Bool {
        ConvolutionBackend.current == .oneDNN && (ConvolutionPrecision.current == .fp32 || !ConvolutionPrecision.bf16IsNative)
            && modules.allSatisfy { !$0.isTraining && $0.forwardHook == nil && $0.forwardRunner == nil }
    }

    private func graph() -> Compiled? {
        if let compiled, compiled.isCurrent { return compiled }
        compiled = nil
        guard !unsupported else { return nil }
        var lowering = Lowering()
        guard let tail = lowering.lowerModel(model), let graph = lowering.graph.compiled() else {
            unsupported = true
            return nil
        }
        compiled = Compiled(graph: graph, tail: tail, sources: lowering.sources.map { ($0, $0.version) })
        return compiled
    }
}

/// Module → graph ops, mirroring each module's eval-mode forward.
private struct Lowering {
    var graph = InferenceGraph()
    /// Storages whose values were copied into the graph.
    var sources: [Storage] = []

    /// Lowers the longest prefix the graph can take; returns the modules left to run after it.
    mutating func lowerModel(_ model: Module) -> [Module]? {
        switch model {
        case let net as ResNet:
            let features: [Module] = net.stem + net.layers + [net.avgpool]
            guard let fc = net.fc, features.reduce(graph.input as InferenceGraph.Value?, { x, m in x.flatMap { lower(m, $0) } }) != nil
            else { return nil }
            return [Function.flatten()] + (net.dropout.map { [$0] } ?? []) + [fc]
        case let sequence as Sequential:
            var x = graph.input, taken = 0
            for layer in sequence.layers {
                var trial = self
                guard let y = trial.lower(layer, x) else { break }
                self = trial
                x = y
                taken += 1
            }
            return taken == 0 ? nil : Array(sequence.layers[taken...])
        default:
            return lower(model, graph.input) == nil ? nil : []
        }
    }

    mutating func lower(_ m: Module, _ x: InferenceGraph.Value) -> InferenceGraph.Value? {
        switch m {
        case let conv as Conv2d:
            sources += [conv.weight.storage] + (conv.bias.map { [$0.storage] } ?? [])
            return graph.convolution(x, weight: conv.weight, bias: conv.bias, window: conv.window, groups: conv.groups)
        case let bn as BatchNorm2d:
            sources += [bn.weight.storage, bn.bias.storage, bn.running_mean.tensor.storage, bn.running_var.tensor.storage]
            return graph.batchNorm(x, weight: bn.weight, bias: bn.bias, runningMean: bn.running_mean.tensor,
                                   runningVar: bn.running_var.tensor, eps: bn.eps)
        case let f as Function:
            switch f.kind {
            case .relu: return graph.relu(x)
            case .identity: return x
            case .maxPool(let k, let s, let p):
                return graph.maxPool(x, window: Window(kernel: (k, k), stride: (s, s), padding: (p, p)))
            case .globalAvgPool: return graph.globalAvgPool(x)
            default: return nil
            }
        case is Dropout, is StochasticDepth, is DropBlock2d:
            return x  // identities in eval mode, the only mode the plan runs in
        case let sequence as Sequential:
            return sequence.layers.reduce(x) { y, layer in y.flatMap { lower(layer, $0) } }
        case let block as BasicBlock:
            return residual(x, block.downsample, [block.conv1, block.bn1, block.relu, block.conv2, block.bn2], block.relu)
        case let block as Bottleneck:
            return residual(x, block.downsample,
                            [block.conv1, block.bn1, block.relu, block.conv2, block.bn2, block.relu, block.conv3, block.bn3], block.relu)
        default:
            return nil
        }
    }

    /// relu(branch(x) + (downsample(x) or x)). The shortcut goes first so that the branch's last convolution
    /// takes the add (and the ReLU) as post-ops.
    private mutating func residual(_ x: InferenceGraph.Value, _ downsample: Sequential?, _ branch: [Module],
                                   _ relu: Module) -> InferenceGraph.Value? {
        guard let identity = downsample.map({ lower($0, x) }) ?? x else { return nil }
        guard let out = branch.reduce(x as InferenceGraph.Value?, { y, m in y.flatMap { lower(m, $0) } }),
              let sum = graph.add(out, identity) else { return nil }
        return lower(relu, sum)
    }
}
