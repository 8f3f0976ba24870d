import CDNNL
import Foundation

/// A frozen network for inference without gradients, as a chain of oneDNN primitives whose activations stay in
/// oneDNN's blocked layout (nChw16c on AVX-512, nChw8c on AVX2) from the input to the output. Built op by op, it
/// fuses as it goes: batch norm folds into the preceding convolution's weights and bias, and a ReLU or a residual add that follows a
/// convolution becomes its post-op ('eltwise', 'sum'). What it cannot fuse it refuses (nil), and the caller keeps
/// its ordinary forward. Weights are copied at build time: rebuild after they change.
///
/// Compared with the op-by-op forward this removes the NCHW ↔ blocked reorders around every convolution and the
/// separate passes over memory for batch norm, ReLU and the add (issue #6: Score-CAM's masked forwards).
public struct InferenceGraph {
    /// An activation of the graph; `input` is the graph's NCHW input.
    public struct Value: Hashable, Sendable { fileprivate let id: Int }

    public let input = Value(id: 0)
    /// Fixed by the first convolution that reads the input.
    public private(set) var inputChannels: Int?

    struct Convolution {
        let input: Value
        var weight: [Float]  // [O, C/groups, kh, kw], batch norm folded in
        var bias: [Float]?
        let weightShape: [Int]
        let window: Window
        let groups: Int
        var residual: Value?
        var relu = false
    }

    enum Node {
        case convolution(Convolution)
        /// Max pooling over `window`, or global average pooling when `window` is nil.
        case pooling(input: Value, window: Window?)

        var inputs: [Value] {
            switch self {
            case .convolution(let c): [c.input] + (c.residual.map { [$0] } ?? [])
            case .pooling(let input, _): [input]
            }
        }
    }

    private(set) var nodes: [Node] = []
    /// The value each node currently outputs (a fused op gives its node a new value, so the old one is stale).
    private var outputs: [Int] = []
    private var producers: [Int: Int] = [:]
    private var channels: [Int: Int] = [:]
    private var nextID = 1

    public init() {}

    /// The graph's output: the last node's value.
    public var output: Value? { outputs.last.map(Value.init(id:)) }

    /// A value that no later op replaced (inputs of fused ops are no longer readable).
    private func isCurrent(_ v: Value) -> Bool { v.id == 0 || producers[v.id].map { outputs[$0] == v.id } ?? false }

    private mutating func append(_ node: Node, channels count: Int) -> Value {
        let v = Value(id: nextID)
        nextID += 1
        producers[v.id] = nodes.count
        channels[v.id] = count
        nodes.append(node)
        outputs.append(v.id)
        return v
    }

    /// A new value for the last node, which absorbed an op.
    private mutating func replaceLast(_ node: Node) -> Value {
        let v = Value(id: nextID)
        nextID += 1
        producers[v.id] = nodes.count - 1
        channels[v.id] = channels[outputs[nodes.count - 1]]
        nodes[nodes.count - 1] = node
        outputs[nodes.count - 1] = v.id
        return v
    }

    /// The last node's convolution when `v` is its fresh output (nothing read it yet).
    private func freshConvolution(_ v: Value) -> Convolution? {
        guard isCurrent(v), v.id != 0, producers[v.id] == nodes.count - 1, case .convolution(let c) = nodes.last else { return nil }
        return c
    }

    // MARK: Ops

    public mutating func convolution(_ x: Value, weight: Tensor, bias: Tensor?, window: Window, groups: Int) -> Value? {
        guard isCurrent(x), weight.rank == 4, weight.shape[0] % groups == 0 else { return nil }
        if x.id == 0 && inputChannels == nil { inputChannels = weight.shape[1] * groups; channels[0] = inputChannels }
        guard channels[x.id] == weight.shape[1] * groups else { return nil }
        let node = Convolution(input: x, weight: weight.scalars, bias: bias?.scalars, weightShape: weight.shape, window: window, groups: groups)
        return append(.convolution(node), channels: weight.shape[0])
    }

