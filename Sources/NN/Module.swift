import Tensors

/// A layer or a model: named parameters, buffers and children, train/eval mode, a PyTorch-named state dict.
///
/// Stored properties are discovered by reflection, in declaration order, so a property's name *is* its
/// PyTorch state-dict name: a `Tensor` property is a parameter, a `Buffer` a buffer, a `Module`, an optional
/// `Module` or a `[Module]` a child (arrays are numbered `name.0`, `name.1`, …, as `nn.ModuleList`).
/// Where torchvision uses snake_case (`running_mean`, `layer_scale`), so does the property.
open class Module {
    public private(set) var isTraining = true
    /// Called with the output of every forward pass; what it returns replaces the output. The CAM engines
    /// capture activations here, and cut the graph so gradients stop at the layer.
    public var forwardHook: ((Tensor) -> Tensor)?

    public init() {}

    /// The computation. Subclasses override this; callers use `module(x)` so hooks run.
    open func forward(_ x: Tensor) -> Tensor { fatalError("\(type(of: self)) does not implement forward") }

    /// Called instead of `forward` when set: gradient checkpointing (Checkpointing.swift) runs `forward` without
    /// a tape, and again during backward.
    public var forwardRunner: ((Tensor) -> Tensor)?

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let y = forwardRunner?(x) ?? forward(x)
        return forwardHook?(y) ?? y
    }

    // MARK: Structure

    /// Direct children with their names.
    open var namedChildren: [(String, Module)] {
        storedProperties.flatMap { child -> [(String, Module)] in
            guard let label = child.label, !label.hasPrefix("_") else { return [] }
            switch child.value {
            case let m as Module: return [(label, m)]
            case let list as [Module]: return list.enumerated().map { ("\(label).\($0.offset)", $0.element) }
            default: return []
            }
        }
    }

    /// This module's own parameters (not its children's).
    open var ownParameters: [(String, Tensor)] {
        storedProperties.compactMap { child in
            guard let label = child.label, !label.hasPrefix("_"), let t = child.value as? Tensor else { return nil }
            return (label, t)
        }
    }

    /// This module's own buffers.
    open var ownBuffers: [(String, Buffer)] {
        storedProperties.compactMap { child in
            guard let label = child.label, !label.hasPrefix("_"), let b = child.value as? Buffer else { return nil }
            return (label, b)
        }
    }

    /// Stored properties in declaration order, a superclass's before its subclass's (LayerNorm2d inherits its
    /// parameters from LayerNorm).
    private var storedProperties: [Mirror.Child] {
        var mirrors: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let m = mirror { mirrors.append(m); mirror = m.superclassMirror }
        return mirrors.reversed().flatMap { Array($0.children) }
    }

    /// Every module in the tree with its dotted path ("" for self), parents before children.
    public var namedModules: [(String, Module)] {
        [("", self)] + namedChildren.flatMap { name, child in
            child.namedModules.map { ($0.0.isEmpty ? name : "\(name).\($0.0)", $0.1) }
        }
    }

    public var namedParameters: [(String, Tensor)] {
        namedModules.flatMap { path, m in m.ownParameters.map { (path.isEmpty ? $0.0 : "\(path).\($0.0)", $0.1) } }
    }

    public var namedBuffers: [(String, Buffer)] {
        namedModules.flatMap { path, m in m.ownBuffers.map { (path.isEmpty ? $0.0 : "\(path).\($0.0)", $0.1) } }
    }

    public var parameters: [Tensor] { namedParameters.map(\.1) }

    /// The module at a dotted path such as `layer4` or `layer4.1.conv2`.
    public func module(at path: String) -> Module? {
        path.isEmpty ? self : namedModules.first { $0.0 == path }?.1
    }

    // MARK: Mode

    public func train(_ on: Bool = true) { for (_, m) in namedModules { m.isTraining = on } }
    public func eval() { train(false) }

    /// Stops (or restarts) gradients for every parameter under this module, e.g. a frozen backbone.
    public func freeze(_ frozen: Bool = true) { for p in parameters { p.requiresGrad = !frozen } }
}

/// A tensor that belongs to a module's state but is not trained: BatchNorm's running statistics.
/// `isInteger` marks counters (`num_batches_tracked`) that PyTorch stores as int64.
public final class Buffer {
    public let tensor: Tensor
    public let isInteger: Bool
    public init(_ tensor: Tensor, isInteger: Bool = false) { self.tensor = tensor; self.isInteger = isInteger }
}

/// Runs the modules in order; children are named "0", "1", … as in `nn.Sequential`.
public final class Sequential: Module {
    public let layers: [Module]
    public init(_ layers: [Module]) { self.layers = layers }
    public convenience init(_ layers: Module...) { self.init(layers) }
    override public var namedChildren: [(String, Module)] { layers.enumerated().map { ("\($0.offset)", $0.element) } }
    override public func forward(_ x: Tensor) -> Tensor { layers.reduce(x) { $1($0) } }
}
