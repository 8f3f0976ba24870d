import CDNNL
import Foundation

/// Convolutions through oneDNN, the library PyTorch itself runs on CPUs. Tensors stay plain NCHW at the
/// interface; inside, oneDNN picks its blocked layouts (nChw16c on AVX-512) and we reorder in and out.
/// One `DNNLConvolution` per geometry is built once and cached: primitive creation costs milliseconds.
final class DNNLConvolution: @unchecked Sendable {
    struct Key: Hashable {
        let input: [Int], weight: [Int], stride: [Int], padding: [Int], dilation: [Int], groups: Int
        let bias: Bool, training: Bool
        /// bf16 source, weights and output gradient (fp32 accumulation, fp32 output and gradients).
        let bf16: Bool
        /// Winograd asked for and applicable (`winogradApplies`): one cache entry per geometry whatever was asked
        /// of the convolutions Winograd cannot take.
        let winograd: Bool
    }

    /// Whether oneDNN's Winograd F(4×4, 3×3) can compute a convolution: 3×3, stride 1, undilated, ungrouped, fp32
    /// inference (see `ConvolutionAlgorithm`); the one rule for the op-by-op path and the fused inference graph.
    static func winogradApplies(kernel: (Int, Int), stride: (Int, Int), dilation: (Int, Int), groups: Int,
                                training: Bool, bf16: Bool) -> Bool {
        kernel == (3, 3) && stride == (1, 1) && dilation == (1, 1) && groups == 1 && !training && !bf16
    }

    /// AVX512-BF16 (or AMX): oneDNN's bf16 convolutions run natively instead of emulated.
    static let hasNativeBF16 = hasISA(dnnl_cpu_isa_avx512_core_bf16)

    /// AVX-512: oneDNN's kernels work in 16-channel blocks (8 on AVX2) and have Winograd convolutions.
    static let hasAVX512 = hasISA(dnnl_cpu_isa_avx512_core)

    /// The channel block of oneDNN's kernels on this CPU (nChw16c or nChw8c).
    static var channelBlock: Int { hasAVX512 ? 16 : 8 }

    private static func hasISA(_ isa: dnnl_cpu_isa_t) -> Bool { dnnl_get_effective_cpu_isa().rawValue & isa.rawValue == isa.rawValue }

    nonisolated(unsafe) static let engine: dnnl_engine_t = {
        var e: dnnl_engine_t?
        check(dnnl_engine_create(&e, dnnl_cpu, 0), "engine")
        return e!
    }()
    nonisolated(unsafe) static let stream: dnnl_stream_t = {
        var s: dnnl_stream_t?
        check(dnnl_stream_create(&s, engine, dnnl_stream_default_flags.rawValue), "stream")
        return s!
    }()
    static let lock = NSLock()
    /// User-managed scratchpads: oneDNN's own (library mode, without DNNL_ENABLE_CONCURRENT_EXEC as Debian
    /// builds it) lives in thread-local storage of the creating thread, so a primitive run from another
    /// thread reads a buffer that is not its own. Each Step owns its scratchpad instead.
    nonisolated(unsafe) private static let attributes: dnnl_primitive_attr_t = {
        var a: dnnl_primitive_attr_t?
        check(dnnl_primitive_attr_create(&a), "attributes")
        check(dnnl_primitive_attr_set_scratchpad_mode(a, dnnl_scratchpad_mode_user), "scratchpad mode")
        return a!
    }()
    nonisolated(unsafe) private static var cache: [Key: DNNLConvolution] = [:]

    static func cached(_ key: Key) -> DNNLConvolution {
        lock.lock(); defer { lock.unlock() }
        if let c = cache[key] { return c }
        let c = DNNLConvolution(key)
        cache[key] = c
        return c
    }

    private let forwardStep: Step
    /// oneDNN's name for the forward kernel it chose, e.g. `brgconv:avx512_core` or `jit_wino_4x3:avx512_core`.
    let forwardImplementation: String
    private let backwardDataStep: Step?
    private let backwardWeightsStep: Step?