    /// Eval-mode batch norm (y = x·a + b, a = γ/√(var + eps), b = β − mean·a, as `batchNorm`), folded into the
    /// convolution that produced `x`: W·a per output channel, bias·a + b.
    public mutating func batchNorm(_ x: Value, weight: Tensor?, bias: Tensor?, runningMean: Tensor, runningVar: Tensor, eps: Float) -> Value? {
        guard var c = freshConvolution(x), c.residual == nil, !c.relu, runningMean.count == channels[x.id] else { return nil }
        let perChannel = c.weight.count / c.weightShape[0]
        var folded = c.bias ?? [Float](repeating: 0, count: c.weightShape[0])
        for o in 0..<c.weightShape[0] {
            let a = (weight?.data[o] ?? 1) * (1 / (runningVar.data[o] + eps).squareRoot())
            let b = (bias?.data[o] ?? 0) - runningMean.data[o] * a
            for k in (o * perChannel)..<((o + 1) * perChannel) { c.weight[k] *= a }
            folded[o] = folded[o] * a + b
        }
        c.bias = folded
        return replaceLast(.convolution(c))
    }

    /// ReLU as the post-op of the convolution that produced `x`.
    public mutating func relu(_ x: Value) -> Value? {
        guard var c = freshConvolution(x), !c.relu else { return nil }
        c.relu = true
        return replaceLast(.convolution(c))
    }

    /// a + b, as a 'sum' post-op of whichever operand is the last convolution's fresh output.
    public mutating func add(_ a: Value, _ b: Value) -> Value? {
        let (fresh, other) = freshConvolution(a) != nil ? (a, b) : (b, a)
        guard var c = freshConvolution(fresh), c.residual == nil, !c.relu, fresh != other, isCurrent(other),
              channels[other.id] == channels[fresh.id] else { return nil }
        c.residual = other
        return replaceLast(.convolution(c))
    }

    public mutating func maxPool(_ x: Value, window: Window) -> Value? {
        guard isCurrent(x), window.dilation == (1, 1), let c = channels[x.id] else { return nil }
        return append(.pooling(input: x, window: window), channels: c)
    }

    /// Mean over height and width: [N, C, 1, 1].
    public mutating func globalAvgPool(_ x: Value) -> Value? {
        guard isCurrent(x), let c = channels[x.id] else { return nil }
        return append(.pooling(input: x, window: nil), channels: c)
    }

    /// The graph ready to run (its output is the last node's value).
    public func compiled() -> CompiledInferenceGraph? {
        nodes.isEmpty ? nil : CompiledInferenceGraph(self)
    }
}

/// An `InferenceGraph` bound to oneDNN: primitives and buffers per input shape and convolution algorithm, built
/// on first use; weights reordered to each kernel's layout once.
public final class CompiledInferenceGraph: @unchecked Sendable {
    private let graph: InferenceGraph
    private var instances: [Instance.Key: Instance] = [:]
    private var instanceOrder: [Instance.Key] = []
    /// Per convolution node, its weights in the layouts kernels asked for (shared by the instances).
    private var weights: [Int: [(desc: dnnl_memory_desc_t, memory: dnnl_memory_t)]] = [:]
    /// Shapes tried and found without a kernel.
    private var unsupported: Set<Instance.Key> = []
    private static let keptInstances = 4
    /// Instances built so far (primitives for a new shape, or for one evicted before): what the cache saves.
    public private(set) var instancesBuilt = 0

    fileprivate init(_ graph: InferenceGraph) { self.graph = graph }

    deinit {
        for memories in weights.values { for m in memories { dnnl_memory_destroy(m.memory) } }
    }

    /// The graph's output for `x` ([N, C, H, W], plain NCHW), as a plain tensor; nil when oneDNN has no kernel
    /// for some node at this shape. 3×3 stride-1 convolutions use Winograd when `ConvolutionAlgorithm.current`
    /// says so.
    public func run(_ x: Tensor) -> Tensor? {
        guard x.rank == 4, x.shape[1] == graph.inputChannels, x.shape[0] > 0 else { return nil }
        let key = Instance.Key(shape: x.shape, winograd: ConvolutionAlgorithm.current == .winograd)
        DNNLConvolution.lock.lock(); defer { DNNLConvolution.lock.unlock() }
        guard let instance = instance(key) else { return nil }
        let y = Tensor.empty(instance.outputShape)
        instance.run(x.data, y.data)
        return y
    }

