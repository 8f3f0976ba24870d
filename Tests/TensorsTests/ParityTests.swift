import Foundation
import Tensors
import Testing

/// Forward values and gradients equal PyTorch's (goldens from scripts/goldens/tensor_ops.py), relative 1e-4.
@Suite struct ParityTests {
    @Test func everyGoldenCaseHasAnOp() {
        let names = Set(GoldenFile.shared.cases.map(\.name))
        #expect(names.count == GoldenFile.shared.cases.count)
        #expect(names == Set(opCatalog.keys))
    }

    /// Every case on both convolution paths (oneDNN and im2col + GEMM).
    @Test(arguments: GoldenFile.shared.cases, ConvolutionBackend.allCases)
    func forwardAndBackwardMatchPyTorch(_ golden: GoldenCase, _ backend: ConvolutionBackend) throws {
        try ConvolutionBackend.$current.withValue(backend) { try check(golden) }
    }

    func check(_ golden: GoldenCase) throws {
        let op = try #require(opCatalog[golden.name])
        let inputs = golden.inputs.mapValues { a in a.tensor }
        for (name, t) in inputs { t.requiresGrad = golden.grads[name] != nil }
        let out = op(golden, inputs)
        expectClose(out, golden.output, "\(golden.name) output")
        out.backward(golden.upstream.tensor.reshaped(out.shape))
        for (name, expected) in golden.grads {
            let grad = try #require(inputs[name]?.grad, "\(golden.name): no gradient for \(name)")
            expectClose(grad, expected, "\(golden.name) d/d\(name)")
        }
        if golden.name == "batchnorm_train" {  // running statistics updated as PyTorch does
            let mean = golden.constant("running_mean_in"), variance = golden.constant("running_var_in")
            _ = batchNorm(golden.inputs["x"]!.tensor, weight: nil, bias: nil, runningMean: mean, runningVar: variance, training: true)
            expectClose(mean, golden.extra!["running_mean_out"]!, "running mean")
            expectClose(variance, golden.extra!["running_var_out"]!, "running var")
        }
    }
}

/// |a − b| ≤ 1e-4·|b| + 1e-5·max|b| elementwise (relative, with a floor for values that cancel to ~0).
func expectClose(_ actual: Tensor, _ expected: GoldenArray, _ what: String, relative: Float = 1e-4,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.data.count, "\(what): \(actual.shape) vs \(expected.shape)", sourceLocation: sourceLocation)
    guard actual.count == expected.data.count else { return }
    let scale = expected.data.map(Swift.abs).max() ?? 0
    var worst = 0, worstExcess: Float = 0
    for i in 0..<actual.count {
        let e = expected.data[i], d = Swift.abs(actual[flat: i] - e)
        let excess = d - (relative * Swift.abs(e) + relative * 0.1 * scale)
        if excess > worstExcess || !(d.isFinite || !e.isFinite) { worstExcess = Swift.max(excess, .ulpOfOne); worst = i }
    }
    #expect(worstExcess == 0, "\(what): element \(worst) is \(actual[flat: worst]), expected \(expected.data[worst])",
            sourceLocation: sourceLocation)
}