    private init(_ key: Key) {
        let (n, c, h, w) = (key.input[0], key.input[1], key.input[2], key.input[3])
        let (o, kh, kw) = (key.weight[0], key.weight[2], key.weight[3])
        let window = Window(kernel: (kh, kw), stride: (key.stride[0], key.stride[1]), padding: (key.padding[0], key.padding[1]),
                            dilation: (key.dilation[0], key.dilation[1]))
        let (oh, ow) = window.outputSize((h, w))
        let g = key.groups
        let src = Self.desc([n, c, h, w], dnnl_nchw), dst = Self.desc([n, o, oh, ow], dnnl_nchw)
        let wts = g == 1 ? Self.desc(key.weight, dnnl_oihw) : Self.desc([g, o / g, c / g, kh, kw], dnnl_goihw)
        var bias = Self.desc([o], dnnl_x)
        // What oneDNN computes with: in bf16 mode the source, weights and output gradient are bf16; the output,
        // input gradient and weight gradient stay fp32 (the reorders from and to the user's memory convert).
        let low = key.bf16 ? dnnl_bf16 : dnnl_f32
        let wtsShape = g == 1 ? key.weight : [g, o / g, c / g, kh, kw]
        var srcAny = Self.desc([n, c, h, w], dnnl_format_tag_any, low), dstAny = Self.desc([n, o, oh, ow], dnnl_format_tag_any)
        var wtsAny = Self.desc(wtsShape, dnnl_format_tag_any, low)
        var srcAnyF32 = Self.desc([n, c, h, w], dnnl_format_tag_any), dstAnyLow = Self.desc([n, o, oh, ow], dnnl_format_tag_any, low)
        var wtsAnyF32 = Self.desc(wtsShape, dnnl_format_tag_any)
        let strides = Self.dims(key.stride), dilates = Self.dims(key.dilation.map { $0 - 1 })  // oneDNN counts extra gaps
        let padLeft = Self.dims(key.padding)
        let padRight = Self.dims(window.trailingPadding((h, w)))

        /// The forward primitive descriptor for an algorithm, nil when oneDNN has no kernel for it here.
        func forward(_ algorithm: dnnl_alg_kind_t) -> dnnl_primitive_desc_t? {
            var forwardDesc = dnnl_convolution_desc_t()
            let status = withUnsafePointer(to: &bias) { biasDesc in
                dnnl_dilated_convolution_forward_desc_init(&forwardDesc, key.training ? dnnl_forward_training : dnnl_forward_inference,
                    algorithm, &srcAny, &wtsAny, key.bias ? biasDesc : nil, &dstAny, strides, dilates, padLeft, padRight)
            }
            guard status == dnnl_success else { return nil }
            var pd: dnnl_primitive_desc_t?
            guard dnnl_primitive_desc_create(&pd, &forwardDesc, Self.attributes, Self.engine, nil) == dnnl_success else { return nil }
            return pd
        }
        // Winograd where asked and applicable (the key says), direct where this CPU has no Winograd kernel.
        guard let forwardPD = (key.winograd ? forward(dnnl_convolution_winograd) : nil) ?? forward(dnnl_convolution_direct) else {
            preconditionFailure("oneDNN has no convolution for \(key)")
        }
        defer { dnnl_primitive_desc_destroy(forwardPD) }  // the backward descriptors take it as their hint
        var name: UnsafePointer<CChar>?
        dnnl_primitive_desc_query(forwardPD, dnnl_query_impl_info_str, 0, &name)
        forwardImplementation = name.map { String(cString: $0) } ?? "?"
        forwardStep = Step(forwardPD, [(DNNL_ARG_SRC, src, false), (DNNL_ARG_WEIGHTS, wts, false)]
            + (key.bias ? [(DNNL_ARG_BIAS, bias, false)] : []) + [(DNNL_ARG_DST, dst, true)])
        guard key.training else { backwardDataStep = nil; backwardWeightsStep = nil; return }

        var dataDesc = dnnl_convolution_desc_t()
        Self.check(dnnl_dilated_convolution_backward_data_desc_init(&dataDesc, dnnl_convolution_direct, &srcAnyF32, &wtsAny, &dstAnyLow,
                                                                    strides, dilates, padLeft, padRight), "backward data")
        let dataPD = Self.primitiveDesc(&dataDesc, hint: forwardPD)
        defer { dnnl_primitive_desc_destroy(dataPD) }
        backwardDataStep = Step(dataPD, [(DNNL_ARG_DIFF_DST, dst, false), (DNNL_ARG_WEIGHTS, wts, false), (DNNL_ARG_DIFF_SRC, src, true)])
        var weightsDesc = dnnl_convolution_desc_t()
        Self.check(dnnl_dilated_convolution_backward_weights_desc_init(&weightsDesc, dnnl_convolution_direct, &srcAny, &wtsAnyF32, nil,
                                                                       &dstAnyLow, strides, dilates, padLeft, padRight), "backward weights")
        let weightsPD = Self.primitiveDesc(&weightsDesc, hint: forwardPD)
        defer { dnnl_primitive_desc_destroy(weightsPD) }
        backwardWeightsStep = Step(weightsPD, [(DNNL_ARG_SRC, src, false), (DNNL_ARG_DIFF_DST, dst, false), (DNNL_ARG_DIFF_WEIGHTS, wts, true)])
    }