    private func instance(_ key: Instance.Key) -> Instance? {
        if let found = instances[key] {
            // Least recently used goes first: Score-CAM's full batch must outlive the odd-sized last batches of each image.
            instanceOrder.removeAll { $0 == key }
            instanceOrder.append(key)
            return found
        }
        guard !unsupported.contains(key), let made = Instance.make(graph, key, weights: weight) else {
            unsupported.insert(key)
            return nil
        }
        if instanceOrder.count == Self.keptInstances { instances[instanceOrder.removeFirst()] = nil }
        instancesBuilt += 1
        instances[key] = made
        instanceOrder.append(key)
        return made
    }

    /// Node `index`'s weights in layout `desc` (reordered from the plain copy on first request).
    private func weight(_ index: Int, _ desc: dnnl_memory_desc_t, plain: [Float], shape: [Int], groups: Int) -> dnnl_memory_t {
        var desc = desc
        if let found = weights[index]?.first(where: { entry in
            var d = entry.desc
            return dnnl_memory_desc_equal(&d, &desc) != 0
        }) { return found.memory }
        let user = groups == 1 ? DNNLConvolution.desc(shape, dnnl_oihw)
            : DNNLConvolution.desc([groups, shape[0] / groups] + shape[1...], dnnl_goihw)
        let memory = Instance.memory(desc, handle: fovea_dnnl_memory_allocate())
        var plain = plain
        plain.withUnsafeMutableBytes { bytes in
            let source = Instance.memory(user, handle: bytes.baseAddress)
            Instance.reorder(from: source, to: memory)
            dnnl_memory_destroy(source)
        }
        weights[index, default: []].append((desc, memory))
        return memory
    }

    /// Primitives, buffers and argument lists for one input shape.
    private final class Instance {
        struct Key: Hashable { let shape: [Int]; let winograd: Bool }

        struct Step {
            let primitive: dnnl_primitive_t
            var args: [dnnl_exec_arg_t]
        }

        private var steps: [Step] = []
        private var primitives: [dnnl_primitive_t] = []
        private var memories: [dnnl_memory_t] = []
        private var buffers: [UnsafeMutableRawPointer] = []
        private var scratchpadBytes = 0
        private var scratchpad: UnsafeMutableRawPointer?
        private var scratchpadMemories: [(step: Int, memory: dnnl_memory_t)] = []
        private var inputMemory: dnnl_memory_t?
        private var outputMemory: dnnl_memory_t?
        private(set) var outputShape: [Int] = []

        typealias WeightSource = (Int, dnnl_memory_desc_t, [Float], [Int], Int) -> dnnl_memory_t

        /// Each value's memory (layout and buffer) and dimensions.
        private var values: [Int: dnnl_memory_t] = [:]
        private var dims: [Int: [Int]] = [:]
        /// Buffers no value needs any more, for later outputs; the buffer each live value owns.
        private var free: [(bytes: Int, pointer: UnsafeMutableRawPointer)] = []
        private var owned: [Int: (bytes: Int, pointer: UnsafeMutableRawPointer)] = [:]
        /// Buffers of reorders inside one node, free again once the node has run.
        private var temporaries: [(bytes: Int, pointer: UnsafeMutableRawPointer)] = []

        /// Primitives for every node at this shape, or nil when oneDNN has no kernel for one of them.
        static func make(_ graph: InferenceGraph, _ key: Key, weights: WeightSource) -> Instance? {
            let instance = Instance()
            return instance.build(graph, key, weights: weights) ? instance : nil
        }

