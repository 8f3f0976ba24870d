import Foundation
@testable import Tensors
import Testing

/// oneDNN's faster arithmetic. bf16 convolutions (fp32 accumulation) give the values of fp32 convolutions of
/// bf16-rounded operands, and PyTorch's fp32 goldens to bf16's tolerance; Winograd gives direct's to 1e-5.
@Suite struct ConvolutionArithmeticTests {
    static let convolutionCases = GoldenFile.shared.cases.filter { $0.name.hasPrefix("conv2d") }

    /// Round to nearest even, as oneDNN's f32 → bf16 reorders (vcvtneps2bf16) do.
    static func roundedToBFloat16(_ t: Tensor) -> Tensor {
        t.map { x in
            let bits = x.bitPattern
            return Float(bitPattern: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000)
        }
    }

    /// Output, input gradient and weight gradient of one golden case's convolution at a precision.
    func run(_ golden: GoldenCase, _ precision: ConvolutionPrecision, rounding: Bool) -> [Tensor] {
        let round = rounding ? Self.roundedToBFloat16 : { $0 }
        let inputs = golden.inputs.mapValues { a in a.tensor }
        let x = round(inputs["x"]!), w = round(inputs["w"]!)
        x.requiresGrad = true; w.requiresGrad = true
        let rebuilt = inputs.merging(["x": x, "w": w]) { $1 }
        return ConvolutionBackend.$current.withValue(.oneDNN) {
            ConvolutionPrecision.$current.withValue(precision) {
                let out = opCatalog[golden.name]!(golden, rebuilt)
                out.backward(round(golden.upstream.tensor.reshaped(out.shape)))
                return [out, x.grad!, w.grad!]
            }
        }
    }

    @Test(.enabled(if: ConvolutionPrecision.bf16IsNative), arguments: convolutionCases)
    func equalsFP32OfRoundedOperands(_ golden: GoldenCase) {
        let bf16 = run(golden, .bf16, rounding: false), reference = run(golden, .fp32, rounding: true)
        for (name, (a, b)) in zip(["output", "dx", "dw"], zip(bf16, reference)) {
            let scale = b.scalars.map(abs).max()!
            let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max()!
            #expect(worst <= 1e-5 * scale, "\(golden.name) \(name): \(worst) against scale \(scale)")
        }
    }

    @Test(.enabled(if: ConvolutionPrecision.bf16IsNative), arguments: convolutionCases)
    func matchesPyTorchToBFloat16Tolerance(_ golden: GoldenCase) {
        let results = run(golden, .bf16, rounding: false)
        expectClose(results[0], golden.output, "\(golden.name) output", relative: 2e-2)
        expectClose(results[1], golden.grads["x"]!, "\(golden.name) d/dx", relative: 2e-2)
        expectClose(results[2], golden.grads["w"]!, "\(golden.name) d/dw", relative: 2e-2)
    }

    /// Winograd F(4×4, 3×3) in inference: chosen for a 3×3 stride-1 convolution of resnet18's channel counts,
    /// the direct convolution's values (themselves PyTorch's, ParityTests) to 1e-5 of their scale.
    @Test(arguments: [(64, 14), (128, 9)])
    func winogradInferenceMatchesDirect(_ channels: Int, _ size: Int) throws {
        var rng = SeededGenerator(seed: 3)
        let x = Tensor.randn([4, channels, size, size], using: &rng)
        let w = Tensor.randn([channels, channels, 3, 3], std: 0.05, using: &rng)
        let run = { (algorithm: ConvolutionAlgorithm) in
            ConvolutionBackend.$current.withValue(.oneDNN) {
                ConvolutionAlgorithm.$current.withValue(algorithm) { withoutGrad { conv2d(x, w, padding: 1) } }
            }
        }
        let direct = run(.direct), winograd = run(.winograd)
        let scale = direct.scalars.map(abs).max()!
        let worst = zip(direct.scalars, winograd.scalars).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-5 * scale, "max difference \(worst) against scale \(scale)")
        let key = Convolution(input: x.shape, weight: w.shape, window: Window(kernel: (3, 3), padding: (1, 1)), groups: 1)
            .key(bias: false, training: false, algorithm: .winograd)
        // oneDNN's Winograd kernels are AVX-512 only; elsewhere the algorithm falls back to direct (values above hold).
        #expect(DNNLConvolution.cached(key).forwardImplementation.contains("wino") == DNNLConvolution.hasAVX512)
    }

    /// Winograd asked of a convolution it cannot compute is the direct convolution, under the same cache entry.
    @Test func winogradOnlyWhereItApplies() {
        let key = { (kernel: Int, stride: Int, algorithm: ConvolutionAlgorithm) in
            Convolution(input: [2, 64, 12, 12], weight: [64, 64, kernel, kernel],
                        window: Window(kernel: (kernel, kernel), stride: (stride, stride), padding: (kernel / 2, kernel / 2)), groups: 1)
                .key(bias: false, training: false, algorithm: algorithm)
        }
        #expect(key(1, 1, .winograd) == key(1, 1, .direct))
        #expect(key(3, 2, .winograd) == key(3, 2, .direct))
        #expect(key(7, 1, .winograd) == key(7, 1, .direct))
        #expect(key(3, 1, .winograd) != key(3, 1, .direct))
    }

    @Test func recordedConvolutionsStayDirect() {
        let conv = Convolution(input: [2, 64, 12, 12], weight: [64, 64, 3, 3], window: Window(kernel: (3, 3), padding: (1, 1)), groups: 1)
        #expect(!DNNLConvolution.cached(conv.key(bias: false, training: true, algorithm: .winograd)).forwardImplementation.contains("wino"))
    }
}