    /// A frozen weight's blocked copy, valid while its storage lives at the same version.
    private struct FrozenWeight {
        weak var storage: Storage?
        let version: Int
        let copy: BlockedCopy
    }
    private var frozen: [ObjectIdentifier: FrozenWeight] = [:]

    /// Frozen weights (no gradient: inference, CAM) are reordered to oneDNN's layout once per version instead
    /// of at every call; for resnet18 that reorder was a third of oneDNN's time in a forward pass.
    func forward(x: UnsafeMutablePointer<Float>, weight: Tensor, bias: UnsafeMutablePointer<Float>?, y: UnsafeMutablePointer<Float>) {
        var prepared: [Int: dnnl_memory_t] = [:]
        if !weight.requiresGrad {
            Self.lock.lock()
            let key = ObjectIdentifier(weight.storage)
            if let entry = frozen[key], entry.storage === weight.storage, entry.version == weight.storage.version {
                prepared[1] = entry.copy.memory
            } else if let copy = forwardStep.reordered(port: 1, from: weight.data) {
                for (k, entry) in frozen where entry.storage == nil || k == key { frozen[k] = nil }  // dead weights, or an old version
                frozen[key] = FrozenWeight(storage: weight.storage, version: weight.storage.version, copy: copy)
                prepared[1] = copy.memory
            }
            Self.lock.unlock()
        }
        forwardStep.run([x, weight.data] + (bias.map { [$0] } ?? []) + [y], prepared: prepared)
    }

    /// The training forward: also returns the input in oneDNN's layout when the weight-gradient kernel reads that
    /// layout, so the backward pass need not reorder it a second time.
    func forwardKeepingInput(x: UnsafeMutablePointer<Float>, weight: Tensor, bias: UnsafeMutablePointer<Float>?,
                             y: UnsafeMutablePointer<Float>) -> BlockedCopy? {
        Self.lock.lock(); defer { Self.lock.unlock() }
        // Kept only when the weight-gradient kernel reads the input in the forward's layout.
        let kept = backwardWeightsStep.flatMap { backward in
            forwardStep.ports[0].inner.map { backward.accepts($0, port: 0) } == true ? forwardStep.reordered(port: 0, from: x) : nil
        }
        forwardStep.execute([x, weight.data] + (bias.map { [$0] } ?? []) + [y], prepared: kept.map { [0: $0.memory] } ?? [:])
        return kept
    }

    /// Input and weight gradients (either may be nil). The output gradient is reordered once for both kernels, and
    /// the input's blocked copy from `forwardKeepingInput` is used instead of reordering `x` again.
    func backward(dy: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>, x: UnsafeMutablePointer<Float>,
                  blockedInput: BlockedCopy?, dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?) {
        Self.lock.lock(); defer { Self.lock.unlock() }
        var prepared: [Int: dnnl_memory_t] = [:]
        if let dx {
            backwardDataStep!.execute([dy, weight, dx])
            if let gradient = backwardDataStep!.ports[0].inner, backwardWeightsStep!.accepts(gradient, port: 1) { prepared[1] = gradient }
        }
        guard let dw else { return }
        if let blockedInput { prepared[0] = blockedInput.memory }
        backwardWeightsStep!.execute([x, dy, dw], prepared: prepared)
    }

    /// An operand in oneDNN's layout held in a pooled buffer (no page faults step after step): a frozen weight's
    /// reordered copy, or a training input kept from the forward pass for its backward.
    final class BlockedCopy {
        let memory: dnnl_memory_t
        private let storage: Storage

        init(_ desc: UnsafePointer<dnnl_memory_desc_t>) {
            storage = Storage(uninitializedCount: (dnnl_memory_desc_get_size(desc) + 3) / 4)
            var memory: dnnl_memory_t?
            DNNLConvolution.check(dnnl_memory_create(&memory, desc, DNNLConvolution.engine, storage.base), "memory")
            self.memory = memory!
        }