        private func build(_ graph: InferenceGraph, _ key: Key, weights: WeightSource) -> Bool {
            let input = Self.memory(DNNLConvolution.desc(key.shape, dnnl_nchw), handle: nil)
            memories.append(input)
            inputMemory = input
            values[0] = input
            dims[0] = key.shape
            var lastUse: [Int: Int] = [:]
            for (i, node) in graph.nodes.enumerated() { for v in node.inputs { lastUse[v.id] = i } }
            for (i, node) in graph.nodes.enumerated() {
                let id = graph.outputID(ofNode: i)
                guard let made = add(node, id: id, index: i, key: key, lastUse: lastUse, weights: weights) else { return false }
                values[id] = made.memory
                dims[id] = made.dims
                free += temporaries
                temporaries = []
                for v in Set(node.inputs.map(\.id)) where lastUse[v] == i { if let b = owned.removeValue(forKey: v) { free.append(b) } }
            }
            // The output, reordered into the caller's plain tensor.
            let last = graph.output!.id
            outputShape = dims[last]!
            let output = Self.memory(DNNLConvolution.desc(outputShape, dnnl_nchw), handle: nil)
            memories.append(output)
            outputMemory = output
            guard appendReorder(values[last]!, output) else { return false }
            if scratchpadBytes > 0 {
                let shared = UnsafeMutableRawPointer.allocate(byteCount: scratchpadBytes, alignment: 64)
                scratchpad = shared
                for (step, memory) in scratchpadMemories {
                    DNNLConvolution.check(dnnl_memory_set_data_handle(memory, shared), "handle")
                    steps[step].args.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: memory))
                }
            }
            return true
        }

        deinit { release() }

        private func release() {
            for p in primitives { dnnl_primitive_destroy(p) }
            for m in memories { dnnl_memory_destroy(m) }
            for m in scratchpadMemories { dnnl_memory_destroy(m.memory) }
            for b in buffers { b.deallocate() }
            scratchpad?.deallocate()
            primitives = []; memories = []; scratchpadMemories = []; buffers = []; scratchpad = nil
        }

        func run(_ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
            guard let inputMemory, let outputMemory else { preconditionFailure("running an instance that was not built") }
            DNNLConvolution.check(dnnl_memory_set_data_handle(inputMemory, x), "handle")
            DNNLConvolution.check(dnnl_memory_set_data_handle(outputMemory, y), "handle")
            for step in steps {
                DNNLConvolution.check(dnnl_primitive_execute(step.primitive, DNNLConvolution.stream, Int32(step.args.count), step.args), "execute")
            }
            DNNLConvolution.check(dnnl_stream_wait(DNNLConvolution.stream), "wait")
        }

        // MARK: Building

        private struct Made { let memory: dnnl_memory_t; let dims: [Int] }

        private func add(_ node: InferenceGraph.Node, id: Int, index: Int, key: Key, lastUse: [Int: Int],
                         weights: WeightSource) -> Made? {
            switch node {
            case .convolution(let c):
                return convolution(c, id: id, index: index, key: key, lastUse: lastUse, weights: weights)
            case .pooling(let input, let window):
                guard let src = values[input.id], let d = dims[input.id] else { return nil }
                let win = window ?? Window(kernel: (d[2], d[3]))
                let (oh, ow) = win.outputSize((d[2], d[3]))
                let out = [d[0], d[1], oh, ow]
                var srcDesc = Self.descriptor(of: src)
                var dstDesc = DNNLConvolution.desc(out, dnnl_format_tag_any)
                var pool = dnnl_pooling_desc_t()
                let padRight = win.trailingPadding((d[2], d[3]))
                let attributes = Self.attributes(postOps: [])
                defer { dnnl_primitive_attr_destroy(attributes) }
                guard padRight.allSatisfy({ $0 >= 0 }),
                      dnnl_pooling_forward_desc_init(&pool, dnnl_forward_inference, window == nil ? dnnl_pooling_avg_exclude_padding : dnnl_pooling_max,
                                                     &srcDesc, &dstDesc, DNNLConvolution.dims([win.stride.0, win.stride.1]),
                                                     DNNLConvolution.dims([win.kernel.0, win.kernel.1]),
                                                     DNNLConvolution.dims([win.padding.0, win.padding.1]), DNNLConvolution.dims(padRight)) == dnnl_success,
                      let pd = Self.primitiveDesc(&pool, attributes: attributes)
                else { return nil }
                defer { dnnl_primitive_desc_destroy(pd) }
                let dst = allocate(Self.queried(pd, DNNL_ARG_DST), for: id)
                append(pd, [(DNNL_ARG_SRC, src), (DNNL_ARG_DST, dst)])
                return Made(memory: dst, dims: out)
            }
        }

        private func convolution(_ c: InferenceGraph.Convolution, id: Int, index: Int, key: Key, lastUse: [Int: Int],
                                 weights: WeightSource) -> Made? {
            guard let src = values[c.input.id], let d = dims[c.input.id] else { return nil }
            let w = c.window, (o, kh, kw) = (c.weightShape[0], c.weightShape[2], c.weightShape[3])
            let (oh, ow) = w.outputSize((d[2], d[3]))
            guard oh > 0, ow > 0 else { return nil }
            let out = [d[0], o, oh, ow]
            if let r = c.residual, dims[r.id] != out { return nil }
            let wShape = c.groups == 1 ? c.weightShape : [c.groups, o / c.groups] + c.weightShape[1...]
            var wtsAny = DNNLConvolution.desc(wShape, dnnl_format_tag_any)
            var biasDesc = DNNLConvolution.desc([o], dnnl_x)
            // Blocked output in the CPU's channel block wherever the kernels take it (nChw16c on AVX-512, nChw8c on
            // AVX2); the graph input (plain NCHW) as the kernel likes.
            let block = DNNLConvolution.channelBlock
            var dstDesc = DNNLConvolution.desc(out, o % block != 0 ? dnnl_format_tag_any : block == 16 ? dnnl_nChw16c : dnnl_nChw8c)
            let padRight = w.trailingPadding((d[2], d[3]))
            let postOps: [PostOp] = (c.residual == nil ? [] : [.sum]) + (c.relu ? [.relu] : [])
            let attributes = Self.attributes(postOps: postOps)
            defer { dnnl_primitive_attr_destroy(attributes) }
            func make(_ algorithm: dnnl_alg_kind_t, _ srcDesc: dnnl_memory_desc_t) -> dnnl_primitive_desc_t? {
                var desc = dnnl_convolution_desc_t(), srcDesc = srcDesc
                let status = withUnsafePointer(to: &biasDesc) { bias in
                    dnnl_dilated_convolution_forward_desc_init(&desc, dnnl_forward_inference, algorithm, &srcDesc, &wtsAny,
                        c.bias == nil ? nil : bias, &dstDesc, DNNLConvolution.dims([w.stride.0, w.stride.1]),
                        DNNLConvolution.dims([w.dilation.0 - 1, w.dilation.1 - 1]), DNNLConvolution.dims([w.padding.0, w.padding.1]),
                        DNNLConvolution.dims(padRight))
                }
                guard status == dnnl_success else { return nil }
                return Self.primitiveDesc(&desc, attributes: attributes)
            }
            let winograd = key.winograd && DNNLConvolution.winogradApplies(kernel: (kh, kw), stride: w.stride, dilation: w.dilation,
                                                                          groups: c.groups, training: false, bf16: false)
            let exact = Self.descriptor(of: src), any = DNNLConvolution.desc(d, dnnl_format_tag_any)
            var pd: dnnl_primitive_desc_t?
            for algorithm in (winograd ? [dnnl_convolution_winograd] : []) + [dnnl_convolution_direct] where pd == nil {
                // The incoming layout as it is; a reorder only when no kernel reads it.
                pd = (c.input.id == 0 ? nil : make(algorithm, exact)) ?? make(algorithm, any)
            }
            guard let pd else { return nil }
            defer { dnnl_primitive_desc_destroy(pd) }
            guard let input = convert(src, to: Self.queried(pd, DNNL_ARG_SRC)) else { return nil }
            let dstChosen = Self.queried(pd, DNNL_ARG_DST)
            // The sum post-op accumulates into the output: it starts as the residual, in place when nothing reads it later.
            var dst: dnnl_memory_t
            if let r = c.residual {
                var have = Self.descriptor(of: values[r.id]!), want = dstChosen
                if lastUse[r.id] == index && r.id != c.input.id && owned[r.id] != nil && dnnl_memory_desc_equal(&have, &want) != 0 {
                    dst = values[r.id]!
                    owned[id] = owned.removeValue(forKey: r.id)
                } else {
                    dst = allocate(dstChosen, for: id)
                    guard appendReorder(values[r.id]!, dst) else { return nil }
                }
            } else {
                dst = allocate(dstChosen, for: id)
            }
            let weight = weights(index, Self.queried(pd, DNNL_ARG_WEIGHTS), c.weight, c.weightShape, c.groups)
            var args: [(Int32, dnnl_memory_t)] = [(DNNL_ARG_SRC, input), (DNNL_ARG_WEIGHTS, weight)]
            if let bias = c.bias {
                let memory = Self.memory(DNNLConvolution.desc([o], dnnl_x), handle: fovea_dnnl_memory_allocate())
                memories.append(memory)
                var handle: UnsafeMutableRawPointer?
                dnnl_memory_get_data_handle(memory, &handle)
                bias.withUnsafeBytes { handle!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                args.append((DNNL_ARG_BIAS, memory))
            }
            args.append((DNNL_ARG_DST, dst))
            append(pd, args)
            return Made(memory: dst, dims: out)
        }

        enum PostOp { case sum, relu }

        /// Scratchpad owned by the caller (see DNNLConvolution.attributes), and the post-ops.
        static func attributes(postOps: [PostOp]) -> dnnl_primitive_attr_t {
            var a: dnnl_primitive_attr_t?
            DNNLConvolution.check(dnnl_primitive_attr_create(&a), "attributes")
            DNNLConvolution.check(dnnl_primitive_attr_set_scratchpad_mode(a, dnnl_scratchpad_mode_user), "scratchpad mode")
            if !postOps.isEmpty {
                var ops: dnnl_post_ops_t?
                DNNLConvolution.check(dnnl_post_ops_create(&ops), "post-ops")
                for op in postOps {
                    switch op {
                    case .sum: DNNLConvolution.check(dnnl_post_ops_append_sum(ops, 1), "sum post-op")
                    case .relu: DNNLConvolution.check(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_relu, 0, 0), "relu post-op")
                    }
                }
                DNNLConvolution.check(dnnl_primitive_attr_set_post_ops(a, ops), "post-ops")
                dnnl_post_ops_destroy(ops)
            }
            return a!
        }

        /// `memory` in layout `desc`: itself, or a new buffer filled by a reorder step.
        private func convert(_ memory: dnnl_memory_t, to desc: dnnl_memory_desc_t) -> dnnl_memory_t? {
            var have = Self.descriptor(of: memory), want = desc
            guard dnnl_memory_desc_equal(&have, &want) == 0 else { return memory }
            let converted = allocate(desc)
            return appendReorder(memory, converted) ? converted : nil
        }

        /// A step copying `from` into `to`, converting the layout; its scratchpad, if any, is the graph's like
        /// every other step's (the graph may run on another thread than the one that built it).
        private func appendReorder(_ from: dnnl_memory_t, _ to: dnnl_memory_t) -> Bool {
            var src = Self.descriptor(of: from), dst = Self.descriptor(of: to)
            let attributes = Self.attributes(postOps: [])
            defer { dnnl_primitive_attr_destroy(attributes) }
            var pd: dnnl_primitive_desc_t?
            guard dnnl_reorder_primitive_desc_create(&pd, &src, DNNLConvolution.engine, &dst, DNNLConvolution.engine, attributes)
                    == dnnl_success, let pd else { return false }
            defer { dnnl_primitive_desc_destroy(pd) }
            append(pd, [(DNNL_ARG_FROM, from), (DNNL_ARG_TO, to)])
            return true
        }

        private func append(_ pd: dnnl_primitive_desc_t, _ args: [(Int32, dnnl_memory_t)]) {
            var p: dnnl_primitive_t?
            DNNLConvolution.check(dnnl_primitive_create(&p, pd), "primitive")
            primitives.append(p!)
            steps.append(Step(primitive: p!, args: args.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }))
            if let md = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0), dnnl_memory_desc_get_size(md) > 0 {
                scratchpadBytes = max(scratchpadBytes, dnnl_memory_desc_get_size(md))
                scratchpadMemories.append((steps.count - 1, Self.memory(md.pointee, handle: nil)))
            }
        }

        /// A memory of layout `desc` on a buffer from the free list (or a new one); `id` owns it until recycled.
        private func allocate(_ desc: dnnl_memory_desc_t, for id: Int? = nil) -> dnnl_memory_t {
            var desc = desc
            let bytes = max(dnnl_memory_desc_get_size(&desc), 64)
            let buffer: (bytes: Int, pointer: UnsafeMutableRawPointer)
            if let best = free.indices.filter({ free[$0].bytes >= bytes }).min(by: { free[$0].bytes < free[$1].bytes }) {
                buffer = free.remove(at: best)
            } else {
                buffer = (bytes, UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64))
                buffers.append(buffer.pointer)
            }
            let memory = Self.memory(desc, handle: buffer.pointer)
            memories.append(memory)
            if let id { owned[id] = buffer } else { temporaries.append(buffer) }
            return memory
        }

        // MARK: C API helpers

        static func memory(_ desc: dnnl_memory_desc_t, handle: UnsafeMutableRawPointer?) -> dnnl_memory_t {
            var desc = desc, m: dnnl_memory_t?
            DNNLConvolution.check(dnnl_memory_create(&m, &desc, DNNLConvolution.engine, handle), "memory")
            return m!
        }

        static func descriptor(of memory: dnnl_memory_t) -> dnnl_memory_desc_t {
            var md: UnsafePointer<dnnl_memory_desc_t>?
            DNNLConvolution.check(dnnl_memory_get_memory_desc(memory, &md), "descriptor")
            return md!.pointee
        }

        static func queried(_ pd: dnnl_primitive_desc_t, _ arg: Int32) -> dnnl_memory_desc_t {
            dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, arg)!.pointee
        }

        static func primitiveDesc(_ op: UnsafeMutableRawPointer, attributes: dnnl_primitive_attr_t) -> dnnl_primitive_desc_t? {
            var pd: dnnl_primitive_desc_t?
            guard dnnl_primitive_desc_create(&pd, op, attributes, DNNLConvolution.engine, nil) == dnnl_success else { return nil }
            return pd
        }

        static func primitiveDesc<Op>(_ op: inout Op, attributes: dnnl_primitive_attr_t) -> dnnl_primitive_desc_t? {
            withUnsafeMutablePointer(to: &op) { primitiveDesc(UnsafeMutableRawPointer($0), attributes: attributes) }
        }

        /// A one-off reorder (weights at build time), run at once on this thread: oneDNN's own scratchpad is safe.
        static func reorder(from: dnnl_memory_t, to: dnnl_memory_t) {
            var src = descriptor(of: from), dst = descriptor(of: to)
            var pd: dnnl_primitive_desc_t?, p: dnnl_primitive_t?
            DNNLConvolution.check(dnnl_reorder_primitive_desc_create(&pd, &src, DNNLConvolution.engine, &dst, DNNLConvolution.engine, nil),
                                  "reorder")
            defer { dnnl_primitive_desc_destroy(pd) }
            DNNLConvolution.check(dnnl_primitive_create(&p, pd), "reorder")
            defer { dnnl_primitive_destroy(p) }
            let args = [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: from), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: to)]
            DNNLConvolution.check(dnnl_primitive_execute(p, DNNLConvolution.stream, 2, args), "reorder")
            DNNLConvolution.check(dnnl_stream_wait(DNNLConvolution.stream), "wait")
        }
    }
}

extension InferenceGraph {
    /// The value node `index` outputs.
    fileprivate func outputID(ofNode index: Int) -> Int { outputs[index] }
}
