import Foundation
import NN
import Tensors

/// An optimizer's per-parameter state by parameter name, under PyTorch's state keys
/// (`<param>.momentum_buffer`, `<param>.exp_avg`, `<param>.exp_avg_sq`), plus scalar counters as metadata.
public struct OptimizerState {
    public var tensors: [(name: String, tensor: Tensor)]
    public var metadata: [String: String]

    public func save(to url: URL) throws {
        try Safetensors.write(tensors.map { ($0.name, $0.tensor, .F32) }, metadata: metadata, to: url)
    }

    public static func load(from url: URL) throws -> OptimizerState {
        let file = try Safetensors.read(url)
        return OptimizerState(tensors: file.tensors.keys.sorted().map { ($0, file.tensors[$0]!.tensor) }, metadata: file.metadata)
    }
}

/// A failure to restore optimizer state that does not match the model.
public struct OptimizerStateError: Error, CustomStringConvertible {
    public let description: String
}

extension Optimizer {
    /// The state of every parameter that has some, named as in `model`'s state dict.
    public func state(names model: Module) -> OptimizerState {
        let named = model.namedParameters
        switch self {
        case let sgd as SGD:
            let tensors = named.compactMap { name, p in sgd.buffers[ObjectIdentifier(p)].map { ("\(name).momentum_buffer", $0) } }
            return OptimizerState(tensors: tensors, metadata: ["optimizer": "sgd"])
        case let adam as AdamW:
            let tensors = named.flatMap { name, p -> [(String, Tensor)] in
                guard let s = adam.moments[ObjectIdentifier(p)] else { return [] }
                return [("\(name).exp_avg", s.m), ("\(name).exp_avg_sq", s.v)]
            }
            return OptimizerState(tensors: tensors, metadata: ["optimizer": "adamw", "step": String(adam.steps)])
        default:
            return OptimizerState(tensors: [], metadata: [:])
        }
    }

    /// Restores state saved by `state(names:)` for the same model; unknown names or shapes are an error.
    public func restore(_ state: OptimizerState, names model: Module, source: String) throws {
        let byName = Dictionary(uniqueKeysWithValues: model.namedParameters)
        func parameter(_ key: String, suffix: String) throws -> Tensor {
            guard key.hasSuffix(suffix), let p = byName[String(key.dropLast(suffix.count))] else {
                throw OptimizerStateError(description: "\(source): '\(key)' names no parameter of the model")
            }
            return p
        }
        func copy(_ t: Tensor, shapedAs p: Tensor, key: String) throws -> Tensor {
            guard t.shape == p.shape else { throw OptimizerStateError(description: "\(source): '\(key)' has shape \(t.shape), expected \(p.shape)") }
            return t.copy()
        }
        switch self {
        case let sgd as SGD:
            guard state.metadata["optimizer"] == "sgd" else { throw OptimizerStateError(description: "\(source): not SGD state") }
            sgd.buffers = [:]
            for (key, t) in state.tensors {
                let p = try parameter(key, suffix: ".momentum_buffer")
                sgd.buffers[ObjectIdentifier(p)] = try copy(t, shapedAs: p, key: key)
            }
        case let adam as AdamW:
            guard state.metadata["optimizer"] == "adamw", let steps = state.metadata["step"].flatMap(Int.init) else {
                throw OptimizerStateError(description: "\(source): not AdamW state")
            }
            adam.moments = [:]
            adam.steps = steps
            var m: [ObjectIdentifier: Tensor] = [:], v: [ObjectIdentifier: Tensor] = [:]
            for (key, t) in state.tensors {
                if key.hasSuffix(".exp_avg") {
                    let p = try parameter(key, suffix: ".exp_avg"); m[ObjectIdentifier(p)] = try copy(t, shapedAs: p, key: key)
                } else {
                    let p = try parameter(key, suffix: ".exp_avg_sq"); v[ObjectIdentifier(p)] = try copy(t, shapedAs: p, key: key)
                }
            }
            for (id, first) in m {
                guard let second = v[id] else { throw OptimizerStateError(description: "\(source): exp_avg without exp_avg_sq") }
                adam.moments[id] = (first, second)
            }
        default:
            break
        }
    }
}
