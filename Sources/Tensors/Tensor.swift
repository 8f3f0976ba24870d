/// A Float32 tensor, contiguous and row-major (NCHW for images), that records how it was made so that
/// gradients can flow back to it.
public final class Tensor {
    public let shape: [Int]
    public let storage: Storage
    /// Leaves with `requiresGrad` collect gradients; outputs of ops inherit it from their inputs.
    public var requiresGrad: Bool
    /// The accumulated gradient, for leaves and for tensors that called `retainGrad()`.
    public var grad: Tensor?
    var origin: Origin?
    var retainsGrad = false

    /// The op that produced a tensor: its inputs and the vector-Jacobian product back to each of them.
    struct Origin {
        let inputs: [Tensor]
        let backward: (Tensor) -> [Tensor?]
    }

    public init(shape: [Int], storage: Storage, requiresGrad: Bool = false) {
        precondition(storage.count == elementCount(shape), "storage of \(storage.count) for shape \(shape)")
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    public convenience init(shape: [Int], _ values: [Float], requiresGrad: Bool = false) {
        precondition(values.count == elementCount(shape), "\(values.count) values for shape \(shape)")
        let s = Storage(uninitializedCount: values.count)
        values.withUnsafeBufferPointer { s.base.update(from: $0.baseAddress!, count: values.count) }
        self.init(shape: shape, storage: s, requiresGrad: requiresGrad)
    }

    public convenience init(zeros shape: [Int], requiresGrad: Bool = false) {
        self.init(shape: shape, storage: Storage(count: elementCount(shape)), requiresGrad: requiresGrad)
    }

    public convenience init(repeating value: Float, shape: [Int]) {
        let s = Storage(uninitializedCount: elementCount(shape))
        s.base.initialize(repeating: value, count: s.count)
        self.init(shape: shape, storage: s)
    }

    public convenience init(scalar: Float) { self.init(shape: [], [scalar]) }

    /// An uninitialised tensor that an op fills completely.
    public static func empty(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, storage: Storage(uninitializedCount: elementCount(shape)))
    }

    public var count: Int { storage.count }
    public var rank: Int { shape.count }
    public var data: UnsafeMutablePointer<Float> { storage.base }
    public var scalars: [Float] { Array(storage.buffer) }
    public var item: Float { precondition(count == 1, "item of a tensor with \(count) elements"); return data[0] }
    public subscript(flat i: Int) -> Float { data[i] }

    /// A tensor sharing this one's values, cut off from the graph.
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

    /// A deep copy of the values, cut off from the graph.
    public func copy() -> Tensor {
        let out = Tensor.empty(shape)
        out.data.update(from: data, count: count)
        return out
    }

    /// Keeps this intermediate tensor's gradient after `backward()` (the CAM engines read a layer's gradient).
    public func retainGrad() { retainsGrad = true }
}

// MARK: - Gradient mode

public enum GradMode {
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` recording nothing for autograd: inference, and every backward pass.
public func withoutGrad<T>(_ body: () throws -> T) rethrows -> T {
    try GradMode.$isEnabled.withValue(false, operation: body)
}

extension Tensor {
    /// Wraps an op's result: when gradients are on and some input needs one, remembers the inputs and the
    /// vector-Jacobian product; otherwise records nothing.
    static func result(_ out: Tensor, _ inputs: [Tensor], _ backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return out }
        out.requiresGrad = true
        out.origin = Origin(inputs: inputs, backward: backward)
        return out
    }

    /// Records `out` as computed from `inputs` with a caller-supplied vector-Jacobian product, under the same rules
    /// as the built-in ops (nothing is recorded without gradients or without an input that needs one). Gradient
    /// checkpointing uses it to recompute a block inside its backward.
    public static func recorded(_ out: Tensor, from inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        result(out, inputs, backward)
    }

    /// Reverse-mode differentiation from this tensor. A non-scalar needs an explicit upstream gradient.
    /// Gradients accumulate into `grad` of leaves (and of tensors that called `retainGrad`), so several
    /// backward passes before an optimizer step accumulate as in PyTorch. The graph is freed afterwards.
    public func backward(_ upstream: Tensor? = nil) {
        precondition(requiresGrad, "backward() on a tensor that does not require grad")
        let seed = upstream ?? {
            precondition(count == 1, "backward() of a tensor with \(count) elements needs an upstream gradient")
            return Tensor(repeating: 1, shape: shape)
        }()
        precondition(seed.shape == shape, "upstream gradient \(seed.shape) for tensor \(shape)")

        // Topological order by iterative depth-first search (ResNet-50 graphs are deep).
        var order: [Tensor] = []
        var seen = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (t, expanded) = stack.popLast() {
            if expanded { order.append(t); continue }
            guard seen.insert(ObjectIdentifier(t)).inserted else { continue }
            stack.append((t, true))
            for input in t.origin?.inputs ?? [] where input.requiresGrad && !seen.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }

        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
        withoutGrad {
            for t in order.reversed() {
                guard let g = pending.removeValue(forKey: ObjectIdentifier(t)) else { continue }
                if t.origin == nil || t.retainsGrad { t.accumulate(g) }
                guard let origin = t.origin else { continue }
                let grads = origin.backward(g)
                for (input, gi) in Swift.zip(origin.inputs, grads) where input.requiresGrad {
                    guard let gi else { continue }
                    let key = ObjectIdentifier(input)
                    if let prior = pending[key] { pending[key] = prior + gi } else { pending[key] = gi }
                }
                t.origin = nil
            }
        }
    }

    private func accumulate(_ g: Tensor) {
        if let grad { grad.addInPlace(g) } else { grad = Tensor(shape: shape, storage: g.copy().storage) }  // own copy: g may be shared
    }

    /// Adds `other` (same element count) into this tensor's storage.
    public func addInPlace(_ other: Tensor, scale: Float = 1) {
        precondition(count == other.count, "in-place add of \(other.shape) into \(shape)")
        let a = data, b = other.data
        for i in 0..<count { a[i] += scale * b[i] }
        storage.markMutated()
    }

    public func zeroGrad() { grad = nil }
}