        deinit { dnnl_memory_destroy(memory) }
    }

    /// One primitive with its arguments: each bound to the caller's plain memory, through an internal
    /// memory and a reorder when oneDNN chose another layout.
    private final class Step {
        let primitive: dnnl_primitive_t
        let ports: [Port]
        let scratchpad: dnnl_memory_t?

        struct Port {
            let arg: Int32
            let user: dnnl_memory_t
            let inner: dnnl_memory_t?
            let reorder: dnnl_primitive_t?
            let reorderScratchpad: dnnl_memory_t?
            let isOutput: Bool
        }

        init(_ pd: dnnl_primitive_desc_t, _ args: [(Int32, dnnl_memory_desc_t, Bool)]) {
            var p: dnnl_primitive_t?
            DNNLConvolution.check(dnnl_primitive_create(&p, pd), "primitive")
            primitive = p!
            ports = args.map { arg, userDesc, isOutput in
                var userDesc = userDesc
                var user: dnnl_memory_t?
                DNNLConvolution.check(dnnl_memory_create(&user, &userDesc, DNNLConvolution.engine, nil), "memory")
                let chosen = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, arg)!
                guard dnnl_memory_desc_equal(chosen, &userDesc) == 0 else {
                    return Port(arg: arg, user: user!, inner: nil, reorder: nil, reorderScratchpad: nil, isOutput: isOutput)
                }
                var inner: dnnl_memory_t?
                DNNLConvolution.check(dnnl_memory_create(&inner, chosen, DNNLConvolution.engine, fovea_dnnl_memory_allocate()), "memory")
                var reorderPD: dnnl_primitive_desc_t?
                if isOutput {
                    DNNLConvolution.check(dnnl_reorder_primitive_desc_create(&reorderPD, chosen, DNNLConvolution.engine, &userDesc, DNNLConvolution.engine, DNNLConvolution.attributes), "reorder")
                } else {
                    DNNLConvolution.check(dnnl_reorder_primitive_desc_create(&reorderPD, &userDesc, DNNLConvolution.engine, chosen, DNNLConvolution.engine, DNNLConvolution.attributes), "reorder")
                }
                var reorder: dnnl_primitive_t?
                DNNLConvolution.check(dnnl_primitive_create(&reorder, reorderPD), "reorder")
                let scratch = Self.scratchpad(reorderPD!)
                dnnl_primitive_desc_destroy(reorderPD)
                return Port(arg: arg, user: user!, inner: inner, reorder: reorder, reorderScratchpad: scratch, isOutput: isOutput)
            }
            scratchpad = Self.scratchpad(pd)
        }

