import Foundation
import Tensors

/// Loading and saving a module's state (parameters and buffers) under PyTorch's names.
extension Module {
    /// Every parameter and buffer by dotted name, in PyTorch's order (a module's own entries, then its children's).
    public var stateDict: [(name: String, tensor: Tensor, isInteger: Bool)] {
        namedModules.flatMap { path, m in
            let prefix = path.isEmpty ? "" : path + "."
            return m.ownParameters.map { (prefix + $0.0, $0.1, false) } + m.ownBuffers.map { (prefix + $0.0, $0.1.tensor, $0.1.isInteger) }
        }
    }

    /// Copies values from `tensors` into this module. Strict loading requires the same keys and shapes;
    /// non-strict loading skips missing keys and `skipping` names (a new classifier head for fine-tuning),
    /// but a shape mismatch on a loaded key is always an error.
    /// Returns the names that were not loaded.
    @discardableResult
    public func load(_ tensors: [String: Tensor], strict: Bool = true, skipping: Set<String> = [], source: String) throws -> [String] {
        let own = stateDict
        let ownNames = Set(own.map(\.name))
        if strict, let unexpected = tensors.keys.filter({ !ownNames.contains($0) && !skipping.contains($0) }).sorted().first {
            throw Safetensors.Failure(description: "\(source): unexpected key '\(unexpected)' (not in \(type(of: self)))")
        }
        var missing: [String] = []
        for entry in own {
            guard !skipping.contains(entry.name), let value = tensors[entry.name] else {
                if strict && !skipping.contains(entry.name) {
                    throw Safetensors.Failure(description: "\(source): missing key '\(entry.name)'")
                }
                missing.append(entry.name)
                continue
            }
            guard value.shape == entry.tensor.shape else {
                throw Safetensors.Failure(description: "\(source): '\(entry.name)' has shape \(value.shape), expected \(entry.tensor.shape)")
            }
            entry.tensor.data.update(from: value.data, count: value.count)
            entry.tensor.storage.markMutated()
        }
        return missing
    }

    /// Loads a safetensors file (as written by `safetensors.torch.save_file(model.state_dict())`).
    @discardableResult
    public func load(contentsOf url: URL, strict: Bool = true, skipping: Set<String> = []) throws -> [String] {
        let file = try Safetensors.read(url)
        return try load(file.tensors.mapValues(\.tensor), strict: strict, skipping: skipping, source: url.path)
    }

    /// Saves the state dict as safetensors that `safetensors.torch.load_file` and `load_state_dict` accept.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try Safetensors.write(stateDict.map { ($0.name, $0.tensor, $0.isInteger ? .I64 : .F32) }, metadata: metadata, to: url)
    }
}