        /// The primitive's own scratchpad memory, if it needs one.
        static func scratchpad(_ pd: dnnl_primitive_desc_t) -> dnnl_memory_t? {
            guard let md = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0), dnnl_memory_desc_get_size(md) > 0 else { return nil }
            var scratch: dnnl_memory_t?
            DNNLConvolution.check(dnnl_memory_create(&scratch, md, DNNLConvolution.engine, fovea_dnnl_memory_allocate()), "scratchpad")
            return scratch
        }

        /// Runs with `pointers` in the order of the ports. oneDNN's stream is not re-entrant: callers hold no
        /// other oneDNN work at the same time (the engine is used from one op at a time).
        func run(_ pointers: [UnsafeMutablePointer<Float>], prepared: [Int: dnnl_memory_t] = [:]) {
            DNNLConvolution.lock.lock(); defer { DNNLConvolution.lock.unlock() }
            execute(pointers, prepared: prepared)
        }

        /// `run` for a caller that holds the lock; `prepared` memories stand in for those ports (no reorder).
        func execute(_ pointers: [UnsafeMutablePointer<Float>], prepared: [Int: dnnl_memory_t] = [:]) {
            var args: [dnnl_exec_arg_t] = []
            for (i, (port, pointer)) in zip(ports, pointers).enumerated() {
                if let memory = prepared[i] { args.append(dnnl_exec_arg_t(arg: port.arg, memory: memory)); continue }
                DNNLConvolution.check(dnnl_memory_set_data_handle(port.user, pointer), "handle")
                if let inner = port.inner, !port.isOutput { execute(port, [(DNNL_ARG_FROM, port.user), (DNNL_ARG_TO, inner)]) }
                args.append(dnnl_exec_arg_t(arg: port.arg, memory: port.inner ?? port.user))
            }
            if let scratchpad { args.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratchpad)) }
            DNNLConvolution.check(dnnl_primitive_execute(primitive, DNNLConvolution.stream, Int32(args.count), args), "execute")
            for port in ports where port.isOutput && port.inner != nil {
                execute(port, [(DNNL_ARG_FROM, port.inner!), (DNNL_ARG_TO, port.user)])
            }
            DNNLConvolution.check(dnnl_stream_wait(DNNLConvolution.stream), "wait")
        }

        /// Whether `memory` has the layout this step computes port `index` in (it has its own, reordered, one).
        func accepts(_ memory: dnnl_memory_t, port index: Int) -> Bool {
            guard let inner = ports[index].inner else { return false }
            var a: UnsafePointer<dnnl_memory_desc_t>?, b: UnsafePointer<dnnl_memory_desc_t>?
            DNNLConvolution.check(dnnl_memory_get_memory_desc(memory, &a), "descriptor")
            DNNLConvolution.check(dnnl_memory_get_memory_desc(inner, &b), "descriptor")
            return dnnl_memory_desc_equal(a, b) != 0
        }

        /// Input `port` reordered into a pooled copy in the primitive's own layout, or nil when the layouts agree.
        /// The caller holds the lock.
        func reordered(port index: Int, from pointer: UnsafeMutablePointer<Float>) -> BlockedCopy? {
            let port = ports[index]
            guard let inner = port.inner else { return nil }
            var md: UnsafePointer<dnnl_memory_desc_t>?
            DNNLConvolution.check(dnnl_memory_get_memory_desc(inner, &md), "descriptor")
            let copy = BlockedCopy(md!)
            DNNLConvolution.check(dnnl_memory_set_data_handle(port.user, pointer), "handle")
            execute(port, [(DNNL_ARG_FROM, port.user), (DNNL_ARG_TO, copy.memory)])
            return copy
        }

        private func execute(_ port: Port, _ args: [(Int32, dnnl_memory_t)]) {
            var list = args.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }
            if let scratch = port.reorderScratchpad { list.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratch)) }
            DNNLConvolution.check(dnnl_primitive_execute(port.reorder!, DNNLConvolution.stream, Int32(list.count), list), "reorder")
        }
    }

    // MARK: C API helpers

    private static func primitiveDesc(_ desc: inout dnnl_convolution_desc_t, hint: dnnl_primitive_desc_t?) -> dnnl_primitive_desc_t {
        var pd: dnnl_primitive_desc_t?
        check(dnnl_primitive_desc_create(&pd, &desc, attributes, engine, hint), "primitive descriptor")
        return pd!
    }

    /// A dnnl_dims_t (12 int64s) as an array the C API reads through a pointer.
    static func dims(_ values: [Int]) -> [Int64] {
        values.map(Int64.init) + [Int64](repeating: 0, count: 12 - values.count)
    }

    static func desc(_ shape: [Int], _ tag: dnnl_format_tag_t, _ type: dnnl_data_type_t = dnnl_f32) -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        check(dnnl_memory_desc_init_by_tag(&md, Int32(shape.count), dims(shape), type, tag), "memory descriptor")
        return md
    }

    /// oneDNN fails only on programming errors here (shapes were validated before): stop with its status.
    static func check(_ status: dnnl_status_t, _ what: String) {
        precondition(status == dnnl_success, "oneDNN \(what) failed with status \(status.rawValue)")
    }
}

extension ConvolutionBackend {
    /// What `fovea doctor` prints: the backend in use and oneDNN's version and CPU ISA.
    public static var summary: String {
        let v = dnnl_version().pointee
        let isa: [UInt32: String] = [0x1: "sse41", 0x3: "avx", 0x7: "avx2", 0x27: "avx512_core", 0x67: "avx512_core_vnni",
                                     0xe7: "avx512_core_bf16", 0x3e7: "avx512_core_amx", 0x407: "avx2_vnni"]
        let cpu = dnnl_get_effective_cpu_isa().rawValue
        let name = isa[cpu] ?? "isa 0x\(String(cpu, radix: 16))"
        return "\(current.rawValue) (oneDNN \(v.major).\(v.minor).\(v.patch), \(name); FOVEA_CONV=im2col selects im2col + OpenBLAS)"
    }
}
